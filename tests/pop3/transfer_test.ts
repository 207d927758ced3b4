// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { ConnectionClosedError } from "../../protocols/_core/mod.ts";
import { MemoryMailStore } from "../../protocols/mail/store.ts";
import { Pop3Client, type Pop3Progress, Pop3ReplyError } from "../../protocols/pop3/mod.ts";
import {
  connectTo,
  decoder,
  encoder,
  MESSAGES,
  recordingServer,
  seededStore,
  startServer,
} from "./_helpers.ts";

function connectPlain(port: number) {
  return Pop3Client.connect({
    hostname: "127.0.0.1",
    port,
    auth: { username: "ann", password: "pw", method: "user" },
  });
}

Deno.test("Pop3Client.retrieveMany() pipelines every RETR in one write", async () => {
  const fixture = await recordingServer();
  const client = await connectPlain(fixture.port);
  const got: [number, string][] = [];
  for await (const { id, bytes } of client.retrieveMany([3, 1, 2, 1])) {
    got.push([id, decoder.decode(bytes)]);
  }
  assert.deepEqual(got, [
    [3, MESSAGES[2]],
    [1, MESSAGES[0]],
    [2, MESSAGES[1]],
    [1, MESSAGES[0]],
  ]);
  assert.ok(
    fixture.reads.includes("RETR 3\r\nRETR 1\r\nRETR 2\r\nRETR 1\r\n"),
    fixture.reads.join("|"),
  );
  await client.close();
  await fixture.close();
});

Deno.test("Pop3Client.deleteMany() pipelines every DELE in one write", async () => {
  const fixture = await recordingServer();
  const client = await connectPlain(fixture.port);
  await client.deleteMany([1, 3]);
  assert.ok(fixture.reads.includes("DELE 1\r\nDELE 3\r\n"));
  assert.deepEqual([...client.markedForDeletion], [1, 3]);
  await assert.rejects(client.deleteMany([2, 3, 9]), (e: unknown) => {
    assert.ok(e instanceof Pop3ReplyError);
    assert.equal(e.command, "DELE 3");
    return true;
  });
  assert.deepEqual([...client.markedForDeletion].sort(), [1, 2, 3]);
  assert.deepEqual(await client.quit(), [1, 2, 3]);
  assert.equal((await fixture.store.list("ann")).length, 0);
  await fixture.close();
});

Deno.test("Pop3Client falls back to lock-step without PIPELINING", async () => {
  const fixture = await recordingServer({ pipelining: false });
  const client = await connectPlain(fixture.port);
  assert.equal(client.capabilities.pipelining, false);
  const ids: number[] = [];
  for await (const { id } of client.retrieveMany([1, 2, 3])) ids.push(id);
  await client.deleteMany([1, 2]);
  assert.deepEqual(ids, [1, 2, 3]);
  for (const command of ["RETR 1\r\n", "RETR 2\r\n", "RETR 3\r\n", "DELE 1\r\n", "DELE 2\r\n"]) {
    assert.ok(fixture.reads.includes(command), command);
  }
  await client.close();
  await fixture.close();
});

Deno.test("Pop3Client.retrieveMany() throws a -ERR at the end and keeps the others", async () => {
  const fixture = await recordingServer();
  const client = await connectPlain(fixture.port);
  const ids: number[] = [];
  await assert.rejects(async () => {
    for await (const { id } of client.retrieveMany([1, 7, 2])) ids.push(id);
  }, (e: unknown) => e instanceof Pop3ReplyError && e.command === "RETR 7");
  assert.deepEqual(ids, [1, 2]);
  await client.noop();
  await client.close();
  await fixture.close();
});

Deno.test("Pop3Client.retrieveMany() stopped early drains what is in flight", async () => {
  const fixture = await recordingServer();
  const client = await connectPlain(fixture.port);
  for await (const { id } of client.retrieveMany([1, 2, 3, 1, 2, 3])) {
    if (id === 2) break;
  }
  assert.equal(await client.retrieveText(3), MESSAGES[2]);
  assert.deepEqual(await client.stat(), {
    count: 3,
    size: MESSAGES.reduce((a, m) => a + m.length, 0),
  });
  await client.close();
  await fixture.close();
});

