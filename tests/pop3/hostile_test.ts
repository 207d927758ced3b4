// Copyright 2026 the portline authors. MIT license.
// Pop3Client against servers sending what no honest server sends: endless
// CAPA, lines without an end, a malformed STAT or LIST, an endless body.
// Each ends in a typed error, never a hang or unbounded memory.
import assert from "../_assert.ts";
import { ConnectionClosedError, LimitError, ProtocolError } from "../../protocols/_core/mod.ts";
import { Pop3Client } from "../../protocols/pop3/mod.ts";
import { scripted, type ScriptIo } from "./_helpers.ts";

function connect(port: number) {
  return Pop3Client.connect({
    hostname: "127.0.0.1",
    port,
    tls: "none",
    timeoutMs: 5000,
    auth: { username: "ann", password: "pw" },
  });
}

/** Greeting, an empty-ish CAPA, USER/PASS accepted, CAPA again. */
async function login(io: ScriptIo): Promise<void> {
  await io.send("+OK ready\r\n");
  for (const expected of ["CAPA", "USER ann", "PASS pw", "CAPA"]) {
    await io.expect(expected);
    await io.send(expected === "CAPA" ? "+OK\r\nUSER\r\nPIPELINING\r\n.\r\n" : "+OK\r\n");
  }
}

/** Answers NOOP and QUIT until the client hangs up. */
async function drain(io: ScriptIo): Promise<void> {
  for (;;) {
    const line = await io.reader.readLineOrNull().catch(() => null);
    if (line === null) return;
    if (line === "NOOP") await io.send("+OK\r\n");
    if (line === "QUIT") return await io.send("+OK bye\r\n");
  }
}

Deno.test("Pop3Client: an endless CAPA is a ProtocolError at connect", async () => {
  const fake = await scripted(async (io) => {
    await io.send("+OK ready\r\n");
    await io.expect("CAPA");
    // The client may hang up before all of it is written.
    await io.send("+OK\r\n" + "X-JUNK\r\n".repeat(5000)).catch(() => {});
    await drain(io);
  });
  const error = await connect(fake.port).catch((e) => e);
  assert.ok(error instanceof ProtocolError, String(error));
  await fake.done;
});

Deno.test("Pop3Client: a status line without an end is a LimitError", async () => {
  const fake = await scripted(async (io) => {
    await io.send("+OK " + "x".repeat(1024 * 1024)).catch(() => {});
    await drain(io);
  });
  const error = await connect(fake.port).catch((e) => e);
  assert.ok(error instanceof LimitError, String(error));
  await fake.done;
});

Deno.test("Pop3Client: -ERR and a malformed STAT reply leave the session usable", async () => {
  const fake = await scripted(async (io) => {
    await login(io);
    await io.expect("LIST 9");
    await io.send("-ERR no such message\r\n");
    await io.expect("STAT");
    await io.send("+OK lots of them\r\n");
    await drain(io);
  });
  const client = await connect(fake.port);
  const refused = await client.listOne(9).catch((e) => e);
  assert.equal(refused?.code, "ERR_POP3_REPLY", String(refused));
  assert.equal(client.state, "transaction");
  const error = await client.stat().catch((e) => e);
  assert.ok(error instanceof ProtocolError, String(error));
  // The reply was read whole: the session is still in step.
  assert.equal(client.state, "transaction");
  await client.noop();
  await client.close();
  await fake.done;
});

Deno.test("Pop3Client: a malformed LIST line is a ProtocolError; the session stays in step", async () => {
  const fake = await scripted(async (io) => {
    await login(io);
    await io.expect("LIST");
    await io.send("+OK\r\n1 120\r\nbanana split\r\n.\r\n");
    await drain(io);
  });
  const client = await connect(fake.port);
  const error = await client.list().catch((e) => e);
  assert.ok(error instanceof ProtocolError, String(error));
  // The listing was read to its end: the session is still in step.
  assert.equal(client.state, "transaction");
  await client.noop();
  await client.close();
  await fake.done;
});

Deno.test("Pop3Client: a RETR body that never ends stops at maxBytes or the hang-up", async () => {
  const fake = await scripted(async (io) => {
    await login(io);
    await io.expect("RETR 1");
    await io.send("+OK\r\n");
    const line = new TextEncoder().encode("y".repeat(1022) + "\r\n");
    // 4 MiB of body and no terminating dot, then the server hangs up.
    for (let i = 0; i < 4096; i++) await io.conn.write(line).catch(() => {});
  });
  const client = await connect(fake.port);
  const error = await client.retrieveBytes(1, { maxBytes: 1024 * 1024 }).catch((e) => e);
  assert.ok(
    error instanceof LimitError || error instanceof ConnectionClosedError,
    String(error),
  );
  await client.close().catch(() => {});
  await fake.done;
});
