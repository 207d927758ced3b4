// Copyright 2026 the portline authors. MIT license.
// Node callers pass `Buffer`s wherever bytes are taken. A Buffer is a
// Uint8Array, except that `slice()` returns a view instead of a copy: these
// tests pin the places that keep or copy caller bytes.
import assert from "../_assert.ts";
import { Buffer } from "node:buffer";
import {
  bodyChunks,
  BufferedReader,
  concatBytes,
  DotStuffEncoder,
  memoryConn,
  readReply,
} from "../../protocols/_core/mod.ts";

const dec = new TextDecoder();

Deno.test("memoryConn().write() copies a Buffer the caller then reuses", async () => {
  const conn = memoryConn([]);
  const bytes = Buffer.from("HELO a\r\n");
  await conn.write(bytes);
  bytes.fill(0x21);
  assert.equal(conn.writtenText(), "HELO a\r\n");
});

Deno.test("BufferedReader and readReply() read Buffer chunks", async () => {
  const reader = new BufferedReader(
    memoryConn([Buffer.from("250-first\r\n250"), Buffer.from(" last\r\n")]),
  );
  const reply = await readReply(reader);
  assert.equal(reply.code, 250);
  assert.deepEqual(reply.lines, ["first", "last"]);
});

Deno.test("concatBytes(), DotStuffEncoder and bodyChunks() take Buffers", async () => {
  assert.equal(dec.decode(concatBytes([Buffer.from("ab"), new Uint8Array([99])])), "abc");
  const encoder = new DotStuffEncoder();
  assert.equal(dec.decode(encoder.push(Buffer.from(".hi\n"))), "..hi\r\n");
  const chunks: string[] = [];
  for await (const chunk of bodyChunks(Buffer.from("body"))) chunks.push(dec.decode(chunk));
  assert.deepEqual(chunks, ["body"]);
  // A Node Readable is an async iterable of Buffers.
  async function* readable() {
    yield Buffer.from("a");
    yield Buffer.from("b");
  }
  const streamed: string[] = [];
  for await (const chunk of bodyChunks(readable())) streamed.push(dec.decode(chunk));
  assert.deepEqual(streamed, ["a", "b"]);
});
