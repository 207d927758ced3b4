// Copyright 2026 the portline authors. MIT license.
// The in-process server, driven line by line over a raw connection.
import assert from "../_assert.ts";
import { BufferedReader, type Conn, connect, toBase64 } from "../../protocols/_core/mod.ts";
import { MemoryMailStore, type StoredMessage } from "../../protocols/mail/store.ts";
import { Pop3Client, Pop3ReplyError, Pop3Server } from "../../protocols/pop3/mod.ts";
import { connectTo, encoder, MESSAGES, recordingConn, startServer } from "./_helpers.ts";

/** A raw line-level conversation with a server. */
async function raw(server: Pop3Server) {
  const conn: Conn = await connect({ hostname: "127.0.0.1", port: server.addr.port });
  const reads: string[] = [];
  const reader = new BufferedReader(recordingConn(conn, reads));
  const greeting = await reader.readLine();
  return {
    greeting,
    reads,
    reader,
    async send(text: string) {
      await conn.write(encoder.encode(text));
    },
    async ask(line: string) {
      await conn.write(encoder.encode(line + "\r\n"));
      return await reader.readLine();
    },
    async block() {
      const lines: string[] = [];
      for (let line = await reader.readLine(); line !== "."; line = await reader.readLine()) {
        lines.push(line);
      }
      return lines;
    },
    close: () => conn.close(),
  };
}

Deno.test("Pop3Server follows the RFC 1939 states", async () => {
  await using fixture = await startServer();
  const s = await raw(fixture.server);
  assert.match(s.greeting, /^\+OK portline POP3 server ready <[^>]+@[^>]+>$/);
  assert.match(await s.ask("STAT"), /^-ERR command not valid in the AUTHORIZATION state/);
  assert.match(await s.ask("PASS pw"), /^-ERR send USER first/);
  assert.match(await s.ask("FROB"), /^-ERR unknown command/);
  assert.equal(await s.ask("CAPA"), "+OK Capability list follows");
  const capa = await s.block();
  for (const name of ["TOP", "UIDL", "PIPELINING", "USER", "RESP-CODES", "AUTH-RESP-CODE"]) {
    assert.ok(capa.includes(name), name);
  }
  assert.ok(capa.some((line) => line.startsWith("SASL PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1")));
  assert.ok(!capa.includes("STLS"));
  assert.equal(await s.ask("USER ann"), "+OK send PASS");
  assert.equal(await s.ask("PASS wrong"), "-ERR [AUTH] invalid user name or password");
  assert.equal(await s.ask("USER ann"), "+OK send PASS");
  assert.match(await s.ask("PASS pw"), /^\+OK ann's maildrop has 3 messages/);
  assert.match(await s.ask("USER ann"), /not valid in the TRANSACTION state/);
  assert.equal(await s.ask("CAPA"), "+OK Capability list follows");
  assert.ok(!(await s.block()).includes("USER"));
  assert.match(await s.ask("RETR x"), /^-ERR invalid message number/);
  assert.match(await s.ask("RETR 0"), /^-ERR no such message 0/);
  assert.match(await s.ask("TOP 1"), /^-ERR TOP needs/);
  assert.equal(await s.ask("LIST 2"), `+OK 2 ${MESSAGES[1]!.length}`);
  assert.equal(await s.ask("UIDL 2"), "+OK 2 2");
  assert.equal(await s.ask("DELE 2"), "+OK message 2 deleted");
  assert.equal(await s.ask("LIST 2"), "-ERR message 2 already deleted");
  assert.match(await s.ask("LIST"), /^\+OK 2 messages/);
  assert.deepEqual(await s.block(), [`1 ${MESSAGES[0]!.length}`, `3 ${MESSAGES[2]!.length}`]);
  assert.match(await s.ask("RSET"), /^\+OK maildrop has 3 messages/);
  assert.equal(await s.ask("NOOP"), "+OK done");
  assert.equal(await s.ask("QUIT"), "+OK bye (0 messages deleted)");
  assert.equal(await s.reader.readLineOrNull(), null);
  s.close();
});

Deno.test("Pop3Server dot-stuffs RETR and TOP", async () => {
  await using fixture = await startServer();
  const s = await raw(fixture.server);
  await s.ask("USER ann");
  await s.ask("PASS pw");
  assert.equal(await s.ask("RETR 2"), `+OK ${MESSAGES[1]!.length} octets`);
  assert.deepEqual(await s.block(), [
    "From: b@example.org",
    "Subject: two",
    "",
    "..starts with a dot",
    "...two dots",
    "..",
    "end",
  ]);
  assert.equal(await s.ask("TOP 2 1"), "+OK top of message follows");
  assert.deepEqual(await s.block(), [
    "From: b@example.org",
    "Subject: two",
    "",
    "..starts with a dot",
  ]);
  await s.ask("QUIT");
  s.close();
});

Deno.test("Pop3Server answers pipelined commands in order, in one write", async () => {
  await using fixture = await startServer();
  const s = await raw(fixture.server);
  await s.ask("USER ann");
  await s.ask("PASS pw");
  s.reads.length = 0;
  await s.send("STAT\r\nLIST 1\r\nUIDL 3\r\nNOOP\r\n");
  assert.match(await s.reader.readLine(), /^\+OK 3 /);
  assert.equal(await s.reader.readLine(), `+OK 1 ${MESSAGES[0]!.length}`);
  assert.equal(await s.reader.readLine(), "+OK 3 3");
  assert.equal(await s.reader.readLine(), "+OK done");
  assert.equal(s.reads.length, 1);
  await s.ask("QUIT");
  s.close();
});

Deno.test("Pop3Server AUTH: listing, cancel, bad base64, unknown mechanism", async () => {
  await using fixture = await startServer({ mechanisms: ["PLAIN", "CRAM-MD5"] });
  const s = await raw(fixture.server);
  assert.equal(await s.ask("AUTH"), "+OK mechanisms follow");
  assert.deepEqual(await s.block(), ["PLAIN", "CRAM-MD5"]);
  assert.match(await s.ask("AUTH SCRAM-SHA-1"), /not supported/);
  assert.match(await s.ask("AUTH CRAM-MD5"), /^\+ [A-Za-z0-9+/=]+$/);
  assert.equal(await s.ask("*"), "-ERR authentication cancelled");
  assert.equal(await s.ask("AUTH PLAIN !!!"), "-ERR invalid base64");
  assert.equal(await s.ask("AUTH PLAIN"), "+ ");
  assert.equal(
    await s.ask(toBase64(encoder.encode("\0ann\0bad"))),
    "-ERR [AUTH] authentication failed",
  );
  assert.match(await s.ask(`AUTH PLAIN ${toBase64(encoder.encode("\0ann\0pw"))}`), /^\+OK/);
  await s.ask("QUIT");
  s.close();
});

Deno.test("Pop3Server APOP checks the digest against this greeting", async () => {
  await using fixture = await startServer();
  const s = await raw(fixture.server);
  assert.equal(
    await s.ask("APOP ann 0123456789abcdef0123456789abcdef"),
    "-ERR [AUTH] invalid user name or digest",
  );
  assert.match(await s.ask("APOP ann"), /needs a name and a digest/);
  await s.ask("QUIT");
  s.close();
  await using plain = await startServer({ apop: false });
  const t = await raw(plain.server);
  assert.doesNotMatch(t.greeting, /</);
  assert.match(await t.ask("APOP ann x"), /APOP not available/);
  await t.ask("QUIT");
  t.close();
});

Deno.test("Pop3Server maps users to mailboxes and accepts SaslAccounts", async () => {
  const store = new MemoryMailStore();
  await store.deliver("ann@example.org", encoder.encode("Subject: mapped\r\n\r\nx\r\n"));
  await using server = await Pop3Server.listen({
    store,
    accounts: { password: (user) => user === "ann" ? "pw" : undefined },
    mailbox: (user) => `${user}@example.org`,
  });
  const client = await Pop3Client.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
    auth: { username: "ann", password: "pw" },
  });
  assert.equal((await client.stat()).count, 1);
  await client.close();
});

