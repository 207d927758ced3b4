// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of BufferedReader: random byte streams and mutated samples
// run through random sequences of reads, once as one chunk, once cut at
// random points and once a byte per read. The reader is byte-exact, so all
// runs must end the same way, and the same way as a plain reference model
// written from the documented behaviour.
import assert from "../_assert.ts";
import { BufferedReader, memoryConn } from "../../protocols/_core/mod.ts";
import { fuzzInputs, latin1, latin1Bytes, Random, SCALE } from "../_fuzz.ts";
import { byteChunks, type Outcome, outcome, randomChunks } from "./_chunks.ts";

const utf8 = new TextDecoder();

const SAMPLES = [
  "+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n",
  "+OK\r\nFrom: a@b\r\n\r\n..stuffed\r\n.x\r\n.\r\n+OK next\r\n",
  "line one\nline two\r\n.\n..\r\n.\r\n",
  "220 ready\r\n250-mail.example\r\n250 OK\r\n",
  "héllo wörld\r\n\xff\xfe bad utf8 \xc3\r\n.\r\n",
  ".\r\n",
  "..\r\n.\r.\r\n.\r\n",
  "abc",
];

type Op =
  | { kind: "line" | "lineOrNull" | "lineBytes" }
  | { kind: "exact"; n: number }
  | { kind: "skip"; max: number }
  | { kind: "dotBytes"; max: number }
  | { kind: "dotStream"; endAtEof: boolean };

function randomOps(random: Random): Op[] {
  const ops: Op[] = [];
  const count = 1 + random.int(6);
  for (let i = 0; i < count; i++) {
    switch (random.int(7)) {
      case 0:
        ops.push({ kind: "line" });
        break;
      case 1:
        ops.push({ kind: "lineOrNull" });
        break;
      case 2:
        ops.push({ kind: "lineBytes" });
        break;
      case 3:
        ops.push({ kind: "exact", n: random.int(12) });
        break;
      case 4:
        ops.push({ kind: "skip", max: 1 + random.int(40) });
        break;
      case 5:
        ops.push({ kind: "dotBytes", max: random.pick([0, 3, 16, 64, Infinity]) });
        break;
      default:
        ops.push({ kind: "dotStream", endAtEof: random.next() < 0.3 });
    }
  }
  return ops;
}

interface Limits {
  maxLineBytes: number;
  allowBareLf: boolean;
  bufferSize: number;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += latin1(chunk);
  return text;
}

/** Runs `ops` on a reader over `chunks`. */
function runReader(chunks: Uint8Array[], ops: Op[], limits: Limits): Promise<Outcome> {
  const reader = new BufferedReader(memoryConn(chunks), limits);
  return outcome(async (results) => {
    for (const op of ops) {
      switch (op.kind) {
        case "line":
          results.push(await reader.readLine());
          break;
        case "lineOrNull":
          results.push(await reader.readLineOrNull());
          break;
        case "lineBytes": {
          const bytes = await reader.readLineBytesOrNull();
          results.push(bytes === null ? null : latin1(bytes));
          break;
        }
        case "exact":
          results.push(latin1(await reader.readExact(op.n)));
          break;
        case "skip":
          // The head depends on what was buffered; the count does not.
          results.push((await reader.skipLine(op.max)).bytes);
          break;
        case "dotBytes":
          results.push(latin1(await reader.readDotBlockBytes({ maxBytes: op.max })));
          break;
        case "dotStream":
          results.push(await collect(reader.dotBlock({ endAtEof: op.endAtEof })));
          break;
      }
    }
  });
}

