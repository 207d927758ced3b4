// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  BufferedReader,
  ConnectionClosedError,
  LimitError,
  memoryConn,
  ProtocolError,
} from "../../protocols/_core/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += dec.decode(chunk, { stream: true });
  return text;
}

/** Splits `text` into chunks of `size` bytes, to cut lines and dots anywhere. */
function chunked(text: string | Uint8Array, size: number): Uint8Array[] {
  const bytes = typeof text === "string" ? enc.encode(text) : text;
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

Deno.test("BufferedReader.readLine() reads CRLF and bare-LF lines across chunk edges", async () => {
  for (const size of [1, 2, 3, 7, 64]) {
    const reader = new BufferedReader(memoryConn(chunked("one\r\ntwo\nthree\r\n\r\nlast", size)));
    assert.equal(await reader.readLine(), "one");
    assert.equal(await reader.readLine(), "two");
    assert.equal(await reader.readLine(), "three");
    assert.equal(await reader.readLine(), "");
    // A final line without a line end is an unexpected close, not a line.
    await assert.rejects(reader.readLine(), ConnectionClosedError);
  }
});

Deno.test("BufferedReader.readLineOrNull() returns null at a clean end of stream", async () => {
  const reader = new BufferedReader(memoryConn(["a\r\n"]));
  assert.equal(await reader.readLineOrNull(), "a");
  assert.equal(await reader.readLineOrNull(), null);
  assert.equal(reader.atEof, true);
});

Deno.test("BufferedReader.readLine() decodes UTF-8 lines, also when split mid-character", async () => {
  const text = "Grüße, 世界 🎉\r\nascii\r\n";
  for (const size of [1, 2, 5, 100]) {
    const reader = new BufferedReader(memoryConn(chunked(text, size)));
    assert.equal(await reader.readLine(), "Grüße, 世界 🎉");
    assert.equal(await reader.readLine(), "ascii");
  }
});

Deno.test("BufferedReader.readLine() throws LimitError on an over-long line", async () => {
  const reader = new BufferedReader(memoryConn(["x".repeat(100) + "\r\n"]), {
    maxLineBytes: 50,
  });
  await assert.rejects(reader.readLine(), LimitError);
  const endless = new BufferedReader(
    memoryConn((function* () {
      for (;;) yield "y".repeat(1000);
    })()),
    { maxLineBytes: 4096, bufferSize: 1024 },
  );
  await assert.rejects(endless.readLine(), LimitError);
});

Deno.test("BufferedReader.readLine() grows for lines longer than the buffer, up to the limit", async () => {
  const long = "z".repeat(5000);
  const reader = new BufferedReader(memoryConn(chunked(`${long}\r\nnext\r\n`, 700)), {
    bufferSize: 1024,
    maxLineBytes: 8192,
  });
  assert.equal(await reader.readLine(), long);
  assert.equal(await reader.readLine(), "next");
});

Deno.test("BufferedReader rejects bare LF when allowBareLf is false", async () => {
  const reader = new BufferedReader(memoryConn(["ok\r\nbad\n"]), { allowBareLf: false });
  assert.equal(await reader.readLine(), "ok");
  await assert.rejects(reader.readLine(), ProtocolError);
});

Deno.test("BufferedReader.readExact() reads literals byte-exact after lines", async () => {
  const binary = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
  const input = [
    enc.encode("* 1 FETCH {300000}\r\n"),
    ...chunked(binary, 9000),
    enc.encode(")\r\n"),
  ];
  const reader = new BufferedReader(memoryConn(input));
  assert.equal(await reader.readLine(), "* 1 FETCH {300000}");
  assert.deepEqual(await reader.readExact(300_000), binary);
  assert.equal(await reader.readLine(), ")");
  await assert.rejects(
    new BufferedReader(memoryConn(["abc"])).readExact(10),
    ConnectionClosedError,
  );
});

Deno.test("BufferedReader.readChunk() returns owned copies, then null", async () => {
  const reader = new BufferedReader(memoryConn(["line\r\nbody", "more"]));
  assert.equal(await reader.readLine(), "line");
  const first = await reader.readChunk();
  assert.equal(dec.decode(first!), "body");
  assert.equal(dec.decode((await reader.readChunk())!), "more");
  assert.equal(await reader.readChunk(), null);
});

Deno.test("BufferedReader.dotBlock() unstuffs dots and stops at the terminator, at any split", async () => {
  const wire = "+OK\r\nline 1\r\n..dotted\r\n...two\r\nmid.dle\r\n.\r\nNEXT\r\n";
  const body = "line 1\r\n.dotted\r\n..two\r\nmid.dle\r\n";
  for (const size of [1, 2, 3, 4, 5, 8, 13, 1000]) {
    const reader = new BufferedReader(memoryConn(chunked(wire, size)));
    assert.equal(await reader.readLine(), "+OK");
    assert.equal(await readAll(reader.dotBlock()), body, `chunk size ${size}`);
    assert.equal(await reader.readLine(), "NEXT", `chunk size ${size}`);
  }
});

Deno.test("BufferedReader.dotBlock() handles an empty block and a block of only dots", async () => {
  const reader = new BufferedReader(memoryConn([".\r\n..\r\n...\r\n.\r\n"]));
  assert.equal(await readAll(reader.dotBlock()), "");
  assert.equal(await readAll(reader.dotBlock()), ".\r\n..\r\n");
});

Deno.test("BufferedReader.dotBlock() fails on a close before the terminator", async () => {
  const reader = new BufferedReader(memoryConn(["partial\r\nbody"]));
  await assert.rejects(readAll(reader.dotBlock()), ConnectionClosedError);
});

Deno.test("BufferedReader.dotBlock({ endAtEof }) ends at a clean close (Gopher)", async () => {
  const reader = new BufferedReader(memoryConn(["text\r\nmore"]));
  assert.equal(await readAll(reader.dotBlock({ endAtEof: true })), "text\r\nmore");
});

Deno.test("BufferedReader.dotBlock() cancel drains to the terminator and calls onDone", async () => {
  const big = "x".repeat(70) + "\r\n";
  const reader = new BufferedReader(
    memoryConn(chunked(big.repeat(5000) + ".\r\nAFTER\r\n", 4096)),
    { bufferSize: 8192 },
  );
  let done = false;
  let progress = 0;
  const stream = reader.dotBlock({ onDone: () => done = true, onProgress: (n) => progress = n });
  const it = stream.getReader();
  await it.read();
  await it.cancel();
  assert.equal(done, true);
  assert.ok(progress > 0);
  assert.equal(await reader.readLine(), "AFTER");
});

Deno.test("BufferedReader.dotBlock() passes large bodies through byte-exact", async () => {
  let body = "";
  for (let i = 0; i < 20_000; i++) {
    body += (i % 11 === 0 ? "." : "") + `row ${i} ${"-".repeat(i % 90)}\r\n`;
  }
  const stuffed = body.replace(/^\./gm, "..") + ".\r\n";
  const reader = new BufferedReader(memoryConn(chunked(stuffed, 65536)));
  assert.equal(await readAll(reader.dotBlock()), body);
});

Deno.test("BufferedReader finds line ends and UTF-8 at every alignment", async () => {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    lines.push("a".repeat(i % 9) + (i % 3 === 0 ? "é" : "") + "b".repeat(i % 5));
  }
  const text = lines.join("\r\n") + "\r\n";
  for (const size of [1, 3, 4, 5, 17, 4096]) {
    const reader = new BufferedReader(memoryConn(chunked(text, size)));
    const got: string[] = [];
    for (;;) {
      const line = reader.tryReadLine() ?? await reader.readLineOrNull();
      if (line === null) break;
      got.push(line);
    }
    assert.deepEqual(got, lines, `chunk size ${size}`);
  }
});

Deno.test("BufferedReader.dotBlock() cancel during a pending read waits for it, then drains", async () => {
  // A connection that delivers its second half only when asked twice.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const parts = [enc.encode("first\r\n"), enc.encode("second\r\n.\r\nAFTER\r\n")];
  let reads = 0;
  const conn = memoryConn([]);
  conn.read = async (buffer: Uint8Array) => {
    const part = parts[reads++];
    if (!part) return null;
    if (reads === 2) await gate;
    buffer.set(part);
    return part.byteLength;
  };
  const reader = new BufferedReader(conn);
  let done = 0;
  const stream = reader.dotBlock({ onDone: () => done++ });
  const it = stream.getReader();
  assert.equal(dec.decode((await it.read()).value!), "first\r\n");
  const pending = it.read();
  const cancelled = it.cancel();
  release();
  await cancelled;
  await pending;
  assert.equal(done, 1);
  assert.equal(await reader.readLine(), "AFTER");
});
