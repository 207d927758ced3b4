// Copyright 2026 the portline authors. MIT license.
// The minimal inputs of the bugs the fuzz tests (*_fuzz_test.ts) found, as
// plain regression tests.
import assert from "../_assert.ts";
import { connect, memoryConn } from "../../protocols/_core/mod.ts";
import {
  chooseHttpAuthChallenge,
  decodeHttpBody,
  HttpAgent,
  HttpConnection,
  httpFetch,
  HttpParseError,
  HttpPrematureCloseError,
  HttpTestServer,
  parseHttpAuthChallenges,
} from "../../protocols/http/mod.ts";

function streamOf(bytes: number[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes));
      controller.close();
    },
  });
}

Deno.test("chooseHttpAuthChallenge() ignores Digest algorithms named like Object properties", () => {
  // Was chosen ("constructor" in an object literal), then createHash(Object) threw a TypeError.
  for (const algorithm of ["constructor", "__proto__", "constructor-sess"]) {
    const challenges = parseHttpAuthChallenges(`Digest realm=r, nonce=n, algorithm=${algorithm}`);
    assert.equal(chooseHttpAuthChallenge(challenges), undefined, algorithm);
  }
});

Deno.test("httpFetch() returns a 401 whose only challenge has algorithm=constructor", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({
    status: 401,
    headers: { "WWW-Authenticate": "Digest realm=r, nonce=n, algorithm=constructor" },
  }));
  await using agent = new HttpAgent({ proxy: null });
  const response = await httpFetch(server.url, { agent, auth: { username: "u", password: "p" } });
  assert.equal(response.status, 401);
  await response.body?.cancel();
});

Deno.test("decodeHttpBody() fails with HttpParseError on corrupt or truncated data", async () => {
  // A gzip header with a broken body: the runtime's decoder threw its own TypeError (Deno) or
  // zlib Error (Node).
  const corrupt = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff];
  // "=G", a brotli stream cut short: Node 20 (no br in DecompressionStream)
  // decoded it through Duplex.toWeb, which lost the error.
  const cases = [["gzip", corrupt], ["deflate", [0x78]], ["br", [0xff, 0xff]], ["br", [
    0x3d,
    0x47,
  ]]];
  for (const [coding, bytes] of cases) {
    const body = await decodeHttpBody(streamOf(bytes as number[]), [coding as string]);
    await assert.rejects(new Response(body).arrayBuffer(), HttpParseError, coding as string);
  }
});

Deno.test("decodeHttpBody() fails on a deflate body cut short, or followed by other bytes", async () => {
  // Deno's DecompressionStream ended a truncated deflate stream without an
  // error: the cut body read as whole. Found by the bounded-decoder fuzz test.
  const zlib = await import("node:zlib");
  const plain = new TextEncoder().encode("a body long enough to compress. ".repeat(50));
  for (const compress of [zlib.deflateSync, zlib.deflateRawSync]) {
    const whole = [...new Uint8Array(compress(plain))];
    const decoded = await decodeHttpBody(streamOf(whole), ["deflate"]);
    assert.deepEqual(new Uint8Array(await new Response(decoded).arrayBuffer()), plain);
    for (const bytes of [whole.slice(0, -4), whole.slice(0, -1), [...whole, 0x41, 0x42]]) {
      for (const options of [{}, { maxBytes: 1 << 20 }]) {
        const body = await decodeHttpBody(streamOf(bytes), ["deflate"], options);
        await assert.rejects(new Response(body).arrayBuffer(), HttpParseError);
      }
    }
  }
});

Deno.test("HttpConnection does not reuse a connection with bytes past the response", async () => {
  // They would have been read as the next request's response.
  const http = new HttpConnection(
    memoryConn(["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\nevil"]),
  );
  const response = await http.request();
  assert.equal(await response.text(), "ok");
  assert.equal(http.idle, false);
  assert.equal(http.closed, true);
});

async function exchange(port: number, request: string): Promise<string> {
  const conn = await connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(request));
    await conn.closeWrite();
    const buf = new Uint8Array(65536);
    let out = "";
    for (let n; (n = await conn.read(buf)) !== null;) {
      out += new TextDecoder().decode(buf.subarray(0, n));
    }
    return out;
  } finally {
    conn.close();
  }
}

