// Copyright 2026 the portline authors. MIT license.
// maxBytes on every whole read: a reply over the limit is a LimitError
// naming the command, the rest is read off, and the next command works.
import assert from "../_assert.ts";
import { LimitError, memoryConn } from "../../protocols/_core/mod.ts";
import {
  POP3_DEFAULT_MAX_LISTING_BYTES,
  POP3_DEFAULT_MAX_MESSAGE_BYTES,
  Pop3Client,
} from "../../protocols/pop3/mod.ts";
import {
  connectTo,
  decoder,
  encoder,
  MESSAGES,
  scripted,
  seededStore,
  startServer,
} from "./_helpers.ts";

/** A ~100 KB message whose lines start with dots now and then. */
function bigMessage(): string {
  let text = "From: big@example.org\r\nSubject: big\r\n\r\n";
  for (let i = 0; i < 4000; i++) text += (i % 5 === 0 ? "." : "") + `line ${i} of the body\r\n`;
  return text;
}
const BIG = bigMessage();
const BIG_BYTES = encoder.encode(BIG).byteLength;

function limited(command: string) {
  return (e: unknown) =>
    e instanceof LimitError && e.message.includes(command) && /longer than/.test(e.message);
}

async function bigMailbox() {
  // 1: small, 2: big, 3: small (with dot lines)
  return await startServer({ store: await seededStore([MESSAGES[0]!, BIG, MESSAGES[1]!]) });
}

Deno.test("Pop3Client defaults: 64 MiB per message, 16 MiB per listing", () => {
  assert.equal(POP3_DEFAULT_MAX_MESSAGE_BYTES, 64 * 1024 * 1024);
  assert.equal(POP3_DEFAULT_MAX_LISTING_BYTES, 16 * 1024 * 1024);
});

