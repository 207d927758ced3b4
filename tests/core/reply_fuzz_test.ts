// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of the numeric-reply codec: parseReplyLine() and
// splitEnhancedCode() on mutated lines, and readReply() on mutated reply
// streams with small limits, read as one chunk, in random chunks and a byte
// per read. Every run ends the same way whatever the chunking, and the reply
// after a drained one is read in step.
import assert from "../_assert.ts";
import {
  BufferedReader,
  LimitError,
  memoryConn,
  parseReplyLine,
  readReply,
  type ReadReplyOptions,
  splitEnhancedCode,
} from "../../protocols/_core/mod.ts";
import { fuzz, fuzzInputs, latin1Bytes, Random } from "../_fuzz.ts";
import { byteChunks, type Outcome, outcome, randomChunks } from "./_chunks.ts";

const LINES = [
  "250 OK",
  "250-mail.example.org Hello [127.0.0.1]",
  "550 5.1.1 <nobody@example.org>: Recipient address rejected",
  "421 4.7.0 Try again later",
  "220",
  "334 UGFzc3dvcmQ6",
  "211-Features:",
  "250 2.0.0 Ok: queued as 4ABC1234",
];

const REPLIES = [
  "250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
  "550-5.1.1 first\r\n550-5.1.1 second\r\n550 5.1.1 third\r\n250 next\r\n",
  "211-Features:\r\n MDTM\r\n SIZE\r\n UTF8\r\n211 End\r\n200 next\r\n",
  "220 ready\r\n",
  "250-a\n250 b\n",
  "421 4.4.2 timeout\r\n",
];

Deno.test("parseReplyLine() fuzz: a reply line or null, its parts taken from the line", () => {
  let parsed = 0;
  fuzz("parseReplyLine", { seed: 0x7e1, count: 3000, samples: LINES, maxRandom: 40 }, (line) => {
    const reply = parseReplyLine(line);
    if (reply === null) return;
    parsed++;
    assert.ok(Number.isInteger(reply.code) && reply.code >= 100 && reply.code <= 599, line);
    assert.ok(line.startsWith(String(reply.code)), line);
    assert.equal(reply.more, line[3] === "-", line);
    assert.equal(reply.text, line.slice(4), line);
  });
  assert.ok(parsed > 500, `${parsed} parsed`);
});

Deno.test("splitEnhancedCode() fuzz: a code of RFC 3463 shape, and the rest of the text", () => {
  let split = 0;
  const samples = LINES.map((line) => line.slice(4));
  fuzz("splitEnhancedCode", { seed: 0x7e2, count: 3000, samples, maxRandom: 30 }, (text) => {
    const [code, rest] = splitEnhancedCode(text);
    if (code === undefined) {
      assert.equal(rest, text);
      return;
    }
    split++;
    assert.match(code, /^[245]\.\d{1,3}\.\d{1,3}$/);
    assert.ok(text.startsWith(code) && text.endsWith(rest), text);
    assert.equal(text.slice(code.length, text.length - rest.length).trim(), "", text);
  });
  assert.ok(split > 200, `${split} split`);
});

async function readTwo(
  chunks: Uint8Array[],
  options: ReadReplyOptions,
  maxLineBytes: number,
): Promise<Outcome> {
  const reader = new BufferedReader(memoryConn(chunks), { maxLineBytes });
  return await outcome(async (results) => {
    try {
      results.push(await readReply(reader, options));
    } catch (error) {
      if (!(error instanceof LimitError) || error.inStep !== true) throw error;
      results.push(`drained ${error.message}`);
    }
    // The next reply starts where this one ended.
    results.push(await readReply(reader, { enhanced: options.enhanced ?? false }));
  });
}

Deno.test("readReply() fuzz: the same outcome however the bytes arrive", async () => {
  const random = new Random(0x7e3);
  const endings = new Map<string, number>();
  for (const { input, index } of fuzzInputs(0x7e4, 500, REPLIES, 160)) {
    const bytes = latin1Bytes(input);
    const options: ReadReplyOptions = {
      enhanced: random.next() < 0.5,
      maxLines: random.pick([1, 2, 3, 1000]),
      maxBytes: random.pick([10, 40, 100, Infinity]),
      drainBytes: random.pick([0, 0, 30, 4096]),
    };
    const maxLineBytes = random.pick([8, 24, 65536]);
    const expected = await readTwo([bytes], options, maxLineBytes);
    const ending = expected.error ?? `ok ${expected.results.length}`;
    endings.set(ending, (endings.get(ending) ?? 0) + 1);
    for (const [i, reply] of expected.results.entries()) {
      if (typeof reply !== "object") continue;
      const { code, lines, enhancedCode } = reply as Awaited<ReturnType<typeof readReply>>;
      assert.ok(code >= 100 && code <= 599);
      // The second reply is read with the default limits (see readTwo).
      const maxLines = i === 0 ? options.maxLines ?? 1000 : 1000;
      assert.ok(lines.length >= 1 && lines.length <= maxLines);
      if (enhancedCode !== undefined) assert.match(enhancedCode, /^[245]\.\d{1,3}\.\d{1,3}$/);
    }
    for (const chunks of [randomChunks(random, bytes), byteChunks(bytes)]) {
      assert.deepEqual(
        await readTwo(chunks, options, maxLineBytes),
        expected,
        `input ${index} ${JSON.stringify(input)} ${JSON.stringify(options)} ${maxLineBytes}`,
      );
    }
  }
  for (const ending of ["ok 2", "LimitError", "ProtocolError", "ConnectionClosedError"]) {
    assert.ok((endings.get(ending) ?? 0) >= 10, `${ending}: ${JSON.stringify([...endings])}`);
  }
});