Deno.test("Pop3Server reports store failures with SYS/TEMP", async () => {
  const base = new MemoryMailStore();
  await base.deliver("ann", encoder.encode("x\r\n"));
  let failList = true;
  const store = {
    deliver: (m: string, b: Uint8Array) => base.deliver(m, b),
    list: (m: string): Promise<StoredMessage[]> =>
      failList ? Promise.reject(new Error("disk")) : base.list(m),
    delete: () => Promise.reject(new Error("read-only")),
    mailboxes: () => base.mailboxes(),
  };
  await using fixture = await startServer({ store: store as unknown as MemoryMailStore });
  await assert.rejects(
    connectTo(fixture.server),
    (e: unknown) => e instanceof Pop3ReplyError && e.responseCode === "SYS/TEMP" && e.transient,
  );
  failList = false;
  const client = await connectTo(fixture.server);
  await client.delete(1);
  await assert.rejects(
    client.close(),
    (e: unknown) => e instanceof Pop3ReplyError && e.command === "QUIT",
  );
  assert.equal(client.state, "closed");
});

Deno.test("Pop3Server.close() ends open sessions without UPDATE", async () => {
  const fixture = await startServer();
  const client = await connectTo(fixture.server);
  await client.delete(1);
  await fixture.server.close();
  assert.equal((await fixture.store.list("ann")).length, 3);
  await assert.rejects(client.close(), Error);
});

Deno.test("Pop3Server drops an idle connection", async () => {
  await using fixture = await startServer({ idleTimeoutMs: 50 });
  const s = await raw(fixture.server);
  assert.equal(await s.reader.readLineOrNull(), null);
  s.close();
});

Deno.test("Pop3Server answers an endless command line with -ERR and hangs up", async () => {
  await using fixture = await startServer();
  const s = await raw(fixture.server);
  try {
    // Past the 16 KiB line limit without a line end (small enough to be read
    // whole, so the hang-up is a FIN and the reply is not lost).
    await s.send("USER " + "x".repeat(20_000));
    assert.equal(await s.reader.readLine(), "-ERR Line too long");
    assert.equal(await s.reader.readLineOrNull(), null);
  } finally {
    s.close();
  }
});
