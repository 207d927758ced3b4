// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  ConnectionClosedError,
  InvalidArgumentError,
} from "../../protocols/_core/mod.ts";
import { Pop3AuthenticationError, Pop3Client, Pop3ReplyError } from "../../protocols/pop3/mod.ts";
import {
  ACCOUNTS,
  connectTo,
  decoder,
  MESSAGES,
  readAll,
  startServer,
  transcript,
} from "./_helpers.ts";

const SIZES = MESSAGES.map((m) => m.length);
const TOTAL = SIZES.reduce((a, b) => a + b, 0);

Deno.test("Pop3Client logs in every way the server offers", async () => {
  const { server } = await startServer();
  const ways: { method?: "user" | "apop"; mechanism?: string; token?: boolean; shows: string }[] = [
    { method: "user" as const, shows: "PASS ***" },
    { method: "apop" as const, shows: "APOP ann ***" },
    ...["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"].map((mechanism) => ({
      mechanism,
      shows: `AUTH ${mechanism}`,
    })),
    ...["XOAUTH2", "OAUTHBEARER"].map((mechanism) => ({
      mechanism,
      token: true,
      shows: `AUTH ${mechanism}`,
    })),
  ];
  for (const way of ways) {
    const log = transcript();
    const auth = way.token
      ? { username: "ann", accessToken: "pw", mechanism: way.mechanism! }
      : { username: "ann", password: "pw", method: way.method, mechanism: way.mechanism };
    const client = await connectTo(server, { auth, onTranscript: log.onTranscript });
    assert.equal(client.state, "transaction", way.shows);
    assert.deepEqual(await client.stat(), { count: 3, size: TOTAL });
    await client.close();
    assert.ok(log.lines.some((line) => line.startsWith(`C: ${way.shows}`)), way.shows);
    const sent = log.lines.filter((line) => line.startsWith("C: ")).join("\n");
    assert.ok(!sent.includes("pw") && !sent.includes("cHc"), `secret in transcript: ${sent}`);
  }
  await server.close();
});

Deno.test("Pop3Client login auto-picks SCRAM-SHA-256 from CAPA", async () => {
  const { server } = await startServer();
  const log = transcript();
  const client = await connectTo(server, { onTranscript: log.onTranscript });
  assert.ok(log.lines.includes("C: AUTH SCRAM-SHA-256 ***"));
  assert.equal(client.capabilities.pipelining, true);
  await client.close();
  await server.close();
});

Deno.test("Pop3Client.login() wrong password: Pop3AuthenticationError, session usable", async () => {
  const { server } = await startServer();
  const client = await connectTo(server, { auth: undefined });
  for (const method of ["user", "apop", "sasl"] as const) {
    await assert.rejects(
      client.login({ username: "ann", password: "nope", method }),
      (e: unknown) => {
        assert.ok(e instanceof Pop3AuthenticationError);
        assert.ok(e instanceof AuthenticationError);
        assert.ok(e instanceof Pop3ReplyError);
        assert.equal(e.responseCode, "AUTH");
        assert.ok(!e.message.includes("nope"));
        return true;
      },
    );
    assert.equal(client.state, "authorization");
  }
  await client.login({ username: "ann", password: "pw" });
  assert.equal(client.state, "transaction");
  await client.close();
  await server.close();
});

Deno.test("Pop3Client STAT, LIST, UIDL, RETR, TOP, NOOP against the server", async () => {
  await using fixture = await startServer();
  await using client = await connectTo(fixture.server);
  assert.deepEqual(await client.stat(), { count: 3, size: TOTAL });
  assert.deepEqual(await client.list(), SIZES.map((size, i) => ({ id: i + 1, size })));
  assert.deepEqual(await client.listOne(2), { id: 2, size: SIZES[1] });
  assert.deepEqual(await client.uidl(), [1, 2, 3].map((id) => ({ id, uid: String(id) })));
  assert.deepEqual(await client.uidlOne(3), { id: 3, uid: "3" });
  for (let id = 1; id <= 3; id++) {
    assert.equal(await client.retrieveText(id), MESSAGES[id - 1]);
    assert.equal(await readAll(await client.retrieve(id)), MESSAGES[id - 1]);
  }
  assert.equal(
    await readAll(await client.top(3, 0)),
    "From: c@example.org\r\nSubject: three\r\n\r\n",
  );
  assert.equal(
    decoder.decode(await client.topBytes(3, 2)),
    "From: c@example.org\r\nSubject: three\r\n\r\nline 1\r\nline 2\r\n",
  );
  assert.equal(await readAll(await client.top(3, 99)), MESSAGES[2]);
  await client.noop();
  const raw = await client.command("LIST", { multiline: true });
  assert.equal(raw.lines?.length, 3);
});