Deno.test("HttpTestServer answers 400 to a proxy request whose absolute target is no URL", async () => {
  // `new URL("http://[")` threw out of the connection handler.
  const errors: unknown[] = [];
  await using server = await HttpTestServer.start({ proxy: true, onError: (e) => errors.push(e) });
  assert.match(await exchange(server.port, "GET http://[ HTTP/1.1\r\n\r\n"), /^HTTP\/1\.1 400 /);
  assert.deepEqual(errors, []);
});

Deno.test("HttpTestServer answers 431 to a request head with more than 100 fields", async () => {
  // The field list grew without bound.
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "ok" }));
  const head = (n: number) => `GET / HTTP/1.1\r\n${"X: 1\r\n".repeat(n)}Connection: close\r\n\r\n`;
  assert.match(await exchange(server.port, head(99)), /^HTTP\/1\.1 200 /);
  assert.match(await exchange(server.port, head(100)), /^HTTP\/1\.1 431 /);
});

Deno.test("HttpTestServer answers 500 to a handler's header with CR/LF or characters beyond Latin-1", async () => {
  // The head went out as written: a handler's value injected a header, and
  // U+2615 went out as the control byte 0x15.
  const errors: unknown[] = [];
  await using server = await HttpTestServer.start({ onError: (e) => errors.push(e) });
  server.route("GET", "/crlf", () => ({ headers: { "X-A": "a\r\nInjected: yes" }, body: "x" }));
  server.route("GET", "/cup", () => ({ headers: { "X-A": "caf\u00e9 \u2615" }, body: "x" }));
  server.route("GET", "/latin1", () => ({ headers: { "X-A": "caf\u00e9" }, body: "x" }));
  for (const path of ["/crlf", "/cup"]) {
    const reply = await exchange(server.port, `GET ${path} HTTP/1.1\r\nConnection: close\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 500 /);
    assert.doesNotMatch(reply, /Injected/);
    assert.ok(!reply.includes("\x15"));
  }
  const ok = await exchange(server.port, "GET /latin1 HTTP/1.1\r\nConnection: close\r\n\r\n");
  // (Read back as UTF-8 here: the Latin-1 byte 0xE9 shows as U+FFFD.)
  assert.match(ok, /^HTTP\/1\.1 200 [^]*\r\nX-A: caf\ufffd\r\n/);
  assert.deepEqual(errors, []);
});

Deno.test("HttpResponse.bytes() allocates no more than has arrived past 8 MiB of declared length", async () => {
  // A 40 GB Content-Length was allocated up front: RangeError (or a huge zero-filled array).
  await using server = await HttpTestServer.start();
  server.route("GET", "/huge", () => ({
    raw: "HTTP/1.1 200 OK\r\nContent-Length: 42949672962\r\n\r\nok",
    close: true,
  }));
  const big = new Uint8Array(20_000_000).map((_, i) => i * 7);
  server.route("GET", "/big", () => ({ body: big }));
  await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
  const huge = await conn.request({ target: "/huge" });
  await assert.rejects(huge.bytes(), HttpPrematureCloseError);
  // Over 8 MiB: the array grows as the body arrives, and holds it exactly.
  await using again = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
  const body = await (await again.request({ target: "/big" })).bytes();
  assert.equal(body.byteLength, big.byteLength);
  assert.deepEqual(body, big);
});

// Node's `__proto__` accessor swallowed `params["__proto__"] = …` (Deno has
// none): this fails under Node's run of the suite on the assigning parser.
Deno.test("parseHttpAuthChallenges() keeps a parameter named __proto__ as a parameter", () => {
  const [challenge] = parseHttpAuthChallenges('Digest realm="r", __proto__="x", nonce="n"');
  assert.equal(challenge!.params["__proto__"], "x");
  assert.ok(Object.hasOwn(challenge!.params, "__proto__"));
  assert.equal(Object.getPrototypeOf(challenge!.params), Object.prototype);
  assert.deepEqual(Object.keys(challenge!.params), ["realm", "__proto__", "nonce"]);
});
