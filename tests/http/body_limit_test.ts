// Copyright 2026 the portline authors. MIT license.
// Bounded body reads: `HttpResponse.bytes({ maxBytes })` / `text({ maxBytes })`,
// `httpFetch(…, { maxBodyBytes })` and `decodeHttpBody(…, { maxBytes })`,
// decompression bombs included.
import assert from "../_assert.ts";
import { brotliCompressSync, constants } from "node:zlib";
import { InvalidArgumentError, memoryConn } from "../../protocols/_core/mod.ts";
import {
  decodeHttpBody,
  HttpAgent,
  HttpConnection,
  httpFetch,
  HttpLimitError,
  HttpParseError,
  HttpPrematureCloseError,
  HttpTestServer,
} from "../../protocols/http/mod.ts";

const KIB = 1024;
const MIB = 1024 * KIB;

/** A memory connection that counts how many of its chunks were read. */
function countedConn(chunks: (string | Uint8Array)[]): {
  http: HttpConnection;
  pulled: () => number;
} {
  let pulled = 0;
  function* generate(): Generator<string | Uint8Array> {
    for (const chunk of chunks) {
      pulled++;
      yield chunk;
    }
  }
  return {
    http: new HttpConnection(memoryConn(generate()), { host: "example.org" }),
    pulled: () => pulled,
  };
}

/** `total` zero bytes gzipped, fed 1 MiB at a time (never all in memory). */
async function gzipZeros(total: number): Promise<Uint8Array> {
  const gzip = new CompressionStream("gzip");
  const writer = gzip.writable.getWriter();
  const zeros = new Uint8Array(MIB);
  const written = (async () => {
    for (let at = 0; at < total; at += zeros.byteLength) await writer.write(zeros);
    await writer.close();
  })();
  const bytes = new Uint8Array(await new Response(gzip.readable).arrayBuffer());
  await written;
  return bytes;
}

/** A stream of one piece: the bytes (copied). */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes));
      controller.close();
    },
  });
}

/** Reads a stream to its end or error: bytes delivered, largest piece, the error. */
async function drain(
  stream: ReadableStream<Uint8Array>,
): Promise<{ delivered: number; largest: number; error: unknown }> {
  const reader = stream.getReader();
  let delivered = 0;
  let largest = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { delivered, largest, error: undefined };
      delivered += value.byteLength;
      largest = Math.max(largest, value.byteLength);
    }
  } catch (error) {
    return { delivered, largest, error };
  }
}

/**
 * Waits (boundedly) until no connection of the agent is busy: a body that
 * failed its limit closes its connection once the cancel reaches it (or, when
 * the whole encoded body had been read off the wire, hands it back idle).
 */