Deno.test("Pop3Client removes dot-stuffing exactly", async () => {
  const message = ".\r\n..\r\n...\r\n. x\r\nmid.dle\r\n.\r\n";
  const fixture = await startServer();
  await fixture.store.deliver("ann", new TextEncoder().encode(message));
  await using client = await connectTo(fixture.server);
  assert.equal(await client.retrieveText(4), message);
  await client.close();
  await fixture.server.close();
});

Deno.test("Pop3Client: -ERR becomes Pop3ReplyError and the session stays usable", async () => {
  await using fixture = await startServer();
  await using client = await connectTo(fixture.server);
  await assert.rejects(client.retrieveBytes(99), (e: unknown) => {
    assert.ok(e instanceof Pop3ReplyError);
    assert.equal(e.command, "RETR 99");
    assert.equal(e.response, "no such message 99");
    assert.equal(e.transient, false);
    return true;
  });
  await assert.rejects(client.retrieve(42), Pop3ReplyError);
  await assert.rejects(client.listOne(7), Pop3ReplyError);
  await assert.rejects(client.command("XYZZY"), Pop3ReplyError);
  await client.delete(1);
  await assert.rejects(client.delete(1), /already deleted/);
  await client.noop();
  assert.equal(await client.retrieveText(2), MESSAGES[1]);
});

Deno.test("Pop3Client DELE commits only at QUIT", async (t) => {
  await t.step("close() commits", async () => {
    const { server, store } = await startServer();
    const client = await connectTo(server);
    await client.delete(2);
    assert.deepEqual([...client.markedForDeletion], [2]);
    assert.deepEqual(await client.stat(), { count: 2, size: TOTAL - SIZES[1]! });
    assert.equal((await store.list("ann")).length, 3);
    await client.close();
    assert.deepEqual((await store.list("ann")).map((m) => m.uid), [1, 3]);
    await server.close();
  });
  await t.step("destroy() commits nothing", async () => {
    const { server, store } = await startServer();
    const client = await connectTo(server);
    await client.deleteMany([1, 2, 3]);
    client.destroy();
    assert.equal(client.state, "closed");
    assert.deepEqual([...client.markedForDeletion], []);
    // Wait for the server to notice and release the maildrop.
    const next = await connectTo(server);
    assert.equal((await store.list("ann")).length, 3);
    assert.deepEqual(await next.stat(), { count: 3, size: TOTAL });
    await next.close();
    await server.close();
  });
  await t.step("reset() unmarks", async () => {
    const { server, store } = await startServer();
    const client = await connectTo(server);
    await client.delete(1);
    await client.delete(3);
    await client.reset();
    assert.equal(client.markedForDeletion.size, 0);
    assert.deepEqual(await client.stat(), { count: 3, size: TOTAL });
    await client.delete(3);
    assert.deepEqual(await client.quit(), [3]);
    assert.deepEqual((await store.list("ann")).map((m) => m.uid), [1, 2]);
    await server.close();
  });
  await t.step("await using commits", async () => {
    const { server, store } = await startServer();
    {
      await using client = await connectTo(server);
      await client.delete(1);
    }
    assert.equal((await store.list("ann")).length, 2);
    await server.close();
  });
});

Deno.test("Pop3Client: a second session gets [IN-USE]", async () => {
  const { server } = await startServer();
  const first = await connectTo(server);
  await assert.rejects(connectTo(server), (e: unknown) => {
    assert.ok(e instanceof Pop3ReplyError);
    assert.ok(!(e instanceof AuthenticationError));
    assert.equal(e.responseCode, "IN-USE");
    assert.equal(e.transient, true);
    return true;
  });
  await first.close();
  const second = await connectTo(server);
  await second.close();
  await server.close();
});

