// Copyright 2026 the portline authors. MIT license.
// A body stream keeps the connection busy: the next command waits for it, and
// cancelling it drains the block or closes the connection (onCancel).
import assert from "../_assert.ts";
import {
  BufferedReader,
  ConnectionClosedError,
  memoryConn,
  Session,
} from "../../protocols/_core/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Lets every queued promise job and timer callback run once. */
function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("BufferedReader.dotBlock({ onCancel: 'close' }) closes the connection on cancel", async () => {
  const conn = memoryConn(["line 1\r\n", "line 2\r\n", ".\r\n", "+OK next\r\n"]);
  let closed = false;
  const close = conn.close.bind(conn);
  conn.close = () => {
    closed = true;
    close();
  };
  const reader = new BufferedReader(conn);
  let doneWith: unknown = "not called";
  const stream = reader.dotBlock({ onCancel: "close", onDone: (error) => doneWith = error });
  const it = stream.getReader();
  assert.equal(dec.decode((await it.read()).value), "line 1\r\n");
  await it.cancel();
  assert.equal(closed, true);
  assert.ok(doneWith instanceof ConnectionClosedError);
  // Nothing of the block or after it is read any more.
  assert.equal(await reader.readLineOrNull(), null);
});

Deno.test("BufferedReader.dotBlock() cancel after the terminator neither drains nor closes", async () => {
  const conn = memoryConn(["a\r\n.\r\n+OK\r\n"]);
  let closed = false;
  conn.close = () => closed = true;
  const reader = new BufferedReader(conn);
  const chunks: string[] = [];
  let done = 0;
  const stream = reader.dotBlock({ onCancel: "close", onDone: () => done++ });
  for await (const chunk of stream) chunks.push(dec.decode(chunk));
  await stream.cancel().catch(() => {});
  assert.deepEqual(chunks, ["a\r\n"]);
  assert.equal(closed, false);
  assert.equal(done, 1);
  assert.equal(await reader.readLine(), "+OK");
});

Deno.test("Session: the next command waits until a body stream is read, then runs", async () => {
  const conn = memoryConn(["+OK here it comes\r\nbody\r\n..dot\r\n.\r\n", "+OK noop\r\n"]);
  const session = new Session(conn, "memory");
  // A RETR-like call: the lock is held until the stream ends.
  const release = await session.acquire();
  await session.send("RETR 1");
  assert.equal(await session.readLine(), "+OK here it comes");
  const body = session.reader.dotBlock({ onDone: release });

  let noopReply: string | undefined;
  const noop = session.run({}, async () => {
    await session.send("NOOP");
    noopReply = await session.readLine();
  });
  await turn();
  await turn();
  assert.equal(conn.writtenText(), "RETR 1\r\n", "NOOP is not sent while the body is unread");
  assert.equal(noopReply, undefined);

  let text = "";
  for await (const chunk of body) text += dec.decode(chunk);
  assert.equal(text, "body\r\n.dot\r\n");
  await noop;
  assert.equal(conn.writtenText(), "RETR 1\r\nNOOP\r\n");
  assert.equal(noopReply, "+OK noop");
});

Deno.test("Session: cancelling a body stream drains it and frees the connection", async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\r\n`).join("");
  const conn = memoryConn([
    enc.encode("+OK\r\n" + lines.slice(0, 5000)),
    enc.encode(lines.slice(5000) + ".\r\n"),
    enc.encode("+OK after\r\n"),
  ]);
  const session = new Session(conn, "memory");
  const release = await session.acquire();
  await session.send("RETR 1");
  assert.equal(await session.readLine(), "+OK");
  const body = session.reader.dotBlock({ onDone: release }).getReader();
  await body.read();
  await body.cancel();
  const after = await session.run({}, async () => {
    await session.send("NOOP");
    return await session.readLine();
  });
  assert.equal(after, "+OK after");
});
