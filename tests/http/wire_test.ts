// Copyright 2026 the portline authors. MIT license.
// The byte-level response path (head scan on bytes, lazily split fields,
// framing fast path, lent bodies, body source, request-head memo) checked
// against the string parsers of parse.ts and over memory connections.
import assert from "../_assert.ts";
import { DeadlineTimer, memoryConn } from "../../protocols/_core/mod.ts";
import {
  httpBodyFraming,
  HttpConnection,
  type HttpFraming,
  HttpHeadParser,
  HttpInvalidRequestError,
  HttpLimitError,
  HttpParseError,
  type HttpResponseHead,
} from "../../protocols/http/mod.ts";
import { framingOf, scanHead, WireHead } from "../../protocols/http/_head_bytes.ts";

function latin1Bytes(text: string): Uint8Array {
  // A multiple of 4 bytes, as the connection's buffer is (the scan reads words).
  const out = new Uint8Array((text.length + 3) & ~3);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

interface Outcome {
  head?: HttpResponseHead;
  framing?: HttpFraming;
  error?: string;
}

/** The line-at-a-time path the connection used before: HttpHeadParser fed split lines. */
function reference(text: string, method: string, maxBytes?: number, maxCount?: number): Outcome {
  try {
    const parser = new HttpHeadParser({ maxHeaderBytes: maxBytes, maxHeaderCount: maxCount });
    let at = 0;
    for (;;) {
      const lf = text.indexOf("\n", at);
      const line = text.slice(at, lf > at && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
      at = lf + 1;
      if (parser.push(line)) break;
    }
    const head = parser.head();
    return { head, framing: httpBodyFraming(head, method) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

function wire(text: string, method: string, maxBytes = 65536, maxCount = 100): Outcome {
  const bytes = latin1Bytes(text);
  const words = new Int32Array(bytes.buffer);
  try {
    const head = new WireHead(text);
    scanHead(bytes, words, text, 0, text.length, maxBytes, maxCount, head);
    const framing = framingOf(head, method);
    return {
      head: {
        version: head.version,
        status: head.status,
        statusText: head.statusText,
        headers: head.headers,
      },
      framing,
    };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

const fieldLines = [
  "Content-Length: 10",
  "content-length: 0",
  "CONTENT-LENGTH:7",
  "Content-Length: 5, 5",
  "Content-Length: 5",
  "Content-Length: +5",
  "Content-Length: 0x10",
  "Content-Length: ",
  "Content-Length: 99999999999999999999",
  "Content-Length: 1 0",
  "Transfer-Encoding: chunked",
  "transfer-encoding: gzip, chunked",
  "Transfer-Encoding: chunked, gzip",
  "Transfer-Encoding: identity",
  "Connection: close",
  "Connection: keep-alive",
  "connection: Keep-Alive",
  "Connection: upgrade, close",
  "Connection: TE",
  "Keep-Alive: timeout=5, max=100",
  "Server: nginx/1.22.1",
  "X-Empty:",
  "X-Spaces:   a b  \t",
  "X-Tab:\tv",
  "X-Latin1: caf\xe9 \xff",
  "Set-Cookie: a=1; Path=/",
  "Set-Cookie: b=2",
  "Content-Lengthy: 3",
  "Connectionx: close",
  // Malformed ones.
  " folded",
  "\tfolded",
  "No-Colon",
  ": no name",
  "Bad Name: x",
  "Bad(Name): x",
  "X: a\x00b",
  "X: a\x7fb",
  "X: a\rb",
  "X\xe9: v",
];

const statusLines = [
  "HTTP/1.1 200 OK",
  "HTTP/1.1 200",
  "HTTP/1.1 200 ",
  "HTTP/1.0 200 OK",
  "HTTP/1.1 204 No Content",
  "HTTP/1.1 304 Not Modified",
  "HTTP/1.1 404 Not Found",
  "HTTP/1.1 599 Whatever \xe9",
  "HTTP/1.1 103 Early Hints",
  "HTTP/1.1 600 Nope",
  "HTTP/1.1 20 OK",
  "HTTP/2.0 200 OK",
  "HTTP/1.2 200 OK",
  "HTTP/1.1  200 OK",
  "HTTP/1.1 200 O\x01K",
  "",
];

Deno.test("scanHead() + framingOf() agree with HttpHeadParser + httpBodyFraming()", () => {
  // A fixed pseudo-random walk over status lines, field lines, line ends and methods.
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let parsed = 0;
  let refused = 0;
  for (let round = 0; round < 3000; round++) {
    const lf = next(4) === 0 ? "\n" : "\r\n";
    let text = statusLines[next(statusLines.length)]! + lf;
    const count = next(6);
    for (let i = 0; i < count; i++) text += fieldLines[next(fieldLines.length)]! + lf;
    text += lf;
    const method = ["GET", "HEAD", "POST"][next(3)]!;
    const limits: [number?, number?] = next(5) === 0 ? [40, 2] : [];
    const expected = reference(text, method, ...limits);
    const actual = wire(text, method, ...limits);
    assert.deepEqual(actual, expected, JSON.stringify({ text, method, limits }));
    if (expected.error === undefined) parsed++;
    else refused++;
  }
  // Both outcomes well represented.
  assert.ok(parsed > 500 && refused > 500, `${parsed} parsed, ${refused} refused`);
});

Deno.test("scanHead() enforces the byte and field limits like HttpHeadParser", () => {
  const many = "HTTP/1.1 200 OK\r\n" + "A: b\r\n".repeat(101) + "\r\n";
  assert.equal(wire(many, "GET").error, HttpLimitError.name);
  assert.equal(wire(many, "GET", 65536, 200).head!.headers.length, 101);
  const big = `HTTP/1.1 200 OK\r\nX: ${"v".repeat(2000)}\r\n\r\n`;
  assert.equal(wire(big, "GET", 1024).error, HttpLimitError.name);
  assert.equal(wire("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "GET").error, HttpParseError.name);
});

Deno.test("HttpConnection parses heads split at every byte, obs-text kept as latin1", async () => {
  const wire = "HTTP/1.1 200 OK\r\nX-Latin1: caf\xe9\r\nContent-Length: 3\r\nSet-Cookie: a\r\n" +
    "Set-Cookie: b\r\n\r\nabc";
  const raw = latin1Bytes(wire).subarray(0, wire.length);
  for (const chunks of [[raw], [...raw].map((b) => new Uint8Array([b]))]) {
    const http = new HttpConnection(memoryConn(chunks), { host: "h" });
    const response = await http.request();
    assert.deepEqual(response.headers, [
      ["X-Latin1", "caf\xe9"],
      ["Content-Length", "3"],
      ["Set-Cookie", "a"],
      ["Set-Cookie", "b"],
    ]);
    assert.equal(await response.text(), "abc");
    assert.equal(http.idle, true);
  }
});

Deno.test("HttpConnection lends small bodies without a copy; they survive later requests", async () => {
  const responses: string[] = [];
  for (let i = 0; i < 200; i++) {
    const body = String(i).padStart(4, "0").repeat(100);
    responses.push(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  }
  const http = new HttpConnection(memoryConn(responses), { host: "h" });
  const kept: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) kept.push(await (await http.request()).bytes());
  // 200 responses of ~440 bytes went through several read buffers.
  const decoder = new TextDecoder();
  for (let i = 0; i < 200; i++) {
    assert.equal(decoder.decode(kept[i]), String(i).padStart(4, "0").repeat(100));
  }
  assert.equal(http.requestCount, 200);
});

Deno.test("HttpConnection keeps working when a caller detaches a lent body's buffer", async () => {
  const http = new HttpConnection(
    memoryConn([
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ncd",
    ]),
    { host: "h" },
  );
  const first = await (await http.request()).bytes();
  assert.equal(new TextDecoder().decode(first), "ab");
  // A byte stream transfers what is enqueued: the lent view's whole buffer.
  structuredClone(first.buffer, { transfer: [first.buffer as ArrayBuffer] });
  assert.equal(first.byteLength, 0);
  assert.equal(await (await http.request()).text(), "cd");
});

Deno.test("HttpResponse body: BYOB reads, default reads, bytes() and discard() without a stream", async () => {
  const big = "x".repeat(200_000);
  const cases = [
    `HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(100_000).toString(16)}\r\n${
      big.slice(0, 100_000)
    }\r\n${(100_000).toString(16)}\r\n${big.slice(100_000)}\r\n0\r\nT: 1\r\n\r\n`,
  ];
  for (const wire of cases) {
    // BYOB: the caller's buffer is filled in place.
    {
      const chunks = [wire.slice(0, 100), wire.slice(100, 70_000), wire.slice(70_000)];
      const http = new HttpConnection(memoryConn(chunks), { host: "h" });
      const response = await http.request();
      const reader = response.body!.getReader({ mode: "byob" });
      let buffer = new Uint8Array(65536);
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read(buffer);
        buffer = new Uint8Array(value!.buffer);
        if (done) break;
        total += value.byteLength;
      }
      assert.equal(total, big.length);
      assert.equal(http.idle, true);
    }
    // Default reader.
    {
      const http = new HttpConnection(memoryConn([wire.slice(0, 50), wire.slice(50)]), {
        host: "h",
      });
      const response = await http.request();
      let text = "";
      for await (const chunk of response.body!) text += new TextDecoder().decode(chunk);
      assert.equal(text, big);
    }
    // Whole, and thrown away.
    {
      const http = new HttpConnection(memoryConn([wire.slice(0, 50), wire.slice(50), wire]), {
        host: "h",
      });
      const first = await http.request();
      assert.equal(first.completeBody, undefined);
      assert.equal(await first.text(), big);
      await (await http.request()).discard();
      assert.equal(http.requestCount, 2);
      assert.equal(http.idle, true);
    }
  }
});

Deno.test("HttpConnection re-sends remembered heads only while method, target and fields repeat", async () => {
  const ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const mem = memoryConn(Array(6).fill(ok));
  const http = new HttpConnection(mem, { host: "h" });
  await http.request({ target: "/a" });
  await http.request({ target: "/a" });
  await http.request({ target: "/a", headers: [["X", "1"]] });
  await http.request({ target: "/a", headers: [["X", "2"]] });
  await http.request({ target: "/b", headers: { X: "2" } });
  await http.request({ method: "HEAD", target: "/b", headers: [["X", 3 as unknown as string]] });
  assert.deepEqual(mem.written.map((w) => new TextDecoder().decode(w)), [
    "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: h\r\nX: 2\r\n\r\n",
    "GET /b HTTP/1.1\r\nHost: h\r\nX: 2\r\n\r\n",
    "HEAD /b HTTP/1.1\r\nHost: h\r\nX: 3\r\n\r\n",
  ]);
  for (const [name, value] of [["Bad Name", "x"], ["X", "a\x7f"], ["X", "\u0100"], ["", "x"]]) {
    await assert.rejects(
      http.request({ headers: [[name!, value!]] }),
      HttpInvalidRequestError,
      name,
    );
  }
  assert.equal(http.idle, true);
});

Deno.test("HttpConnection holds a watchdog deadline only while an exchange runs", async () => {
  const before = DeadlineTimer.armedCount();
  const conns = [];
  for (let i = 0; i < 3; i++) {
    const http = new HttpConnection(
      memoryConn(["HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n", "x"]),
      { host: "h" },
    );
    const response = await http.request();
    // The body is unread: its idle deadline is armed.
    assert.equal(DeadlineTimer.armedCount(), before + i + 1);
    conns.push({ http, response });
  }
  for (const { response } of conns) await response.bytes();
  // Idle keep-alive connections hold no deadline.
  assert.equal(DeadlineTimer.armedCount(), before);
  for (const { http } of conns) http.close();
  // Not reusable: released closed, with no deadline left either.
  const closing = new HttpConnection(
    memoryConn(["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"]),
    { host: "h" },
  );
  await (await closing.request()).bytes();
  assert.equal(closing.closed, true);
  assert.equal(DeadlineTimer.armedCount(), before);
});