Deno.test("Pop3Client.retrieveBytes() over maxBytes throws LimitError and the session goes on", async () => {
  await using fixture = await bigMailbox();
  const client = await connectTo(fixture.server);
  await assert.rejects(client.retrieveBytes(2, { maxBytes: 10_000 }), limited("RETR 2"));
  assert.equal(client.state, "transaction");
  assert.equal(await client.retrieveText(3), MESSAGES[1]);
  // Exactly at the limit is fine; the default takes the whole message.
  assert.equal((await client.retrieveBytes(2, { maxBytes: BIG_BYTES })).byteLength, BIG_BYTES);
  assert.equal(decoder.decode(await client.retrieveBytes(2)), BIG);
  await assert.rejects(client.retrieveBytes(2, { maxBytes: BIG_BYTES - 1 }), LimitError);
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

Deno.test("Pop3Client.retrieveText() and retrieveParsed() honour maxBytes", async () => {
  await using fixture = await bigMailbox();
  const client = await connectTo(fixture.server);
  await assert.rejects(client.retrieveText(2, { maxBytes: 1000 }), limited("RETR 2"));
  await assert.rejects(client.retrieveParsed(2, { maxBytes: 1000 }), limited("RETR 2"));
  assert.equal((await client.retrieveParsed(2, { maxBytes: BIG_BYTES })).subject, "big");
  assert.equal((await client.retrieveParsed(1)).subject, "one");
  await client.close();
});

Deno.test("Pop3Client.topBytes() and retrieveHeaders() honour maxBytes", async () => {
  await using fixture = await bigMailbox();
  const client = await connectTo(fixture.server);
  await assert.rejects(client.topBytes(2, 3000, { maxBytes: 5000 }), limited("TOP 2 3000"));
  await assert.rejects(client.retrieveHeaders(2, { maxBytes: 10 }), limited("TOP 2 0"));
  assert.equal((await client.retrieveHeaders(2, { maxBytes: 100 })).get("subject"), "big");
  assert.equal(
    decoder.decode(await client.topBytes(1, 0)),
    "From: a@example.org\r\nSubject: one\r\n\r\n",
  );
  await client.close();
});

for (const pipelining of [true, false]) {
  Deno.test(`Pop3Client.retrieveMany() skips a message over maxBytes (pipelining ${pipelining})`, async () => {
    await using fixture = await startServer({
      store: await seededStore([MESSAGES[0]!, BIG, MESSAGES[1]!]),
      pipelining,
    });
    const client = await connectTo(fixture.server);
    const got: number[] = [];
    await assert.rejects(async () => {
      for await (const { id, bytes } of client.retrieveMany([1, 2, 3], { maxBytes: 10_000 })) {
        got.push(id);
        assert.equal(decoder.decode(bytes), MESSAGES[id === 1 ? 0 : 1]);
      }
    }, limited("RETR 2"));
    assert.deepEqual(got, [1, 3]);
    assert.equal(client.state, "transaction");
    assert.equal((await client.list()).length, 3);
    await client.close();
  });
}

Deno.test("Pop3Client.list(), uidl() and command() bound their listings", async () => {
  const store = await seededStore(
    Array.from({ length: 200 }, (_, i) => `Subject: ${i}\r\n\r\nx\r\n`),
  );
  await using fixture = await startServer({ store });
  const client = await connectTo(fixture.server);
  await assert.rejects(client.list({ maxBytes: 100 }), limited("LIST"));
  assert.equal((await client.stat()).count, 200);
  await assert.rejects(client.uidl({ maxBytes: 100 }), limited("UIDL"));
  await assert.rejects(
    client.command("LIST", { multiline: true, maxBytes: 100 }),
    limited("LIST"),
  );
  assert.equal((await client.list()).length, 200);
  assert.equal((await client.uidl()).length, 200);
  assert.equal((await client.command("UIDL", { multiline: true })).lines?.length, 200);
  await client.close();
});

Deno.test("Pop3Client rejects a maxBytes that is not a non-negative number", async () => {
  await using fixture = await bigMailbox();
  const client = await connectTo(fixture.server);
  await assert.rejects(async () => await client.retrieveBytes(1, { maxBytes: -1 }), RangeError);
  await assert.rejects(client.list({ maxBytes: Number.NaN }), RangeError);
  await assert.rejects(async () => {
    for await (const _ of client.retrieveMany([1], { maxBytes: -5 })) { /* nothing */ }
  }, RangeError);
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

/** Stuffs a body and adds its terminator. */
function stuff(body: string): string {
  return body.replace(/(^|\n)\./g, "$1..") + ".\r\n";
}

Deno.test("Pop3Client drains an over-long body exactly at every packet split", async () => {
  // Lines that end in a dot, and dots at line starts, around every boundary.
  const body = "Subject: x\r\n\r\n" +
    Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? ".dot" : "tail.") + "\r\n.\r\n").join("");
  const wire = encoder.encode(
    "+OK ready\r\n-ERR no CAPA\r\n+OK\r\n+OK\r\n" + // greeting, CAPA, USER, PASS
      `+OK\r\n${stuff(body)}` + // RETR 1: no size announced, drained
      "+OK 1 2\r\n" + // LIST 1
      "+OK\r\n1 10\r\n2 20\r\n3 30\r\n.\r\n" + // LIST: over the limit, drained
      "+OK 3 60\r\n", // STAT
  );
  for (const size of [1, 2, 3, 7, 16, 64, wire.byteLength]) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < wire.byteLength; i += size) chunks.push(wire.subarray(i, i + size));
    const client = await Pop3Client.fromConn(memoryConn(chunks), {
      hostname: "memory",
      auth: { username: "ann", password: "pw", method: "user" },
    });
    await assert.rejects(client.retrieveBytes(1, { maxBytes: 50 }), limited("RETR 1"), `${size}`);
    assert.deepEqual(await client.listOne(1), { id: 1, size: 2 }, `${size}`);
    await assert.rejects(client.list({ maxBytes: 10 }), limited("LIST"), `${size}`);
    assert.deepEqual(await client.stat(), { count: 3, size: 60 }, `${size}`);
    client.destroy();
  }
});

Deno.test("Pop3Client closes the session when a body outgrows its announced size", async () => {
  const fake = await scripted(async (io) => {
    await io.send("+OK ready\r\n");
    await io.expect("CAPA");
    await io.send("-ERR no CAPA\r\n");
    await io.expect("USER ann");
    await io.send("+OK\r\n");
    await io.expect("PASS pw");
    await io.send("+OK\r\n");
    await io.expect("RETR 1");
    await io.send(`+OK 10 octets\r\n${stuff("x".repeat(300) + "\r\n")}`);
    await io.reader.readLineOrNull().catch(() => null);
  });
  const client = await Pop3Client.connect({
    hostname: "127.0.0.1",
    port: fake.port,
    auth: { username: "ann", password: "pw", method: "user" },
  });
  await assert.rejects(
    client.retrieveBytes(1, { maxBytes: 100 }),
    (e: unknown) => e instanceof LimitError && /RETR 1/.test(e.message) && /closed/.test(e.message),
  );
  assert.equal(client.state, "closed");
  await fake.done;
});
