// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the chunked decoder inside HttpConnection: valid
// bodies decode to their data and trailers however the bytes are split
// into reads, and any body (valid or mutated) has one outcome (the same
// bytes, or the same typed error) for every split.
import assert from "../_assert.ts";
import { fuzzAsync, isExpectedError, latin1, latin1Bytes, Random } from "../_fuzz.ts";
import { memoryConn } from "../../protocols/_core/mod.ts";
import {
  HttpConnection,
  type HttpHeaderList,
  HttpLimitError,
  HttpParseError,
} from "../../protocols/http/mod.ts";

const HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
// Bytes after the body: a response nobody asked for.
const STRAY = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

/** `bytes` cut into pieces at random points (single bytes now and then). */
function split(random: Random, bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    const r = random.next();
    const n = r < 0.2 ? 1 : r < 0.6 ? 1 + random.int(8) : 1 + random.int(200);
    out.push(bytes.slice(at, at + n));
    at += n;
  }
  return out;
}

/** A random valid chunked body: its wire bytes (latin1), data and trailers. */
function chunkedBody(random: Random): { wire: string; data: string; trailers: HttpHeaderList } {
  let wire = "";
  let data = "";
  const chunks = random.int(6);
  for (let i = 0; i < chunks; i++) {
    const piece = random.text(1 + random.int(random.next() < 0.1 ? 3000 : 40));
    data += piece;
    let size = piece.length.toString(16);
    if (random.next() < 0.3) size = size.toUpperCase();
    if (random.next() < 0.2) size = "000" + size;
    const ext = random.pick(["", ";a=1", ";b", ' ; q="x;y"', "\t;n=v"]);
    const end = random.next() < 0.1 ? "\n" : "\r\n";
    wire += `${size}${ext}${end}${piece}${end}`;
  }
  wire += random.pick(["0", "0;last", "000"]) + "\r\n";
  const trailers: HttpHeaderList = [];
  for (let i = random.int(3); i > 0; i--) {
    const field: [string, string] = [random.pick(["X-Sum", "Expires", "a"]), `v${random.int(99)}`];
    trailers.push(field);
    wire += `${field[0]}: ${field[1]}\r\n`;
  }
  return { wire: wire + "\r\n", data, trailers };
}

type Outcome = { data: string; trailers: HttpHeaderList; idle: boolean } | { error: string };

/**
 * Decodes a response fed in `pieces`, with `read()` or `readInto()`; `idle`
 * says whether the connection can carry another request, which needs every
 * byte consumed: the decoder stopped exactly at the end of the body.
 */
async function decode(pieces: Uint8Array[], useReadInto: boolean): Promise<Outcome> {
  const http = new HttpConnection(memoryConn(pieces), { maxHeaderBytes: 2048, maxHeaderCount: 8 });
  try {
    const response = await http.request();
    let data: Uint8Array;
    if (useReadInto) {
      const parts: number[] = [];
      const view = new Uint8Array(7);
      for (let n; (n = await response.readInto(view)) !== null;) parts.push(...view.subarray(0, n));
      data = new Uint8Array(parts);
    } else {
      data = await response.bytes();
    }
    const trailers = await response.trailers;
    return { data: latin1(data), trailers, idle: http.idle };
  } catch (error) {
    if (!isExpectedError(error)) throw error;
    return { error: (error as Error).name };
  } finally {
    http.close();
  }
}

Deno.test("HttpConnection chunked fuzz: valid bodies decode the same under any split", async () => {
  const random = new Random(201);
  for (let i = 0; i < 250; i++) {
    const body = chunkedBody(random);
    const bytes = latin1Bytes(HEAD + body.wire);
    const expected = { data: body.data, trailers: body.trailers, idle: true };
    assert.deepEqual(await decode([bytes], false), expected, `case ${i}`);
    assert.deepEqual(await decode(split(random, bytes), false), expected, `case ${i} split`);
    assert.deepEqual(await decode(split(random, bytes), true), expected, `case ${i} readInto`);
  }
});

const SAMPLES = [
  "5\r\nhello\r\n0\r\n\r\n",
  '5;ext=1\r\nhello\r\n6 ; name="q;v"\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n',
  "1\nA\n0\n\n",
  "ffffffffffff\r\nx\r\n",
  "3\r\nabcdef\r\n0\r\n\r\n",
  "0\r\nX: 1\r\nY: 2\r\n\r\n",
];

/** Whether a run ended refusing the response (too large or malformed). */
function refused(outcome: Outcome): boolean {
  return "error" in outcome &&
    (outcome.error === HttpLimitError.name || outcome.error === HttpParseError.name);
}

Deno.test("HttpConnection chunked fuzz: any body has one outcome for every split, a typed error at worst", async () => {
  let decoded = 0;
  const random = new Random(202);
  const samples = [...SAMPLES];
  for (let i = 0; i < 20; i++) samples.push(chunkedBody(random).wire);
  await fuzzAsync("chunked", { seed: 203, count: 500, samples }, async (body) => {
    const bytes = latin1Bytes(HEAD + body);
    const whole = await decode([bytes], false);
    const pieces = await decode(split(random, bytes), false);
    const into = await decode(split(random, bytes), true);
    // Bytes after the body stop reuse only when they arrived with it: no
    // `idle` comparison then (see the stray-bytes test).
    const strayed = "idle" in whole && !whole.idle;
    for (const outcome of [pieces, into]) {
      if (strayed && "idle" in outcome) outcome.idle = false;
      // A trailer section both over the byte limit and malformed is refused
      // for whichever shows first: the limit while it is still arriving, a
      // bad line when it came whole (lines are checked in order, as
      // HttpHeadParser does). Either way a typed refusal.
      if (refused(outcome) && refused(whole)) continue;
      assert.deepEqual(outcome, whole, JSON.stringify(body));
    }
    if ("data" in whole) decoded++;
  });
  assert.ok(decoded > 8, `${decoded} decoded`);
});

Deno.test("HttpConnection chunked fuzz: stray bytes after a body are never reused", async () => {
  // They would be read as the next request's response.
  const random = new Random(204);
  for (let i = 0; i < 150; i++) {
    const body = chunkedBody(random);
    const stray = STRAY.slice(0, 1 + random.int(STRAY.length));
    // The stray bytes arrive with the end of the body (later ones cannot be seen in time).
    const pieces = split(random, latin1Bytes(HEAD + body.wire));
    pieces.push(new Uint8Array([...pieces.pop()!, ...latin1Bytes(stray)]));
    const expected = { data: body.data, trailers: body.trailers, idle: false };
    assert.deepEqual(await decode(pieces, random.next() < 0.5), expected, `case ${i}`);
  }
});