Deno.test("Pop3Client rejects CR/LF injection before sending anything", async () => {
  const { server } = await startServer();
  const log = transcript();
  const client = await connectTo(server, { auth: undefined, onTranscript: log.onTranscript });
  const before = log.lines.length;
  await assert.rejects(
    client.login({ username: "ann\r\nDELE 1", password: "pw" }),
    InvalidArgumentError,
  );
  await assert.rejects(
    client.login({ username: "ann", password: "pw\nDELE 1", method: "user" }),
    InvalidArgumentError,
  );
  assert.equal(log.lines.length, before);
  await client.login({ username: "ann", password: "pw" });
  await assert.rejects(client.command("NOOP\r\nDELE 1"), InvalidArgumentError);
  await assert.rejects(client.command("NOOP\0"), InvalidArgumentError);
  assert.throws(() => client.retrieve(0), RangeError);
  assert.throws(() => client.top(1, -1), RangeError);
  await client.noop();
  assert.equal(client.markedForDeletion.size, 0);
  await client.close();
  await server.close();
});

Deno.test("Pop3Client enables UTF8 when offered, unless told not to", async () => {
  const { server } = await startServer();
  const log = transcript();
  const on = await connectTo(server, { onTranscript: log.onTranscript });
  assert.equal(on.utf8, true);
  assert.ok(log.lines.includes("C: UTF8"));
  await on.close();
  const off = await connectTo(server, { utf8: false });
  assert.equal(off.utf8, false);
  await off.close();
  await server.close();
  const { server: plain } = await startServer({ utf8: false });
  const none = await connectTo(plain);
  assert.equal(none.utf8, false);
  await none.close();
  await plain.close();
});

Deno.test("Pop3Client refuses commands in the wrong state or after close", async () => {
  const { server } = await startServer();
  const client = await connectTo(server, { auth: undefined });
  await assert.rejects(() => client.stat(), /authorization state/);
  await client.login({ username: "ann", password: "pw" });
  await assert.rejects(() => client.login({ username: "ann", password: "pw" }), /transaction/);
  await assert.rejects(() => client.startTls(), /transaction/);
  await client.close();
  assert.equal(client.state, "closed");
  await assert.rejects(() => client.noop(), ConnectionClosedError);
  await client.close(); // twice is fine
  await server.close();
});

Deno.test("Pop3Client.fromConn() and greeting -ERR", async () => {
  const { memoryConn } = await import("../../protocols/_core/mod.ts");
  await assert.rejects(
    Pop3Client.fromConn(memoryConn(["-ERR [SYS/TEMP] overloaded\r\n"]), { hostname: "m" }),
    (e: unknown) => e instanceof Pop3ReplyError && e.responseCode === "SYS/TEMP" && e.transient,
  );
  const conn = memoryConn(["+OK hi\r\n", "-ERR what\r\n"]);
  const client = await Pop3Client.fromConn(conn, { hostname: "m" });
  assert.equal(client.greeting, "hi");
  assert.equal(client.apopTimestamp, undefined);
  assert.deepEqual(client.capabilities.names, []);
  client.destroy();
  assert.equal(ACCOUNTS.ann, "pw");
});

Deno.test("Pop3Client.retrieveParsed() and retrieveHeaders() parse the message", async () => {
  await using fixture = await startServer();
  await fixture.store.deliver(
    "ann",
    new TextEncoder().encode(
      "From: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\nSubject: =?utf-8?b?R3LDvMOfZQ==?=\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n\r\nK\xc3\xb6ln\r\n".replace("\xc3\xb6", "ö"),
    ),
  );
  const client = await connectTo(fixture.server);
  const mail = await client.retrieveParsed(4);
  assert.equal(mail.subject, "Grüße");
  assert.deepEqual(mail.from, [{ name: "Jörg", address: "j@example.org" }]);
  assert.equal(mail.text, "Köln\n");
  const headers = await client.retrieveHeaders(2);
  assert.equal(headers.get("subject"), "two");
  await client.close();
});
