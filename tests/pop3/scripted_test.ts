// Copyright 2026 the portline authors. MIT license.
// The client against scripted servers that misbehave or answer in ways the
// in-process server never does.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  ConnectionClosedError,
  ProtocolError,
  TimeoutError,
  toBase64,
} from "../../protocols/_core/mod.ts";
import { Pop3AuthenticationError, Pop3Client, Pop3ReplyError } from "../../protocols/pop3/mod.ts";
import { decoder, readAll, scripted, type ScriptIo } from "./_helpers.ts";

/** Greeting and a CAPA answer. */
async function hello(io: ScriptIo, capa: string[] | null): Promise<void> {
  await io.send("+OK ready\r\n");
  await io.expect("CAPA");
  await io.send(capa ? `+OK\r\n${capa.map((c) => c + "\r\n").join("")}.\r\n` : "-ERR what?\r\n");
}

/** USER/PASS accepted, then the CAPA the client asks after login. */
async function loggedIn(io: ScriptIo): Promise<void> {
  await io.expect("USER ann");
  await io.send("+OK\r\n");
  await io.expect("PASS pw");
  await io.send("+OK\r\n");
  await io.expect("CAPA");
  await io.send("+OK\r\n.\r\n");
}

function connect(port: number, extra: Record<string, unknown> = {}) {
  return Pop3Client.connect({ hostname: "127.0.0.1", port, timeoutMs: 2000, ...extra });
}

for (
  const [code, transient, auth] of [
    ["LOGIN-DELAY", true, false],
    ["SYS/TEMP", true, false],
    ["SYS/PERM", false, false],
    ["IN-USE", true, false],
    ["AUTH", false, true],
  ] as const
) {
  Deno.test(`Pop3Client surfaces [${code}] on PASS`, async () => {
    const fake = await scripted(async (io) => {
      await hello(io, ["USER", "RESP-CODES"]);
      await io.expect("USER ann");
      await io.send("+OK\r\n");
      await io.expect("PASS pw");
      await io.send(`-ERR [${code}] no\r\n`);
      await io.expect("QUIT");
      await io.send("+OK\r\n");
    });
    const client = await connect(fake.port);
    await assert.rejects(client.login({ username: "ann", password: "pw" }), (e: unknown) => {
      assert.ok(e instanceof Pop3ReplyError);
      assert.equal(e.responseCode, code);
      assert.equal(e.transient, transient);
      assert.equal(e instanceof AuthenticationError, auth);
      assert.equal(e.command, "PASS ***");
      return true;
    });
    await client.close();
    await fake.done;
  });
}

Deno.test("Pop3Client without CAPA: USER/PASS, lock-step RETRs", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, null);
    await io.expect("USER ann");
    await io.send("+OK\r\n");
    await io.expect("PASS pw");
    await io.send("+OK in\r\n");
    for (const id of [1, 2]) {
      await io.expect(`RETR ${id}`);
      await io.send(`+OK\r\nmessage ${id}\r\n.\r\n`);
    }
    await io.expect("QUIT");
    await io.send("+OK\r\n");
  });
  const client = await connect(fake.port, { auth: { username: "ann", password: "pw" } });
  assert.deepEqual(client.capabilities.names, []);
  const got: string[] = [];
  for await (const { bytes } of client.retrieveMany([1, 2])) got.push(decoder.decode(bytes));
  assert.deepEqual(got, ["message 1\r\n", "message 2\r\n"]);
  await client.close();
  await fake.done;
  assert.ok(fake.reads.includes("RETR 1\r\n") && fake.reads.includes("RETR 2\r\n"));
});

Deno.test("Pop3Client reads a body whose terminator is split across packets", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, ["USER"]);
    await loggedIn(io);
    await io.expect("RETR 1");
    for (const piece of ["+OK 9 octets\r\nab", "c\r\n.", ".x\r\n", "\r", "\n.", "\r", "\n"]) {
      await io.send(piece);
      await new Promise((r) => setTimeout(r, 2));
    }
    await io.expect("NOOP");
    await io.send("+OK\r\n");
    await io.expect("QUIT");
    await io.send("+OK\r\n");
  });
  const client = await connect(fake.port, { auth: { username: "ann", password: "pw" } });
  assert.equal(await readAll(await client.retrieve(1)), "abc\r\n.x\r\n\r\n");
  await client.noop();
  await client.close();
  await fake.done;
});

