// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the TYPE A line-end converters: random bytes (rich in
// CR and LF) cut at random chunk boundaries, empty chunks included, convert
// exactly as the whole input does, and as a one-line reference says.
import assert from "../_assert.ts";
import { Random } from "../_fuzz.ts";
import { concatBytes } from "../../protocols/_core/mod.ts";
import { FtpAsciiDecoder, FtpAsciiEncoder } from "../../protocols/ftp/mod.ts";

const CR = 13;
const LF = 10;

/** CRLF → LF; everything else as it is. */
function decodeReference(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === CR && bytes[i + 1] === LF) continue;
    out.push(bytes[i]!);
  }
  return new Uint8Array(out);
}

/** A LF without a CR before it → CRLF; everything else as it is. */
function encodeReference(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === LF && bytes[i - 1] !== CR) out.push(CR);
    out.push(bytes[i]!);
  }
  return new Uint8Array(out);
}

/** Bytes that are mostly CR, LF and a few others, so every pairing occurs. */
function lineEndBytes(random: Random, n: number): Uint8Array {
  const out = random.bytes(n);
  for (let i = 0; i < n; i++) {
    const r = random.next();
    if (r < 0.3) out[i] = CR;
    else if (r < 0.6) out[i] = LF;
  }
  return out;
}

/** `bytes` cut at random points (some chunks empty). */
function chunks(random: Random, bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = random.next() < 0.1 ? 0 : 1 + random.int(random.next() < 0.5 ? 3 : 40);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  if (random.next() < 0.3) out.push(new Uint8Array(0));
  return out;
}

function run(
  convert: { push(chunk: Uint8Array): Uint8Array; end?(): Uint8Array },
  parts: Uint8Array[],
): Uint8Array {
  const out: Uint8Array[] = parts.map((part) => convert.push(part).slice());
  if (convert.end) out.push(convert.end());
  return concatBytes(out);
}

Deno.test("FtpAsciiDecoder fuzz: any chunking decodes like the whole input and the reference", () => {
  const random = new Random(0xa5c11);
  for (let i = 0; i < 2000; i++) {
    const bytes = lineEndBytes(random, random.int(200));
    const expected = decodeReference(bytes);
    const whole = run(new FtpAsciiDecoder(), [bytes]);
    assert.deepEqual(whole, expected, `case ${i}: ${bytes}`);
    const split = run(new FtpAsciiDecoder(), chunks(random, bytes));
    assert.deepEqual(split, expected, `case ${i}: ${bytes}`);
  }
});

Deno.test("FtpAsciiDecoder fuzz: the input array may be reused after push()", () => {
  const random = new Random(0xa5c12);
  for (let i = 0; i < 500; i++) {
    const bytes = lineEndBytes(random, random.int(200));
    const decoder = new FtpAsciiDecoder();
    const buffer = new Uint8Array(64);
    const out: Uint8Array[] = [];
    for (const part of chunks(random, bytes)) {
      buffer.set(part);
      out.push(decoder.push(buffer.subarray(0, part.length)));
      buffer.fill(0x55);
    }
    out.push(decoder.end());
    assert.deepEqual(concatBytes(out), decodeReference(bytes), `case ${i}`);
  }
});

Deno.test("FtpAsciiEncoder fuzz: any chunking encodes like the whole input and the reference", () => {
  const random = new Random(0xa5c13);
  for (let i = 0; i < 1500; i++) {
    const bytes = lineEndBytes(random, random.int(200));
    const expected = encodeReference(bytes);
    assert.deepEqual(run(new FtpAsciiEncoder(), [bytes]), expected, `case ${i}: ${bytes}`);
    const split = run(new FtpAsciiEncoder(), chunks(random, bytes));
    assert.deepEqual(split, expected, `case ${i}: ${bytes}`);
    // Without CRs, decoding undoes encoding.
    const plain = bytes.filter((b) => b !== CR);
    const wire = run(new FtpAsciiEncoder(), chunks(random, plain));
    assert.deepEqual(run(new FtpAsciiDecoder(), chunks(random, wire)), plain, `case ${i}`);
  }
});