async function settled(agent: HttpAgent): Promise<void> {
  for (let i = 0; i < 200 && agent.stats.open > agent.stats.idle; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("HttpResponse.bytes() and text() fail on a Content-Length over maxBytes before reading the body", async () => {
  for (const read of ["bytes", "text"] as const) {
    const { http, pulled } = countedConn([
      "HTTP/1.1 200 OK\r\nContent-Length: 30000\r\n\r\n",
      "x".repeat(10000),
      "x".repeat(10000),
      "x".repeat(10000),
    ]);
    const response = await http.request();
    assert.equal(pulled(), 1);
    const reading = read === "bytes"
      ? response.bytes({ maxBytes: 29999 })
      : response.text({ maxBytes: 29999 });
    await assert.rejects(reading, (error: unknown) => {
      assert.ok(error instanceof HttpLimitError);
      assert.match(error.message, /^Cannot read the response body: larger than 29999 bytes/);
      return true;
    });
    // Not one body byte was read, and the unread body went with the connection.
    assert.equal(pulled(), 1);
    assert.equal(http.closed, true);
  }
});

Deno.test("HttpResponse.bytes() fails on a whole small body over maxBytes, keeping the connection", async () => {
  const { http } = countedConn([
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nworld",
  ]);
  const first = await http.request();
  await assert.rejects(first.text({ maxBytes: 4 }), HttpLimitError);
  // The body had arrived whole with its head: nothing unread, the connection goes on.
  assert.equal(http.idle, true);
  assert.equal(await (await http.request()).text({ maxBytes: 5 }), "world");
});

Deno.test("HttpResponse.bytes() stops a chunked body at the first read past maxBytes", async () => {
  const frames = Array.from({ length: 100 }, (_, i) => `a\r\n${String(i % 10).repeat(10)}\r\n`);
  const { http, pulled } = countedConn([
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    ...frames,
    "0\r\n\r\n",
  ]);
  const response = await http.request();
  await assert.rejects(response.bytes({ maxBytes: 25 }), HttpLimitError);
  // The head, three 10-byte chunks (30 > 25), and no further.
  assert.ok(pulled() <= 5, `read ${pulled()} pieces`);
  assert.equal(http.closed, true);
});

Deno.test("HttpResponse.bytes() bounds a transfer-coded (gzip) bomb", async () => {
  const bomb = await gzipZeros(64 * MIB);
  const encoder = new TextEncoder();
  const wire = () => [
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    encoder.encode(`${bomb.byteLength.toString(16)}\r\n`),
    bomb,
    "\r\n0\r\n\r\n",
  ];
  const { http } = countedConn(wire());
  const response = await http.request();
  await assert.rejects(response.bytes({ maxBytes: MIB }), HttpLimitError);
  assert.equal(http.closed, true);
  // Transfer codings are decoded in small pieces, whatever the read size.
  const other = countedConn(wire()).http;
  const reader = (await other.request()).body!.getReader();
  const first = await reader.read();
  assert.ok(first.value !== undefined && first.value.byteLength <= 64 * KIB);
  await reader.cancel();
  assert.equal(other.closed, true);
});

Deno.test("HttpResponse.bytes() limits are inclusive for Content-Length, chunked and close-delimited bodies", async () => {
  await using server = await HttpTestServer.start();
  const body = "0123456789".repeat(10_000);
  server.route("GET", "/length", () => ({ body }));
  server.route("GET", "/chunked", () => ({ body, chunked: 7_000 }));
  server.route("GET", "/close", () => ({ body, noContentLength: true }));
  for (const path of ["/length", "/chunked", "/close"]) {
    {
      await using conn = await HttpConnection.connect({
        hostname: "127.0.0.1",
        port: server.port,
      });
      const response = await conn.request({ target: path });
      assert.equal(await response.text({ maxBytes: body.length }), body, path);
    }
    {
      await using conn = await HttpConnection.connect({
        hostname: "127.0.0.1",
        port: server.port,
      });
      const response = await conn.request({ target: path });
      await assert.rejects(response.bytes({ maxBytes: body.length - 1 }), HttpLimitError, path);
      assert.equal(conn.closed, true, path);
    }
  }
});

Deno.test("HttpResponse.bytes() over maxBytes closes the agent's connection; the next request gets a fresh one", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/big", () => ({ body: "y".repeat(300_000), chunked: 16_384 }));
  server.route("GET", "/small", () => ({ body: "small" }));
  await using agent = new HttpAgent({ proxy: null });
  const big = await agent.request(new URL(`${server.url}big`), { method: "GET", headers: [] });
  await assert.rejects(big.bytes({ maxBytes: 100_000 }), HttpLimitError);
  assert.equal(agent.stats.open, 0);
  const small = await agent.request(new URL(`${server.url}small`), {
    method: "GET",
    headers: [],
  });
  assert.equal(await small.text({ maxBytes: 5 }), "small");
  assert.equal(agent.stats.connections, 2);
  assert.equal(server.connectionCount, 2);
});

Deno.test("maxBytes and maxBodyBytes must be non-negative integers", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "intact", chunked: 3 }));
  await using agent = new HttpAgent({ proxy: null });
  const invalid = [-1, 1.5, NaN, Infinity, 2 ** 53, "10", null];
  await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
  const response = await conn.request();
  for (const value of invalid) {
    const maxBytes = value as number;
    await assert.rejects(response.bytes({ maxBytes }), InvalidArgumentError, String(value));
    await assert.rejects(response.text({ maxBytes }), InvalidArgumentError, String(value));
    await assert.rejects(
      decodeHttpBody(new Blob(["x"]).stream(), ["gzip"], { maxBytes }),
      InvalidArgumentError,
      String(value),
    );
    await assert.rejects(
      httpFetch(server.url, { agent, maxBodyBytes: maxBytes }),
      InvalidArgumentError,
      String(value),
    );
  }
  // Refused before anything was read or sent.
  assert.equal(await response.text({ maxBytes: 6 }), "intact");
  assert.equal(server.requests.length, 1);
});

