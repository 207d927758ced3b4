// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { BufferedReader, type Conn, connect } from "../../protocols/_core/mod.ts";
import { MemoryMailStore } from "../../protocols/mail/store.ts";
import { SmtpClient, SmtpServer } from "../../protocols/smtp/mod.ts";
import { SERVER_TLS } from "../_tls.ts";
import { enc } from "./_helpers.ts";

/** A raw client: write lines, read reply lines. */
async function raw(
  port: number,
): Promise<{ conn: Conn; reader: BufferedReader; send: (t: string) => Promise<void> }> {
  const conn = await connect({ hostname: "127.0.0.1", port });
  const reader = new BufferedReader(conn);
  return { conn, reader, send: (text: string) => conn.write(enc.encode(text)) };
}

async function ehlo(c: Awaited<ReturnType<typeof raw>>): Promise<void> {
  await c.reader.readLine();
  await c.send("EHLO test\r\n");
  while (!(await c.reader.readLine()).startsWith("250 ")) { /* extensions */ }
}

for (
  const smuggle of [
    "\n.\r\nMAIL FROM:<evil@x.org>\r\nRCPT TO:<victim@x.org>\r\nDATA\r\nSmuggled\r\n.\r\n",
    "\r\n.\nMAIL FROM:<evil@x.org>\r\n",
    "\r.\r\nMAIL FROM:<evil@x.org>\r\n",
  ]
) {
  Deno.test(`SmtpServer refuses smuggling-style data ${JSON.stringify(smuggle.slice(0, 6))}`, async () => {
    await using server = await SmtpServer.listen();
    const c = await raw(server.port);
    try {
      await ehlo(c);
      await c.send("MAIL FROM:<a@x.org>\r\nRCPT TO:<b@x.org>\r\nDATA\r\n");
      assert.match(await c.reader.readLine(), /^250/);
      assert.match(await c.reader.readLine(), /^250/);
      assert.match(await c.reader.readLine(), /^354/);
      await c.send(`Subject: s\r\n\r\nbody${smuggle}.\r\n`);
      assert.match(await c.reader.readLine(), /^554 5\.5\.2/);
      assert.equal(await c.reader.readLineOrNull(), null);
      assert.equal(server.transactions.length, 0);
      assert.deepEqual(await server.store.mailboxes(), []);
    } finally {
      c.conn.close();
    }
  });
}

Deno.test("SmtpServer refuses bare-LF command lines", async () => {
  await using server = await SmtpServer.listen();
  const c = await raw(server.port);
  try {
    await c.reader.readLine();
    await c.send("EHLO test\n");
    assert.match(await c.reader.readLine(), /^500/);
    assert.equal(await c.reader.readLineOrNull(), null);
  } finally {
    c.conn.close();
  }
});

Deno.test("SmtpServer answers an endless command line with 500 and hangs up", async () => {
  await using server = await SmtpServer.listen();
  const c = await raw(server.port);
  try {
    await c.reader.readLine();
    // Past the server's 16 KiB line limit without a line end (small enough
    // to be read whole, so the hang-up is a FIN and the reply is not lost).
    await c.send("EHLO " + "x".repeat(20_000));
    assert.equal(await c.reader.readLine(), "500 5.5.6 Line too long");
    assert.equal(await c.reader.readLineOrNull(), null);
  } finally {
    c.conn.close();
  }
});

Deno.test("SmtpServer drops commands pipelined after STARTTLS", async () => {
  await using server = await SmtpServer.listen({ tls: SERVER_TLS });
  const c = await raw(server.port);
  try {
    await ehlo(c);
    await c.send("STARTTLS\r\nMAIL FROM:<a@x.org>\r\n");
    assert.match(await c.reader.readLine(), /^220/);
    assert.equal(await c.reader.readLineOrNull(), null);
  } finally {
    c.conn.close();
  }
});

Deno.test("SmtpServer enforces order, AUTH requirement and parameters", async () => {
  await using server = await SmtpServer.listen({
    accounts: { ann: "pw" },
    requireAuth: true,
    maxRecipients: 1,
  });
  const c = await raw(server.port);
  try {
    await c.reader.readLine();
    const ask = async (line: string) => {
      await c.send(line + "\r\n");
      return await c.reader.readLine();
    };
    assert.match(await ask("MAIL FROM:<a@x.org>"), /^503/);
    await c.send("EHLO test\r\n");
    while (!(await c.reader.readLine()).startsWith("250 ")) { /* extensions */ }
    assert.match(await ask("MAIL FROM:<a@x.org>"), /^530/);
    assert.match(await ask("AUTH PLAIN !!!"), /^501/);
    assert.match(await ask("AUTH PLAIN AGFubgBwdw=="), /^235/);
    assert.match(await ask("RCPT TO:<b@x.org>"), /^503/);
    assert.match(await ask("MAIL FROM:<a@x.org> FOO=1"), /^555/);
    assert.match(await ask("MAIL FROM:<ä@x.org>"), /^553 5\.6\.7/);
    assert.match(await ask("MAIL FROM:<a@x.org> SIZE=999999999999"), /^552/);
    assert.match(await ask("MAIL FROM:<a@x.org>"), /^250/);
    assert.match(await ask("MAIL FROM:<a@x.org>"), /^503/);
    assert.match(await ask("RCPT TO:<b@x.org> NOTIFY=NEVER"), /^250/);
    assert.match(await ask("RCPT TO:<c@x.org>"), /^452/);
    assert.match(await ask("BDAT x"), /^501/);
    assert.equal(await c.reader.readLineOrNull(), null);
  } finally {
    c.conn.close();
  }
});

Deno.test("SmtpServer delivers into the given store with mailboxFor", async () => {
  const store = new MemoryMailStore();
  await using server = await SmtpServer.listen({
    store,
    mailboxFor: (r) => r.split("@")[0]!.toLowerCase(),
  });
  await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
  await client.sendMail({ from: "a@x.org", to: ["Bob@x.org"], body: "Subject: s\r\n\r\nb\r\n" });
  assert.equal(server.store, store);
  assert.deepEqual(await store.mailboxes(), ["bob"]);
});

Deno.test("SmtpServer.close() ends open sessions", async () => {
  const server = await SmtpServer.listen();
  const client = await SmtpClient.connect({ port: server.port, tls: "none" });
  await server.close();
  await assert.rejects(client.noop());
  client.destroy();
});
