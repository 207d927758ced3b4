// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  httpBodyFraming,
  HttpLimitError,
  HttpParseError,
  parseHttpChunkSize,
  parseHttpHeaderLine,
  parseHttpResponseHead,
  parseHttpStatusLine,
} from "../../protocols/http/mod.ts";

Deno.test("parseHttpStatusLine() accepts valid lines and rejects the rest", () => {
  const good: [string, number, string, string][] = [
    ["HTTP/1.1 200 OK", 200, "OK", "1.1"],
    ["HTTP/1.0 404 Not Found", 404, "Not Found", "1.0"],
    ["HTTP/1.1 204 ", 204, "", "1.1"],
    ["HTTP/1.1 500", 500, "", "1.1"],
    ["HTTP/1.1 302 Found with spaces ", 302, "Found with spaces ", "1.1"],
    ["HTTP/1.1 200 D\u00e9j\u00e0", 200, "D\u00e9j\u00e0", "1.1"],
  ];
  for (const [line, status, statusText, version] of good) {
    assert.deepEqual(parseHttpStatusLine(line), { status, statusText, version }, line);
  }
  const bad = [
    "HTTP/2 200 OK",
    "HTTP/1.2 200 OK",
    "HTTP/1.1 20 OK",
    "HTTP/1.1 2000 OK",
    "HTTP/1.1 099 Low",
    "HTTP/1.1 600 High",
    "HTTP/1.1  200 OK",
    "http/1.1 200 OK",
    "HTTP/1.1 200OK",
    "ICY 200 OK",
    "HTTP/1.1 200 O\0K",
    "",
  ];
  for (const line of bad) assert.throws(() => parseHttpStatusLine(line), HttpParseError, line);
});

Deno.test("parseHttpHeaderLine() trims OWS and rejects folding, bad names, controls", () => {
  const good: [string, [string, string]][] = [
    ["Content-Type: text/html", ["Content-Type", "text/html"]],
    ["X-Empty:", ["X-Empty", ""]],
    ["X-Tabs:\t a \t", ["X-Tabs", "a"]],
    ["x-odd!#$%&'*+.^_`|~: v", ["x-odd!#$%&'*+.^_`|~", "v"]],
    ["Set-Cookie: a=b; Path=/", ["Set-Cookie", "a=b; Path=/"]],
    ["X-Colon: a:b:c", ["X-Colon", "a:b:c"]],
    ["X-Obs-Text: caf\u00e9", ["X-Obs-Text", "caf\u00e9"]],
  ];
  for (const [line, expected] of good) assert.deepEqual(parseHttpHeaderLine(line), expected, line);
  const bad = [
    " folded: continuation",
    "\tfolded",
    "No-Colon",
    ": no name",
    "Space Name: v",
    "Trailing-Space : v",
    "X-Nul: a\0b",
    "X-Cr: a\rb",
    "X-Ctl: a\x01b",
    "X-Del: a\x7fb",
    "N\u00e4me: v",
  ];
  for (const line of bad) assert.throws(() => parseHttpHeaderLine(line), HttpParseError, line);
});

Deno.test("parseHttpResponseHead() keeps duplicates and enforces limits", () => {
  const head = parseHttpResponseHead(
    "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nVary: x\n\r\n",
  );
  assert.deepEqual(head.headers, [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["Vary", "x"]]);
  const many = "HTTP/1.1 200 OK\r\n" + "A: b\r\n".repeat(101) + "\r\n";
  assert.throws(() => parseHttpResponseHead(many), HttpLimitError);
  assert.equal(parseHttpResponseHead(many, { maxHeaderCount: 200 }).headers.length, 101);
  const big = `HTTP/1.1 200 OK\r\nX: ${"v".repeat(2000)}\r\n\r\n`;
  assert.throws(() => parseHttpResponseHead(big, { maxHeaderBytes: 1024 }), HttpLimitError);
  assert.throws(() => parseHttpResponseHead("HTTP/1.1 200 OK\r\nA: b\r\n"), HttpParseError);
  assert.throws(() => parseHttpResponseHead("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n"), HttpParseError);
});

interface FramingCase {
  title: string;
  head: string;
  method?: string;
  expected?: { kind: string; length?: number; keepAlive?: boolean; codings?: string[] };
  error?: boolean;
}