/** The reference: the documented behaviour over the whole input, plainly. */
function runModel(input: Uint8Array, ops: Op[], limits: Limits): Outcome {
  const results: unknown[] = [];
  let pos = 0;
  const fail = (error: string): Outcome => ({ results, error });
  const lf = (from: number) => input.indexOf(10, from);
  for (const op of ops) {
    const rest = input.byteLength - pos;
    if (op.kind === "line" || op.kind === "lineOrNull" || op.kind === "lineBytes") {
      const at = lf(pos);
      if (at === -1) {
        if (rest >= limits.maxLineBytes) return fail("LimitError");
        if (rest > 0 || op.kind === "line") return fail("ConnectionClosedError");
        results.push(null);
        continue;
      }
      if (at - pos + 1 > limits.maxLineBytes) return fail("LimitError");
      const cr = at > pos && input[at - 1] === 13;
      if (!cr && !limits.allowBareLf) return fail("ProtocolError");
      const bytes = input.subarray(pos, cr ? at - 1 : at);
      results.push(op.kind === "lineBytes" ? latin1(bytes) : utf8.decode(bytes));
      pos = at + 1;
    } else if (op.kind === "exact") {
      if (rest < op.n) return fail("ConnectionClosedError");
      results.push(latin1(input.subarray(pos, pos + op.n)));
      pos += op.n;
    } else if (op.kind === "skip") {
      if (rest === 0) return fail("ConnectionClosedError");
      const at = lf(pos);
      const bytes = at === -1 ? rest : at - pos + 1;
      if (bytes > op.max) return fail("LimitError");
      if (at === -1) return fail("ConnectionClosedError");
      results.push(bytes);
      pos = at + 1;
    } else {
      // A dot block: lines up to "." alone; a leading dot is dropped.
      let out = "";
      let ended = false;
      while (pos < input.byteLength) {
        const at = lf(pos);
        const end = at === -1 ? input.byteLength : at + 1;
        const line = latin1(input.subarray(pos, end));
        if (line === ".\r\n" || (line === ".\n" && limits.allowBareLf)) {
          pos = end;
          ended = true;
          break;
        }
        if (at === -1 && (line === "." || line === ".\r")) {
          // Held back at the end of the stream: it might have been the end.
          if (op.kind === "dotStream" && op.endAtEof) out += line;
          else if (op.kind === "dotBytes" && out.length > op.max) return fail("LimitError");
          pos = end;
          break;
        }
        out += line.startsWith(".") ? line.slice(1) : line;
        pos = end;
      }
      if (op.kind === "dotBytes" && out.length > op.max) return fail("LimitError");
      if (!ended && !(op.kind === "dotStream" && op.endAtEof)) {
        return fail("ConnectionClosedError");
      }
      results.push(out);
    }
  }
  return { results };
}

Deno.test("BufferedReader fuzz: every chunking ends like the reference model", async () => {
  const random = new Random(0x5eed01);
  let compared = 0;
  const endings = new Map<string, number>();
  for (const { input, index } of fuzzInputs(0xb0f, 600, SAMPLES, 120)) {
    const bytes = latin1Bytes(input);
    const ops = randomOps(random);
    const limits: Limits = {
      maxLineBytes: random.pick([4, 9, 16, 80, 65536]),
      allowBareLf: random.next() < 0.5,
      bufferSize: random.pick([4, 7, 64, 65536]),
    };
    const expected = runModel(bytes, ops, limits);
    const ending = expected.error ?? "ok";
    endings.set(ending, (endings.get(ending) ?? 0) + 1);
    const runs = [[bytes], randomChunks(random, bytes), byteChunks(bytes)];
    for (const chunks of runs) {
      let got: Outcome;
      try {
        got = await runReader(chunks.filter((c) => c.byteLength > 0), ops, limits);
      } catch (error) {
        throw new Error(`input ${index} ${JSON.stringify(input)} threw ${error}`, {
          cause: error,
        });
      }
      assert.deepEqual(
        got,
        expected,
        `input ${index} ${JSON.stringify(input)} ops ${JSON.stringify(ops)} limits ${
          JSON.stringify(limits)
        } chunks ${chunks.map((c) => c.byteLength)}`,
      );
      compared++;
    }
  }
  assert.equal(compared, 1800 * SCALE);
  // Not vacuous: every way a read can end came up many times.
  for (const ending of ["ok", "LimitError", "ConnectionClosedError", "ProtocolError"]) {
    assert.ok((endings.get(ending) ?? 0) >= 20, `${ending}: ${JSON.stringify([...endings])}`);
  }
});

Deno.test("BufferedReader fuzz: readChunk() returns every byte once, in order", async () => {
  const random = new Random(0xc4c);
  for (const { input } of fuzzInputs(0xc4d, 200, SAMPLES, 300)) {
    const bytes = latin1Bytes(input);
    const reader = new BufferedReader(memoryConn(randomChunks(random, bytes)), {
      bufferSize: random.pick([3, 16, 4096]),
    });
    // Some bytes first, so that buffered bytes are handed out too.
    let text = latin1(await reader.readExact(random.int(bytes.byteLength + 1)));
    for (;;) {
      const max = 1 + random.int(20);
      const chunk = await reader.readChunk(max);
      if (chunk === null) break;
      assert.ok(chunk.byteLength >= 1 && chunk.byteLength <= max);
      text += latin1(chunk);
    }
    assert.equal(text, latin1(bytes));
    assert.equal(await reader.readChunk(), null);
  }
});
