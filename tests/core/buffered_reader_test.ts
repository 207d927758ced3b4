// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  BufferedReader,
  ConnectionClosedError,
  LimitError,
  memoryConn,
  ProtocolError,
  TimeoutError,
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

// readDotBlockBytes(): the whole-block read without a stream.

/** Dot-stuffs LF- or CRLF-ended `body` and adds the terminator. */
function stuffBlock(body: string): string {
  // Only a dot after LF starts a line (a lone CR does not end one).
  return body.replace(/(^|\n)\./g, "$1..") + ".\r\n";
}

Deno.test("BufferedReader.readDotBlockBytes() unstuffs at every chunk size, then reads on", async () => {
  const body = "line 1\r\n..dotted\r\n...two\r\nmid.dle\r\n.\r\n. \r\n.x\r\nend.\r\n.";
  const wire = "+OK 99 octets\r\n" + stuffBlock(body + "\r\n") +
    "+OK next\r\nT\r\n.\r\n";
  const bytes = enc.encode(wire);
  for (let size = 1; size <= bytes.byteLength; size++) {
    const reader = new BufferedReader(memoryConn(chunked(bytes, size)));
    assert.equal(await reader.readLine(), "+OK 99 octets");
    assert.equal(
      dec.decode(await reader.readDotBlockBytes()),
      body + "\r\n",
      `chunk size ${size}`,
    );
    assert.equal(await reader.readLine(), "+OK next", `chunk size ${size}`);
    assert.equal(
      dec.decode(await reader.readDotBlockBytes()),
      "T\r\n",
      `chunk size ${size}`,
    );
    assert.equal(await reader.readLineOrNull(), null);
  }
});

Deno.test("BufferedReader.readDotBlockBytes() handles empty blocks, only dots and bare LF", async () => {
  const reader = new BufferedReader(
    memoryConn([".\r\n..\r\n...\r\n.\r\n...\n.\nA\r\n"]),
  );
  assert.equal((await reader.readDotBlockBytes()).byteLength, 0);
  assert.equal(dec.decode(await reader.readDotBlockBytes()), ".\r\n..\r\n");
  assert.equal(dec.decode(await reader.readDotBlockBytes()), "..\n");
  assert.equal(await reader.readLine(), "A");
  // Without bare-LF tolerance ".\n" is a stuffed dot, not the end.
  const strict = new BufferedReader(memoryConn(["a\n.\nb\r\n.\r\n"]), {
    allowBareLf: false,
  });
  assert.equal(dec.decode(await strict.readDotBlockBytes()), "a\n\nb\r\n");
});

Deno.test("BufferedReader.readDotBlockBytes() matches dotBlock() byte for byte on random blocks", async () => {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 30; round++) {
    const lines: string[] = [];
    const count = 1 + Math.floor(random() * 400);
    for (let i = 0; i < count; i++) {
      let line = "";
      const length = Math.floor(random() * 120);
      for (let k = 0; k < length; k++) {
        const r = random();
        line += r < 0.1 ? "." : r < 0.12 ? "é" : r < 0.13 ? "\r" : "abcdefgh"[k % 8];
      }
      lines.push(line);
    }
    const body = lines.join("\r\n") + "\r\n";
    const wire = enc.encode(stuffBlock(body) + "NEXT\r\n" + stuffBlock(body));
    const size = 1 + Math.floor(random() * 3000);
    const bufferSize = [64, 256, 4096, 65536][round % 4]!;
    const reader = new BufferedReader(memoryConn(chunked(wire, size)), {
      bufferSize,
    });
    const whole = await reader.readDotBlockBytes();
    assert.equal(await reader.readLine(), "NEXT", `round ${round}`);
    const streamed = new Uint8Array(
      await new Response(reader.dotBlock()).arrayBuffer(),
    );
    assert.deepEqual(whole, enc.encode(body), `round ${round}`);
    assert.deepEqual(streamed, whole, `round ${round}`);
  }
});