/** A 20 MB message with dot lines scattered through it. */
function bigMessage(): Uint8Array {
  const line = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n";
  const parts = ["Subject: big\r\n\r\n"];
  let size = parts[0]!.length;
  for (let i = 0; size < 20_000_000; i++) {
    const next = i % 997 === 0 ? "." + line : line;
    parts.push(next);
    size += next.length;
  }
  return encoder.encode(parts.join(""));
}

Deno.test("Pop3Client.retrieve() streams a 20 MB message in bounded chunks", async () => {
  const big = bigMessage();
  const store = new MemoryMailStore();
  await store.deliver("ann", big);
  await using fixture = await startServer({ store });
  const client = await connectTo(fixture.server);
  const progress: Pop3Progress[] = [];
  const stream = await client.retrieve(1, { onProgress: (p) => progress.push(p) });
  let at = 0;
  let chunks = 0;
  let largest = 0;
  let same = true;
  for await (const chunk of stream) {
    chunks++;
    largest = Math.max(largest, chunk.byteLength);
    // Compare as we go: the test never holds the message whole either.
    for (let i = 0; i < chunk.byteLength && same; i += 4099) same = chunk[i] === big[at + i];
    same &&= chunk[chunk.byteLength - 1] === big[at + chunk.byteLength - 1];
    at += chunk.byteLength;
  }
  assert.equal(at, big.byteLength);
  assert.ok(same);
  assert.ok(largest <= 128 * 1024, `largest chunk ${largest}`);
  assert.ok(chunks >= big.byteLength / (128 * 1024));
  assert.deepEqual(progress.at(-1), { bytes: big.byteLength, total: big.byteLength });
  // The session is free again.
  assert.equal((await client.stat()).count, 1);
  await client.close();
});

Deno.test("Pop3Client: cancelling a RETR stream drains it; the next command works", async () => {
  const store = await seededStore();
  const large = encoder.encode("Subject: x\r\n\r\n" + "y".repeat(78).concat("\r\n").repeat(30_000));
  await store.deliver("ann", large);
  await using fixture = await startServer({ store });
  const client = await connectTo(fixture.server);
  const reader = (await client.retrieve(4)).getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.byteLength > 0);
  await reader.cancel();
  assert.equal(await client.retrieveText(2), MESSAGES[1]);
  const unread = await client.top(4, 5);
  await unread.cancel();
  await client.noop();
  await client.close();
});

Deno.test("Pop3Client: commands wait for an open RETR stream", async () => {
  await using fixture = await startServer();
  const client = await connectTo(fixture.server);
  const stream = await client.retrieve(1);
  const noop = client.noop();
  const text = await new Response(stream).text();
  await noop;
  assert.equal(text, MESSAGES[0]);
  await client.close();
});

Deno.test("Pop3Client.close() reads off an abandoned RETR stream, then QUITs", async () => {
  const store = await seededStore();
  await store.deliver("ann", encoder.encode("Subject: x\r\n\r\n" + "z\r\n".repeat(200_000)));
  await using fixture = await startServer({ store });
  const client = await connectTo(fixture.server);
  await client.delete(1);
  const reader = (await client.retrieve(4)).getReader();
  await reader.read();
  await client.close();
  await assert.rejects(reader.read(), ConnectionClosedError);
  assert.equal((await fixture.store.list("ann")).length, 3);
});

Deno.test("Pop3Client.retrieveBytes() reports progress with the announced total", async () => {
  await using fixture = await startServer();
  const client = await connectTo(fixture.server);
  const seen: Pop3Progress[] = [];
  const bytes = await client.retrieveBytes(2, { onProgress: (p) => seen.push(p) });
  assert.equal(bytes.byteLength, MESSAGES[1]!.length);
  assert.deepEqual(seen.at(-1), { bytes: bytes.byteLength, total: bytes.byteLength });
  await client.close();
});