const framingCases: FramingCase[] = [
  { title: "content-length", head: "Content-Length: 10", expected: { kind: "length", length: 10 } },
  {
    title: "chunked",
    head: "Transfer-Encoding: chunked",
    expected: { kind: "chunked", codings: [] },
  },
  {
    title: "gzip then chunked",
    head: "Transfer-Encoding: gzip, chunked",
    expected: { kind: "chunked", codings: ["gzip"] },
  },
  {
    title: "chunked split over two fields",
    head: "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
    expected: { kind: "chunked", codings: ["gzip"] },
  },
  {
    title: "close-delimited",
    head: "X: y",
    expected: { kind: "close", keepAlive: false },
  },
  {
    title: "identical duplicate lengths",
    head: "Content-Length: 5\r\nContent-Length: 5",
    expected: { kind: "length", length: 5 },
  },
  { title: "list of equal lengths", head: "Content-Length: 5, 5", expected: { kind: "length" } },
  {
    title: "HEAD has no body",
    head: "Content-Length: 99",
    method: "HEAD",
    expected: { kind: "none" },
  },
  { title: "204", head: "HTTP/1.1 204 No Content", expected: { kind: "none" } },
  {
    title: "304",
    head: "HTTP/1.1 304 Not Modified\r\nContent-Length: 9",
    expected: { kind: "none" },
  },
  {
    title: "Connection: close",
    head: "Content-Length: 1\r\nConnection: close",
    expected: { kind: "length", keepAlive: false },
  },
  {
    title: "HTTP/1.0 default close",
    head: "HTTP/1.0 200 OK\r\nContent-Length: 1",
    expected: { kind: "length", keepAlive: false },
  },
  {
    title: "HTTP/1.0 keep-alive",
    head: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: Keep-Alive",
    expected: { kind: "length", keepAlive: true },
  },
  // Smuggling and malformed framing.
  { title: "CL and TE", head: "Content-Length: 5\r\nTransfer-Encoding: chunked", error: true },
  {
    title: "TE and CL on HEAD",
    head: "Transfer-Encoding: chunked\r\nContent-Length: 5",
    method: "HEAD",
    error: true,
  },
  { title: "conflicting CL", head: "Content-Length: 5\r\nContent-Length: 6", error: true },
  { title: "conflicting CL list", head: "Content-Length: 5, 6", error: true },
  { title: "negative CL", head: "Content-Length: -1", error: true },
  { title: "signed CL", head: "Content-Length: +5", error: true },
  { title: "hex CL", head: "Content-Length: 0x10", error: true },
  { title: "empty CL", head: "Content-Length: ", error: true },
  { title: "CL with space inside", head: "Content-Length: 1 0", error: true },
  { title: "huge CL", head: "Content-Length: 99999999999999999999", error: true },
  { title: "TE not ending in chunked", head: "Transfer-Encoding: chunked, gzip", error: true },
  { title: "TE identity", head: "Transfer-Encoding: identity", error: true },
  { title: "TE chunked twice", head: "Transfer-Encoding: chunked, chunked", error: true },
  { title: "TE with bad token", head: 'Transfer-Encoding: "chunked"', error: true },
  { title: "TE in HTTP/1.0", head: "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked", error: true },
];

Deno.test("httpBodyFraming() frames bodies and refuses ambiguous framing", () => {
  for (const c of framingCases) {
    const text = c.head.startsWith("HTTP/") ? c.head : `HTTP/1.1 200 OK\r\n${c.head}`;
    const head = parseHttpResponseHead(`${text}\r\n\r\n`);
    if (c.error) {
      assert.throws(() => httpBodyFraming(head, c.method ?? "GET"), HttpParseError, c.title);
      continue;
    }
    const framing = httpBodyFraming(head, c.method ?? "GET");
    for (const [key, value] of Object.entries(c.expected!)) {
      assert.deepEqual((framing as unknown as Record<string, unknown>)[key], value, c.title);
    }
  }
});

Deno.test("httpBodyFraming() reads Keep-Alive timeout", () => {
  const head = parseHttpResponseHead(
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nKeep-Alive: timeout=5, max=100\r\n\r\n",
  );
  assert.equal(httpBodyFraming(head, "GET").keepAliveTimeoutMs, 5000);
});

Deno.test("parseHttpChunkSize() accepts hex with extensions and rejects the rest", () => {
  const good: [string, number][] = [
    ["0", 0],
    ["a", 10],
    ["FF", 255],
    ["1a;name=value", 26],
    ['1a ; name="quoted;value"', 26],
    ["10;a;b=c", 16],
    ["000000000000000000001", 1],
    ["fffffffffffff", 0xfffffffffffff],
  ];
  for (const [line, size] of good) assert.equal(parseHttpChunkSize(line), size, line);
  const bad = ["", "-1", "+1", "0x10", "g", " 1", "1 2", "ffffffffffffff", ";ext", "1;\0", "1.5"];
  for (const line of bad) assert.throws(() => parseHttpChunkSize(line), HttpParseError, line);
});