Deno.test("BufferedReader.readDotBlockBytes() returns a block larger than the buffer whole", async () => {
  const binary = new Uint8Array(300_000).map((_, i) => i % 97 === 0 ? 10 : (i * 7) & 0xff);
  // Stuff: a dot after an LF is doubled; then the terminator.
  const parts: number[] = [];
  binary.forEach((b, i) => {
    if (b === 46 && (i === 0 || binary[i - 1] === 10)) parts.push(46);
    parts.push(b);
  });
  const wire = new Uint8Array([
    ...parts,
    13,
    10,
    46,
    13,
    10,
    ...enc.encode("AFTER\r\n"),
  ]);
  const progress: number[] = [];
  const reader = new BufferedReader(memoryConn(chunked(wire, 7000)), {
    bufferSize: 8192,
  });
  const got = await reader.readDotBlockBytes({
    onProgress: (n) => progress.push(n),
  });
  assert.deepEqual(got, new Uint8Array([...binary, 13, 10]));
  assert.ok(progress.length > 1);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.equal(progress.at(-1), got.byteLength);
  assert.equal(await reader.readLine(), "AFTER");
});

Deno.test("BufferedReader.readDotBlockBytes({ maxBytes }) throws LimitError past the limit", async () => {
  const body = "x".repeat(98) + "\r\n";
  const exact = new BufferedReader(memoryConn([stuffBlock(body)]));
  assert.equal(
    (await exact.readDotBlockBytes({ maxBytes: 100 })).byteLength,
    100,
  );
  const over = new BufferedReader(memoryConn([stuffBlock(body)]));
  await assert.rejects(over.readDotBlockBytes({ maxBytes: 99 }), LimitError);
  // An endless block stops at the limit, not at memory exhaustion.
  let served = 0;
  const endless = new BufferedReader(
    memoryConn((function* () {
      for (;;) {
        served += 4096;
        yield "y".repeat(4094) + "\r\n";
      }
    })()),
    { bufferSize: 4096 },
  );
  await assert.rejects(
    endless.readDotBlockBytes({ maxBytes: 1_000_000 }),
    LimitError,
  );
  assert.ok(served < 1_100_000);
});

Deno.test("BufferedReader.readDotBlockBytes() fails on a close before the terminator", async () => {
  for (
    const wire of [
      "partial\r\nbody",
      "body\r\n.",
      "body\r\n.\r",
      "body\r\n..\r\n",
      "",
    ]
  ) {
    for (const size of [1, 3, 100]) {
      const reader = new BufferedReader(memoryConn(chunked(wire, size)));
      await assert.rejects(
        reader.readDotBlockBytes(),
        ConnectionClosedError,
        JSON.stringify(wire),
      );
    }
  }
});

Deno.test("BufferedReader decodes a status line after a large block, and lines after reads of bytes", async () => {
  // The text cache must never serve bytes of an earlier read or a moved buffer.
  const body = "b".repeat(5000) + "\r\n";
  const wire = [
    "+OK first ü\r\n",
    stuffBlock(body),
    "+OK second é\r\n",
    "12345",
    "line after exact\r\n",
    stuffBlock("é\r\n"),
    "+OK last\r\n",
  ].join("");
  for (const size of [1, 2, 7, 64, 1000, 100_000]) {
    for (const bufferSize of [16, 1024, 65536]) {
      const reader = new BufferedReader(memoryConn(chunked(wire, size)), {
        bufferSize,
      });
      const label = `chunk ${size}, buffer ${bufferSize}`;
      assert.equal(await reader.readLine(), "+OK first ü", label);
      assert.equal(
        (await reader.readDotBlockBytes()).byteLength,
        body.length,
        label,
      );
      assert.equal(await reader.readLine(), "+OK second é", label);
      assert.equal(dec.decode(await reader.readExact(5)), "12345", label);
      assert.equal(await reader.readLine(), "line after exact", label);
      assert.equal(
        dec.decode(await reader.readDotBlockBytes()),
        "é\r\n",
        label,
      );
      assert.equal(await reader.readLine(), "+OK last", label);
    }
  }
});

