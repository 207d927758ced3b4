// Copyright 2026 the portline authors. MIT license.
// The three line readers the benchmarks compare, each counting the lines of
// the same chunks (and touching each line's text, so nothing is optimised away).
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { BufferedReader } from "./buffered_reader.ts";
import { memoryConn } from "./memory_conn.ts";

/** Reads with our reader. */
export async function readWithBufferedReader(chunks: Uint8Array[]): Promise<number> {
  const reader = new BufferedReader(memoryConn(chunks));
  let count = 0;
  let length = 0;
  for (;;) {
    // The sync fast path takes every buffered line; await only to refill.
    const line = reader.tryReadLine() ?? await reader.readLineOrNull();
    if (line === null) break;
    length += line.length;
    count++;
  }
  return length >= 0 ? count : -1;
}

/** Reads with TextDecoderStream + a TextLineStream-style split transform. */
export async function readWithTextLineStream(chunks: Uint8Array[]): Promise<number> {
  let rest = "";
  const split = new TransformStream<string, string>({
    transform(text, controller) {
      const lines = (rest + text).split("\n");
      rest = lines.pop()!;
      for (const line of lines) controller.enqueue(line.endsWith("\r") ? line.slice(0, -1) : line);
    },
    flush(controller) {
      if (rest) controller.enqueue(rest);
    },
  });
  const source = ReadableStream.from(chunks);
  let count = 0;
  let length = 0;
  for await (const line of source.pipeThrough(new TextDecoderStream()).pipeThrough(split)) {
    length += line.length;
    count++;
  }
  return length >= 0 ? count : -1;
}

/** Reads with node:readline over a Readable of the chunks. */
export async function readWithNodeReadline(chunks: Uint8Array[]): Promise<number> {
  const lines = createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
  let count = 0;
  let length = 0;
  for await (const line of lines) {
    length += line.length;
    count++;
  }
  return length >= 0 ? count : -1;
}