Deno.test("httpFetch() with maxBodyBytes errors a gzip bomb's body with HttpLimitError without buffering it", async () => {
  // 64 MiB of zeros in about 64 KiB.
  const bomb = await gzipZeros(64 * MIB);
  assert.ok(bomb.byteLength < 256 * KIB);
  await using server = await HttpTestServer.start();
  server.route("GET", "/bomb", () => ({ body: bomb, headers: { "Content-Encoding": "gzip" } }));
  // The same bomb in 16 KiB writes 50 ms apart: most of it is still on the
  // way when the limit is passed.
  server.route("GET", "/slow-bomb", () => ({
    body: bomb,
    headers: { "Content-Encoding": "gzip" },
    splitWrites: 16 * KIB,
    pauseMs: 50,
  }));
  server.route("GET", "/next", () => ({ body: "still fine", encoding: "gzip" }));
  await using agent = new HttpAgent({ proxy: null });
  const limit = MIB;
  const response = await httpFetch(`${server.url}bomb`, { agent, maxBodyBytes: limit });
  assert.equal(response.status, 200);
  const { delivered, largest, error } = await drain(response.body!);
  assert.ok(error instanceof HttpLimitError, String(error));
  assert.match(error.message, /larger than 1048576 bytes decoded from gzip/);
  // Nothing past the limit was handed out, and up to it came in pieces of
  // at most 64 KiB: the decoder never expanded a whole network read at once
  // (a 16 KiB read of this body is 16 MiB decoded).
  assert.ok(delivered <= limit + 64 * KIB, `delivered ${delivered}`);
  assert.ok(delivered <= limit, `delivered ${delivered}`);
  assert.ok(delivered > limit - 64 * KIB, `delivered ${delivered}`);
  assert.ok(largest <= 64 * KIB, `largest piece ${largest}`);
  // `arrayBuffer()` fails the same way.
  const again = await httpFetch(`${server.url}bomb`, { agent, maxBodyBytes: limit });
  await assert.rejects(again.arrayBuffer(), HttpLimitError);
  // No connection was left busy with unread bytes (Deno reads this body in
  // 16 KiB pieces: both were closed; Node may read all 64 KiB of it at once,
  // and a connection whose body was read to its end is clean and pooled).
  await settled(agent);
  assert.equal(agent.stats.open, agent.stats.idle);
  // With bytes still unread, the connection is closed, not pooled.
  const slow = await httpFetch(`${server.url}slow-bomb`, { agent, maxBodyBytes: limit });
  const connections = server.connectionCount;
  assert.ok((await drain(slow.body!)).error instanceof HttpLimitError);
  await settled(agent);
  assert.equal(agent.stats.open, 0);
  // The host still works on the same agent, and the answer is the right one.
  const next = await httpFetch(`${server.url}next`, { agent, maxBodyBytes: limit });
  assert.equal(await next.text(), "still fine");
  assert.equal(server.connectionCount, connections + 1);
  assert.equal(agent.stats.open, 1);
  assert.equal(agent.stats.idle, 1);
});

Deno.test("httpFetch() with maxBodyBytes bounds deflate, raw deflate and br bodies too", async () => {
  await using server = await HttpTestServer.start();
  const zeros = new Uint8Array(MIB);
  for (const encoding of ["deflate", "deflate-raw", "br"] as const) {
    server.route("GET", `/${encoding}`, () => ({ body: zeros, encoding }));
  }
  await using agent = new HttpAgent({ proxy: null });
  for (const encoding of ["deflate", "deflate-raw", "br"] as const) {
    const url = `${server.url}${encoding}`;
    const fits = await httpFetch(url, { agent, maxBodyBytes: MIB });
    assert.equal((await fits.arrayBuffer()).byteLength, MIB, encoding);
    const over = await httpFetch(url, { agent, maxBodyBytes: MIB - 1 });
    const { delivered, error } = await drain(over.body!);
    assert.ok(error instanceof HttpLimitError, `${encoding}: ${error}`);
    assert.ok(delivered <= MIB - 1, `${encoding}: delivered ${delivered}`);
  }
  // Failures still come through the streaming decoders: truncated, corrupt.
  server.route(
    "GET",
    "/truncated",
    () => ({ body: zeros, encoding: "gzip", closeAfterBytes: 600 }),
  );
  server.route("GET", "/corrupt", () => ({
    body: "not gzip at all",
    headers: { "Content-Encoding": "gzip" },
  }));
  const truncated = await httpFetch(`${server.url}truncated`, { agent, maxBodyBytes: MIB });
  await assert.rejects(truncated.arrayBuffer(), HttpPrematureCloseError);
  const corrupt = await httpFetch(`${server.url}corrupt`, { agent, maxBodyBytes: MIB });
  await assert.rejects(corrupt.arrayBuffer(), HttpParseError);
});

