// Copyright 2026 the portline authors. MIT license.
// Limits that a bad value would silently lift (NaN compares false) or turn
// into a hang (a zero-byte buffer) are refused up front with a RangeError.
import assert from "../_assert.ts";
import {
  BufferedReader,
  LimitError,
  memoryConn,
  readReply,
  Session,
} from "../../protocols/_core/mod.ts";

const badBufferSizes = [0, -1, 1.5, NaN, Infinity];
const badLimits = [0, -1, NaN];

Deno.test("BufferedReader refuses a bufferSize that is not a positive integer", () => {
  for (const bufferSize of badBufferSizes) {
    assert.throws(
      () => new BufferedReader(memoryConn([]), { bufferSize }),
      (error: unknown) => error instanceof RangeError && /bufferSize/.test(error.message),
      `bufferSize ${bufferSize}`,
    );
  }
});

Deno.test("BufferedReader and Session refuse a maxLineBytes below 1 or NaN", () => {
  for (const maxLineBytes of badLimits) {
    assert.throws(
      () => new BufferedReader(memoryConn([]), { maxLineBytes }),
      (error: unknown) => error instanceof RangeError && /maxLineBytes/.test(error.message),
      `maxLineBytes ${maxLineBytes}`,
    );
    assert.throws(() => new Session(memoryConn([]), "memory", { maxLineBytes }), RangeError);
  }
});

Deno.test("BufferedReader works with a one-byte buffer (it grows) and still bounds lines", async () => {
  const reader = new BufferedReader(memoryConn(["hello\r\n", "x".repeat(64) + "\r\n"]), {
    bufferSize: 1,
    maxLineBytes: 32,
  });
  assert.equal(await reader.readLine(), "hello");
  await assert.rejects(reader.readLine(), LimitError);
});

Deno.test("readReply() refuses a maxLines below 1 or NaN", async () => {
  for (const maxLines of badLimits) {
    const reader = new BufferedReader(memoryConn(["250-a\r\n250 b\r\n"]));
    await assert.rejects(
      readReply(reader, { maxLines }),
      (error: unknown) => error instanceof RangeError && /maxLines/.test(error.message),
    );
  }
});

Deno.test("BufferedReader.readDotBlockBytes() refuses a negative or NaN maxBytes", async () => {
  for (const maxBytes of [-1, NaN]) {
    const reader = new BufferedReader(memoryConn(["a\r\n.\r\n"]));
    await assert.rejects(
      reader.readDotBlockBytes({ maxBytes }),
      (error: unknown) => error instanceof RangeError && /maxBytes/.test(error.message),
    );
  }
  // 0 is a real limit: an empty block passes, anything more is a LimitError.
  const empty = new BufferedReader(memoryConn([".\r\n"]));
  assert.equal((await empty.readDotBlockBytes({ maxBytes: 0 })).byteLength, 0);
  const one = new BufferedReader(memoryConn(["a\r\n.\r\n"]));
  await assert.rejects(one.readDotBlockBytes({ maxBytes: 0 }), LimitError);
});

Deno.test("BufferedReader.readExact() refuses a count that is not a whole byte count", async () => {
  const reader = new BufferedReader(memoryConn(["abc"]));
  for (const n of [-1, 1.5, Number.NaN, 2 ** 31]) {
    await assert.rejects(reader.readExact(n), RangeError, String(n));
  }
  assert.deepEqual(await reader.readExact(3), new TextEncoder().encode("abc"));
});
