// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  BufferedReader,
  connect,
  listen,
  Lock,
  memoryConn,
  Session,
  startTlsServer,
  TimeoutError,
  TlsError,
  type TranscriptEntry,
} from "../../protocols/_core/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

const enc = new TextEncoder();

Deno.test("Session.command() sends one line and logs both directions", async () => {
  const transcript: TranscriptEntry[] = [];
  const conn = memoryConn(["250-a\r\n250 b\r\n"]);
  const session = new Session(conn, "memory", { onTranscript: (e) => transcript.push(e) });
  const reply = await session.command("EHLO me");
  assert.deepEqual(reply.lines, ["a", "b"]);
  assert.deepEqual(transcript, [
    { direction: "send", line: "EHLO me" },
    { direction: "receive", line: "250-a" },
    { direction: "receive", line: "250 b" },
  ]);
});

Deno.test("Session.send() shows the redacted form in the transcript", async () => {
  const transcript: string[] = [];
  const conn = memoryConn([]);
  const session = new Session(conn, "memory", { onTranscript: (e) => transcript.push(e.line) });
  await session.send("AUTH PLAIN AGEAYg==", "AUTH PLAIN ****");
  assert.deepEqual(transcript, ["AUTH PLAIN ****"]);
  assert.equal(conn.writtenText(), "AUTH PLAIN AGEAYg==\r\n");
});

Deno.test("Lock runs holders one at a time, in order", async () => {
  const lock = new Lock();
  const order: number[] = [];
  await Promise.all([1, 2, 3].map(async (n) => {
    const release = await lock.acquire();
    order.push(n);
    await new Promise((r) => setTimeout(r, 1));
    release();
  }));
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(lock.locked, false);
});

Deno.test("Session.upgradeTls() refuses plaintext injected after the go-ahead", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const conn = (await listener.accept())!;
    await new BufferedReader(conn).readLine();
    // The attack: the go-ahead and a forged reply in one segment.
    await conn.write(enc.encode("220 go ahead\r\n250 forged\r\n"));
    await new BufferedReader(conn).readLineOrNull().catch(() => null);
    conn.close();
  })();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const session = new Session(conn, "localhost");
  await session.send("STARTTLS");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal((await session.readReply()).code, 220);
  await assert.rejects(session.upgradeTls({ caCerts: [CA_CERT] }), TlsError);
  assert.equal(session.closed, true);
  await served;
  listener.close();
});

Deno.test("Session.upgradeTls() upgrades and keeps reading", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const conn = (await listener.accept())!;
    await new BufferedReader(conn).readLine();
    await conn.write(enc.encode("220 go ahead\r\n"));
    const secure = await startTlsServer(conn, SERVER_TLS);
    const reader = new BufferedReader(secure);
    assert.equal(await reader.readLine(), "NOOP");
    await secure.write(enc.encode("250 ok\r\n"));
    await reader.readLineOrNull().catch(() => null);
    secure.close();
  })();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const session = new Session(conn, "localhost");
  assert.equal((await session.command("STARTTLS")).code, 220);
  await session.upgradeTls({ caCerts: [CA_CERT] });
  assert.equal(session.conn.secure, true);
  assert.equal((await session.command("NOOP")).code, 250);
  session.destroy();
  await served;
  listener.close();
});

Deno.test("Session.command() times out with TimeoutError and closes", async () => {
  const listener = await listen({ port: 0 });
  const accepted = listener.accept();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = (await accepted)!;
  const session = new Session(conn, "127.0.0.1", { timeoutMs: 40 });
  await assert.rejects(session.command("NOOP"), TimeoutError);
  session.destroy();
  server.close();
  listener.close();
});

Deno.test("Lock.tryAcquire() takes a free lock at once and queues later waiters behind it", async () => {
  const lock = new Lock();
  const release = lock.tryAcquire()!;
  assert.ok(release);
  assert.equal(lock.tryAcquire(), undefined);
  let second = false;
  const waiting = lock.acquire().then((r) => {
    second = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(second, false);
  release();
  (await waiting)();
  assert.equal(lock.locked, false);
});

Deno.test("Session: a call aborted while waiting for the lock does not keep it", async () => {
  const session = new Session(memoryConn(["250 a\r\n"]), "memory");
  const held = await session.acquire();
  const controller = new AbortController();
  const queued = session.acquire({ signal: controller.signal });
  controller.abort(new Error("gave up"));
  await assert.rejects(queued, /gave up/);
  held();
  const reply = await session.command("NOOP");
  assert.equal(reply.code, 250);
});
