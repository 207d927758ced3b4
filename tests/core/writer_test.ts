// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  bodyChunks,
  concatBytes,
  DotStuffEncoder,
  encodeCommand,
  encodeCommands,
  InvalidArgumentError,
  PortlineError,
  WriteCoalescer,
} from "../../protocols/_core/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function stuff(parts: string[], options = {}): string {
  const encoder = new DotStuffEncoder(options);
  return parts.map((p) => dec.decode(encoder.push(enc.encode(p)))).join("") +
    dec.decode(encoder.end());
}

Deno.test("encodeCommand() rejects CR, LF and NUL (command injection)", () => {
  assert.equal(dec.decode(encodeCommand("MAIL FROM:<a@b>")), "MAIL FROM:<a@b>\r\n");
  for (const bad of ["a\rb", "a\nb", "a\0b", "RCPT TO:<x>\r\nDATA"]) {
    assert.throws(() => encodeCommand(bad), InvalidArgumentError);
    assert.throws(() => encodeCommands(["NOOP", bad]), PortlineError);
  }
  assert.equal(dec.decode(encodeCommands(["A", "B"])), "A\r\nB\r\n");
});

Deno.test("DotStuffEncoder normalises line ends and stuffs dots, across chunk edges", () => {
  const table: [string[], string][] = [
    [["hello"], "hello\r\n.\r\n"],
    [["a\r\nb\r\n"], "a\r\nb\r\n.\r\n"],
    [["a\nb\rc\r\n"], "a\r\nb\r\nc\r\n.\r\n"],
    [[".start\n.\n"], "..start\r\n..\r\n.\r\n"],
    [["a\r", "\nb"], "a\r\nb\r\n.\r\n"],
    [["a\r", ".b"], "a\r\n..b\r\n.\r\n"],
    [["x\n", ".", "\n"], "x\r\n..\r\n.\r\n"],
    // The SMTP smuggling sequence <LF>.<LF> never reaches the wire as an end.
    [["data\n.\nMAIL FROM:<evil>\n"], "data\r\n..\r\nMAIL FROM:<evil>\r\n.\r\n"],
    [["a\r\r\n"], "a\r\n\r\n.\r\n"],
    [[""], ".\r\n"],
  ];
  for (const [parts, expected] of table) {
    assert.equal(stuff(parts), expected, JSON.stringify(parts));
  }
});

Deno.test("DotStuffEncoder({ stuffDots: false }) only normalises (BDAT)", () => {
  assert.equal(stuff([".a\nb"], { stuffDots: false }), ".a\r\nb\r\n");
});

Deno.test("DotStuffEncoder keeps long runs byte-exact", () => {
  const line = "0123456789".repeat(50);
  const text = `${line}\n.${line}\n`;
  assert.equal(stuff([text]), `${line}\r\n..${line}\r\n.\r\n`);
});

Deno.test("bodyChunks() accepts strings, bytes, streams and iterables", async () => {
  const collect = async (source: Parameters<typeof bodyChunks>[0]) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of bodyChunks(source)) parts.push(chunk);
    return dec.decode(concatBytes(parts));
  };
  assert.equal(await collect("héllo"), "héllo");
  assert.equal(await collect(enc.encode("bytes")), "bytes");
  assert.equal(
    await collect(
      new ReadableStream({
        start(c) {
          c.enqueue(enc.encode("a"));
          c.enqueue(enc.encode("b"));
          c.close();
        },
      }),
    ),
    "ab",
  );
  assert.equal(await collect([enc.encode("x"), enc.encode("y")]), "xy");
});

Deno.test("WriteCoalescer gathers small chunks into large writes", async () => {
  const writes: number[] = [];
  const coalescer = new WriteCoalescer((bytes) => {
    writes.push(bytes.byteLength);
    return Promise.resolve();
  }, 1000);
  for (let i = 0; i < 25; i++) await coalescer.push(new Uint8Array(100));
  await coalescer.flush();
  assert.deepEqual(writes, [1000, 1000, 500]);
});
