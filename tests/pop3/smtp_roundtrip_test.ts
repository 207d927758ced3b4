// Copyright 2026 the portline authors. MIT license.
// The SMTP and POP3 in-process servers share one MailStore: what goes in over
// SMTP comes back out over POP3, byte for byte, and parses to what was composed.
import assert from "../_assert.ts";
import { MailMessage, MemoryMailStore } from "../../protocols/mail/mod.ts";
import { SmtpClient, SmtpServer } from "../../protocols/smtp/mod.ts";
import { Pop3Client, Pop3Server } from "../../protocols/pop3/mod.ts";

const dec = new TextDecoder();

Deno.test("Pop3Client reads back over POP3 what SmtpClient sent through SmtpServer", async () => {
  const store = new MemoryMailStore();
  await using smtp = await SmtpServer.listen({
    store,
    // The POP3 user name is the local part of the address.
    mailboxFor: (recipient) => recipient.split("@")[0]!.toLowerCase(),
  });
  await using pop3 = await Pop3Server.listen({ store, accounts: { bob: "pw", cy: "pw2" } });

  const attachment = new Uint8Array(70_000);
  for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 7 + 3) & 0xff;
  const message = new MailMessage({
    from: "Ann <ann@example.org>",
    to: ["Bob <bob@example.org>"],
    cc: "cy@example.org",
    bcc: "Dee@example.org",
    subject: "Grüße über SMTP und POP3",
    text: "Hallo Bob,\n.a line with a leading dot\n\nAnn\n",
    html: "<p>Hallo Bob</p>",
    attachments: [{ filename: "daten.bin", content: attachment }],
  });
  const sent = await message.bytes();
  // A raw body with dot lines and bare line ends, normalised on the way.
  const raw = "Subject: raw\r\n\r\n.\r\n..\n.x\rend\r\n";
  {
    await using client = await SmtpClient.connect({ port: smtp.port, tls: "none" });
    const result = await client.sendMessage(message);
    assert.deepEqual(result.accepted, ["bob@example.org", "cy@example.org", "Dee@example.org"]);
    await client.sendMail({ from: "ann@example.org", to: ["bob@example.org"], body: raw });
  }
  assert.equal((await store.list("dee")).length, 1);

  {
    await using client = await Pop3Client.connect({
      hostname: "127.0.0.1",
      port: pop3.addr.port,
      tls: "none",
      auth: { username: "bob", password: "pw" },
    });
    assert.deepEqual(await client.stat(), {
      count: 2,
      size: sent.byteLength + (await store.list("bob"))[1]!.size,
    });
    const bytes = await client.retrieveBytes(1);
    assert.deepEqual(bytes, sent);
    // Bcc never reached the wire, so it is not in what POP3 returns.
    assert.equal(dec.decode(bytes).includes("Dee@example.org"), false);
    const mail = await client.retrieveParsed(1);
    assert.equal(mail.subject, "Grüße über SMTP und POP3");
    assert.deepEqual(mail.to.map((a) => a.address), ["bob@example.org"]);
    assert.deepEqual(mail.cc.map((a) => a.address), ["cy@example.org"]);
    assert.equal(mail.text, "Hallo Bob,\n.a line with a leading dot\n\nAnn\n");
    assert.equal(mail.html, "<p>Hallo Bob</p>");
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]!.filename, "daten.bin");
    assert.deepEqual(mail.attachments[0]!.body, attachment);
    // Dot-stuffed by SMTP, unstuffed by the SMTP server, stuffed again by the
    // POP3 server and unstuffed by the POP3 client; bare CR/LF became CRLF.
    assert.equal(await client.retrieveText(2), "Subject: raw\r\n\r\n.\r\n..\r\n.x\r\nend\r\n");
    const uids = await client.uidl();
    assert.equal(uids.length, 2);
    assert.notEqual(uids[0]!.uid, uids[1]!.uid);
    await client.delete(1);
  }
  // QUIT committed the DELE in the shared store.
  assert.equal((await store.list("bob")).length, 1);

  await using cy = await Pop3Client.connect({
    hostname: "127.0.0.1",
    port: pop3.addr.port,
    tls: "none",
    auth: { username: "cy", password: "pw2" },
  });
  assert.deepEqual(await cy.retrieveBytes(1), sent);
});
