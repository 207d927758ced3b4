// Copyright 2026 the portline authors. MIT license.
/**
 * The POP3 step of `deno task demo`: starts the in-process POP3 server on the
 * store the SMTP step delivered into, logs in, lists the mailbox, reads the
 * message back (parsed), and shows that DELE is only committed at QUIT.
 *
 * @module
 */
import { type MailStore, MemoryMailStore } from "@portline/portline/mail";
import { Pop3Client, Pop3Server } from "@portline/portline/pop3";

/**
 * Reads `mailbox` of `store` over POP3 and prints what it finds.
 *
 * @param store The store the SMTP demo delivered into.
 * @param mailbox The mailbox to read (the POP3 user name).
 */
export async function demoPop3(store: MailStore, mailbox: string): Promise<void> {
  await using server = await Pop3Server.listen({ store, accounts: { [mailbox]: "secret" } });
  console.log(`pop3: in-process server on 127.0.0.1:${server.addr.port}`);
  await using client = await Pop3Client.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
    auth: { username: mailbox, password: "secret" },
  });
  console.log(
    `pop3: logged in as ${mailbox}; server offers ${client.capabilities.names.join(" ")}`,
  );
  const { count, size } = await client.stat();
  console.log(`pop3: ${count} message(s), ${size} octets`);
  const uids = await client.uidl();
  for (const { id, size } of await client.list()) {
    const headers = await client.retrieveHeaders(id); // TOP id 0: the body stays put
    console.log(
      `pop3:   #${id} uid ${uids[id - 1]?.uid} ${size} octets: ${
        JSON.stringify(headers.get("subject"))
      }`,
    );
  }
  if (count === 0) return;
  let progress = 0;
  const mail = await client.retrieveParsed(count, { onProgress: (p) => progress = p.bytes });
  console.log(`pop3: RETR ${count}: ${progress} bytes, subject ${JSON.stringify(mail.subject)}`);
  console.log(
    `pop3:   from ${mail.from.map((a) => a.address).join(", ")}; text ${
      JSON.stringify(mail.text?.split("\n")[0])
    }; attachments ${mail.attachments.map((a) => a.filename).join(", ") || "none"}`,
  );
  await client.delete(count);
  console.log(`pop3: DELE ${count}: marked ${[...client.markedForDeletion].join(", ")}`);
  await client.reset();
  console.log(`pop3: RSET: nothing marked; QUIT commits nothing`);
  await client.close();
  console.log(`pop3: ${mailbox} still holds ${(await store.list(mailbox)).length} message(s)`);
}

if (import.meta.main) {
  const store = new MemoryMailStore();
  await store.deliver(
    "bob@example.org",
    new TextEncoder().encode(
      "From: Ann <ann@example.org>\r\nTo: bob@example.org\r\nSubject: Hello over POP3\r\n\r\nHi Bob\r\n",
    ),
  );
  await demoPop3(store, "bob@example.org");
}
