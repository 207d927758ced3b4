// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  decodeMimeBase64,
  encodeMimeBase64,
  MimeBase64Encoder,
  MimeBase64EncoderStream,
  mimeBase64Length,
} from "../../protocols/mail/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function random(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const VECTORS: { input: string; expected: string }[] = [
  { input: "", expected: "" },
  { input: "f", expected: "Zg==" },
  { input: "fo", expected: "Zm8=" },
  { input: "foo", expected: "Zm9v" },
  { input: "foob", expected: "Zm9vYg==" },
  { input: "fooba", expected: "Zm9vYmE=" },
  { input: "foobar", expected: "Zm9vYmFy" },
];

Deno.test("encodeMimeBase64() matches the RFC 4648 test vectors", () => {
  for (const { input, expected } of VECTORS) {
    assert.equal(encodeMimeBase64(enc.encode(input)), expected, input);
    assert.equal(dec.decode(decodeMimeBase64(expected)), input, expected);
  }
});

Deno.test("encodeMimeBase64() wraps at 76 characters and agrees with btoa", () => {
  for (const size of [0, 1, 56, 57, 58, 113, 114, 115, 1000, 4096]) {
    const bytes = random(size, size);
    const text = encodeMimeBase64(bytes);
    const lines = text === "" ? [] : text.split("\r\n");
    for (const line of lines.slice(0, -1)) assert.equal(line.length, 76);
    assert.ok((lines.at(-1)?.length ?? 0) <= 76);
    assert.equal(lines.join(""), btoa(String.fromCharCode(...bytes)));
    assert.deepEqual(decodeMimeBase64(text), bytes);
    assert.equal(mimeBase64Length(size), text.length + (size ? 2 : 0));
  }
});

Deno.test("encodeMimeBase64() honours a custom line length and rejects bad ones", () => {
  assert.deepEqual(
    encodeMimeBase64(random(30), { lineLength: 8 }).split("\r\n").map((l) => l.length),
    [8, 8, 8, 8, 8],
  );
  assert.throws(() => encodeMimeBase64(random(3), { lineLength: 75 }), RangeError);
  assert.throws(() => new MimeBase64Encoder({ lineLength: 0 }), RangeError);
});

Deno.test("MimeBase64Encoder gives the same lines for any chunking", () => {
  const bytes = random(5000, 7);
  const whole = encodeMimeBase64(bytes) + "\r\n";
  for (const step of [1, 2, 3, 56, 57, 58, 100, 1000, 5000]) {
    const encoder = new MimeBase64Encoder();
    let out = "";
    for (let i = 0; i < bytes.length; i += step) {
      const chunk = encoder.push(bytes.subarray(i, i + step));
      // Only whole lines come out before the end.
      assert.ok(chunk.length % 78 === 0, `step ${step}`);
      out += dec.decode(chunk);
    }
    out += dec.decode(encoder.end());
    assert.equal(out, whole, `step ${step}`);
  }
  assert.equal(new MimeBase64Encoder().end().length, 0);
});

Deno.test("MimeBase64EncoderStream encodes a stream", async () => {
  const bytes = random(1000, 3);
  const stream = ReadableStream.from([bytes.subarray(0, 10), bytes.subarray(10)])
    .pipeThrough(new MimeBase64EncoderStream());
  assert.equal(await new Response(stream).text(), encodeMimeBase64(bytes) + "\r\n");
});

const LENIENT: { title: string; input: string; expected: string }[] = [
  { title: "line breaks", input: "Zm9v\r\nYmFy", expected: "foobar" },
  { title: "bare LF and spaces", input: " Zm9v \n YmFy ", expected: "foobar" },
  { title: "missing padding", input: "Zm9vYg", expected: "foob" },
  { title: "junk characters", input: "Zm9v!*YmFy", expected: "foobar" },
  { title: "data after padding", input: "Zg==\r\n--junk", expected: "f" },
  { title: "non-ASCII characters", input: "Zm9vé", expected: "foo" },
];

Deno.test("decodeMimeBase64() is lenient", () => {
  for (const { title, input, expected } of LENIENT) {
    assert.equal(dec.decode(decodeMimeBase64(input)), expected, title);
    assert.equal(dec.decode(decodeMimeBase64(enc.encode(input))), expected, title);
  }
});

Deno.test("decodeMimeBase64() gives the same bytes on the fast and the lenient path", () => {
  const bytes = random(20_000, 9);
  const clean = encodeMimeBase64(bytes);
  assert.deepEqual(decodeMimeBase64(clean), bytes);
  assert.deepEqual(decodeMimeBase64(new TextEncoder().encode(clean)), bytes);
  // Junk in the middle sends large input down the lenient path.
  const junky = clean.slice(0, 1000) + "!*\u00e9" + clean.slice(1000);
  assert.deepEqual(decodeMimeBase64(junky), bytes);
  assert.deepEqual(decodeMimeBase64(enc.encode(junky)), bytes);
  // Data after the padding is dropped on both paths.
  const padded = encodeMimeBase64(random(20_002, 9)) + "\r\n--boundary--\r\n";
  assert.deepEqual(decodeMimeBase64(padded), random(20_002, 9));
});