Deno.test("Pop3Client sends a long initial response after the first +", async () => {
  const token = "t".repeat(400);
  const fake = await scripted(async (io) => {
    await hello(io, ["SASL XOAUTH2"]);
    await io.expect("AUTH XOAUTH2");
    await io.send("+ \r\n");
    const response = await io.line();
    assert.equal(
      response,
      toBase64(new TextEncoder().encode(`user=ann\x01auth=Bearer ${token}\x01\x01`)),
    );
    await io.send("+OK welcome\r\n");
    await io.expect("CAPA");
    await io.send("+OK\r\n.\r\n");
    await io.expect("QUIT");
    await io.send("+OK\r\n");
  });
  const client = await connect(fake.port, { auth: { username: "ann", accessToken: token } });
  assert.equal(client.state, "transaction");
  await client.close();
  await fake.done;
});

Deno.test("Pop3Client cancels a SASL exchange it cannot follow with *", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, ["SASL SCRAM-SHA-1"]);
    const line = await io.line();
    assert.match(line, /^AUTH SCRAM-SHA-1 [A-Za-z0-9+/=]+$/);
    await io.send("+ bm9uc2Vuc2U=\r\n"); // "nonsense": not a SCRAM server-first
    await io.expect("*");
    await io.send("-ERR cancelled\r\n");
    await io.expect("NOOP");
    await io.send("-ERR not now\r\n");
    await io.expect("QUIT");
    await io.send("+OK\r\n");
  });
  const client = await connect(fake.port);
  await assert.rejects(
    client.login({ username: "ann", password: "pw" }),
    (e: unknown) => e instanceof AuthenticationError && /malformed/.test(e.message),
  );
  assert.equal(client.state, "authorization");
  await assert.rejects(client.command("NOOP"), Pop3ReplyError);
  await client.close();
  await fake.done;
});

Deno.test("Pop3Client refuses a SCRAM server that cannot prove the password", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, ["SASL SCRAM-SHA-256"]);
    const first = atob((await io.line()).split(" ")[2]!);
    const nonce = /r=([^,]+)/.exec(first)![1]!;
    await io.send(`+ ${btoa(`r=${nonce}srv,s=${btoa("salt")},i=4096`)}\r\n`);
    await io.line();
    await io.send("+OK trust me\r\n");
    await io.reader.readLineOrNull().catch(() => null);
  });
  const client = await connect(fake.port);
  await assert.rejects(
    client.login({ username: "ann", password: "pw" }),
    (e: unknown) => e instanceof AuthenticationError && !(e instanceof Pop3AuthenticationError),
  );
  assert.equal(client.state, "closed");
  await fake.done;
});

Deno.test("Pop3Client: garbage instead of a status is a ProtocolError", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, []);
    await io.expect("NOOP");
    await io.send("* OK this is IMAP\r\n");
    await io.reader.readLineOrNull().catch(() => null);
  });
  const client = await connect(fake.port);
  await assert.rejects(client.command("NOOP"), ProtocolError);
  assert.equal(client.state, "closed");
  await fake.done;
});

Deno.test("Pop3Client: a silent server times out and the session closes", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, ["USER"]);
    await loggedIn(io);
    await io.expect("STAT");
    await io.reader.readLineOrNull().catch(() => null); // never answers
  });
  const client = await connect(fake.port, {
    timeoutMs: 150,
    auth: { username: "ann", password: "pw" },
  });
  await assert.rejects(client.stat(), TimeoutError);
  assert.equal(client.state, "closed");
  await assert.rejects(client.stat(), ConnectionClosedError);
  await client.close();
  await fake.done;
});

Deno.test("Pop3Client: a silent greeting times out", async () => {
  const fake = await scripted(async (io) => {
    await io.reader.readLineOrNull().catch(() => null);
  });
  await assert.rejects(connect(fake.port, { timeoutMs: 100 }), TimeoutError);
  await fake.done;
});

Deno.test("Pop3Client: abort rejects with the reason and ends the session", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, []);
    await io.expect("NOOP");
    await io.reader.readLineOrNull().catch(() => null);
  });
  const client = await connect(fake.port);
  const controller = new AbortController();
  const pending = client.command("NOOP", { signal: controller.signal });
  setTimeout(() => controller.abort(new Error("user gave up")), 20);
  await assert.rejects(pending, /user gave up/);
  assert.equal(client.state, "closed");
  await fake.done;
});

Deno.test("Pop3Client: an aborted RETR stream errors", async () => {
  const fake = await scripted(async (io) => {
    await hello(io, ["USER"]);
    await loggedIn(io);
    await io.expect("RETR 1");
    await io.send("+OK\r\npart one\r\n");
    await io.reader.readLineOrNull().catch(() => null);
  });
  const client = await connect(fake.port, { auth: { username: "ann", password: "pw" } });
  const controller = new AbortController();
  const stream = await client.retrieve(1, { signal: controller.signal });
  const reader = stream.getReader();
  assert.equal(decoder.decode((await reader.read()).value), "part one\r\n");
  setTimeout(() => controller.abort(new Error("stop")), 10);
  await assert.rejects(reader.read(), /stop/);
  assert.equal(client.state, "closed");
  await fake.done;
});