Deno.test("httpFetch() with maxBodyBytes fails at once on a Content-Length over it, else counts the body", async () => {
  await using server = await HttpTestServer.start();
  const body = "z".repeat(100_000);
  server.route("GET", "/length", () => ({ body }));
  server.route("GET", "/small", () => ({ body: "0123456789" }));
  server.route("GET", "/gzip", () => ({ body, encoding: "gzip" }));
  server.route("GET", "/chunked", () => ({ body, chunked: 10_000 }));
  server.route("GET", "/close", () => ({ body, noContentLength: true }));
  await using agent = new HttpAgent({ proxy: null });
  // Declared lengths over the limit: httpFetch itself rejects.
  await assert.rejects(
    httpFetch(`${server.url}length`, { agent, maxBodyBytes: 99_999 }),
    HttpLimitError,
  );
  await assert.rejects(
    httpFetch(`${server.url}small`, { agent, maxBodyBytes: 9 }),
    HttpLimitError,
  );
  await assert.rejects(
    httpFetch(`${server.url}gzip`, { agent, maxBodyBytes: 10, decompress: false }),
    HttpLimitError,
  );
  // At the limit: read whole.
  for (const path of ["length", "small", "gzip", "chunked", "close"]) {
    const size = path === "small" ? 10 : 100_000;
    const response = await httpFetch(`${server.url}${path}`, { agent, maxBodyBytes: size });
    assert.equal((await response.arrayBuffer()).byteLength, size, path);
  }
  // Bodies without a usable length: the stream errors past the limit.
  for (const path of ["gzip", "chunked", "close"]) {
    const response = await httpFetch(`${server.url}${path}`, { agent, maxBodyBytes: 99_999 });
    const { delivered, error } = await drain(response.body!);
    assert.ok(error instanceof HttpLimitError, `${path}: ${error}`);
    assert.ok(delivered <= 99_999, `${path}: delivered ${delivered}`);
  }
  await settled(agent);
  assert.equal(agent.stats.open, agent.stats.idle);
  const last = await httpFetch(`${server.url}small`, { agent, maxBodyBytes: 10 });
  assert.equal(await last.text(), "0123456789");
});

Deno.test("decodeHttpBody() with maxBytes decodes in bounded pieces and stops at the limit", async () => {
  // 16 MiB of zeros as a few dozen bytes of brotli: Deno's DecompressionStream
  // would hand all 16 MiB out as one piece.
  const br = brotliCompressSync(new Uint8Array(16 * MIB), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 4 },
  });
  assert.ok(br.byteLength < KIB);
  const decoded = await decodeHttpBody(streamOf(br), ["br"], { maxBytes: 16 * MIB });
  const reader = decoded.getReader();
  const first = await reader.read();
  assert.ok(first.value !== undefined && first.value.byteLength <= 64 * KIB);
  await reader.cancel();
  const bounded = await decodeHttpBody(streamOf(br), ["br"], { maxBytes: MIB });
  const { delivered, largest, error } = await drain(bounded);
  assert.ok(error instanceof HttpLimitError, String(error));
  assert.ok(delivered <= MIB && largest <= 64 * KIB, `delivered ${delivered}, largest ${largest}`);
  // Exactly at the limit, and with no coding at all (the bytes are counted).
  const gz = await gzipZeros(4 * MIB);
  const exact = await decodeHttpBody(streamOf(gz), ["gzip"], { maxBytes: 4 * MIB });
  assert.equal((await new Response(exact).arrayBuffer()).byteLength, 4 * MIB);
  const plain = await decodeHttpBody(streamOf(gz), [], { maxBytes: 1000 });
  await assert.rejects(new Response(plain).arrayBuffer(), HttpLimitError);
});