Deno.test("BufferedReader keeps decoded text right across compaction and growth", async () => {
  // Runs of lines long enough for the bulk decode window to grow, with
  // UTF-8 lines here and there, through small buffers that compact and grow.
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const pad = "abcdefghij".repeat(i % 13);
    lines.push(
      i % 37 === 0 ? `${i} Grüße ${pad}` : i % 501 === 0 ? "x".repeat(3000) : `${i} ${pad}`,
    );
  }
  const text = lines.join("\r\n") + "\r\n";
  for (
    const [size, bufferSize] of [[1000, 1024], [333, 4096], [65536, 65536], [
      7,
      64,
    ]]
  ) {
    const reader = new BufferedReader(memoryConn(chunked(text, size!)), {
      bufferSize,
    });
    const got: string[] = [];
    for (;;) {
      const line = reader.tryReadLine() ?? await reader.readLineOrNull();
      if (line === null) break;
      got.push(line);
    }
    assert.deepEqual(got, lines, `chunk ${size}, buffer ${bufferSize}`);
  }
});

// The reader bounds each read with one reusable timer.

/** A connection whose reads answer from `script`: text after a delay, or never. */
function slowConn(script: (string | number | "never")[]) {
  const conn = memoryConn([]);
  let closed = false;
  let wake: (() => void) | undefined;
  let step = 0;
  conn.read = async (buffer: Uint8Array) => {
    for (;;) {
      if (closed) return null;
      const item = script[step++];
      if (item === undefined) return null;
      if (item === "never") {
        await new Promise<void>((resolve) => wake = resolve);
        return null;
      }
      if (typeof item === "number") {
        await new Promise((resolve) => setTimeout(resolve, item));
        continue;
      }
      const bytes = enc.encode(item);
      buffer.set(bytes);
      return bytes.byteLength;
    }
  };
  conn.close = () => {
    closed = true;
    wake?.();
  };
  return { conn, closed: () => closed };
}

Deno.test("BufferedReader deadline: each read is bounded, not the sum of reads", async () => {
  // Five reads of 25 ms each: 125 ms in all, each well inside 400 ms.
  const { conn, closed } = slowConn([
    25,
    "a",
    25,
    "b",
    25,
    "c",
    25,
    "d",
    25,
    "\r\n",
  ]);
  const reader = new BufferedReader(conn);
  reader.deadline = { timeoutMs: 400 };
  assert.equal(await reader.readLine(), "abcd");
  assert.equal(closed(), false);
});

Deno.test("BufferedReader deadline: the timer re-arms after firing idle, and closes on expiry", async () => {
  const { conn, closed } = slowConn(["first\r\n", "never"]);
  const reader = new BufferedReader(conn);
  reader.deadline = { timeoutMs: 30 };
  assert.equal(await reader.readLine(), "first");
  // Let the timer fire with no read pending: that must not close anything.
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(closed(), false);
  await assert.rejects(reader.readLine(), (error: unknown) => {
    assert.ok(error instanceof TimeoutError);
    assert.match(error.message, /no answer within 30 ms/);
    return true;
  });
  assert.equal(closed(), true);
});

Deno.test("BufferedReader deadline: a changed timeout and an abort signal still apply", async () => {
  const first = slowConn(["x\r\n", "never"]);
  const reader = new BufferedReader(first.conn);
  reader.deadline = { timeoutMs: 60_000 };
  assert.equal(await reader.readLine(), "x");
  reader.deadline = { timeoutMs: 20 };
  await assert.rejects(reader.readLine(), TimeoutError);
  assert.equal(first.closed(), true);

  const second = slowConn(["never"]);
  const aborted = new BufferedReader(second.conn);
  const controller = new AbortController();
  aborted.deadline = { timeoutMs: 60_000, signal: controller.signal };
  const reading = aborted.readLine();
  controller.abort(new Error("stop"));
  await assert.rejects(reading, /stop/);
  assert.equal(second.closed(), true);
});
