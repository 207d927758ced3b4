// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { BufferedReader, connect } from "../../protocols/_core/mod.ts";
import {
  HttpAgent,
  HttpConnection,
  HttpError,
  HttpParseError,
  HttpPrematureCloseError,
  HttpTestServer,
} from "../../protocols/http/mod.ts";

async function rawExchange(port: number, request: string): Promise<string> {
  const conn = await connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(request));
  const reader = new BufferedReader(conn);
  const lines: string[] = [];
  for (;;) {
    const line = await reader.readLineOrNull();
    if (line === null) break;
    lines.push(line);
  }
  conn.close();
  return lines.join("\n");
}

Deno.test("HttpTestServer parses chunked requests with trailers and answers HEAD without a body", async () => {
  await using server = await HttpTestServer.start();
  server.route("*", "/", (req) => ({ body: `${req.text()}|${req.trailers.length}` }));
  const reply = await rawExchange(
    server.port,
    "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n" +
      "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  assert.match(
    reply,
    /^HTTP\/1\.1 200 OK\nContent-Length: 5\n\nabc\|1HTTP\/1\.1 200 OK\nContent-Length: 2\nConnection: close\n$/,
  );
});

Deno.test("HttpTestServer refuses malformed and ambiguous requests with 400", async () => {
  await using server = await HttpTestServer.start();
  for (
    const request of [
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ]
  ) {
    assert.match(await rawExchange(server.port, request), /^HTTP\/1\.1 400 /, request);
  }
});

Deno.test("HttpTestServer refuses bad Content-Length and bodies over maxBodyBytes", async () => {
  await using server = await HttpTestServer.start({ maxBodyBytes: 16 });
  server.route("*", "/", (req) => ({ body: `got ${req.body.byteLength}\n` }));
  const cases: [string, RegExp][] = [
    ["POST / HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n", /^HTTP\/1\.1 413 /],
    ["POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n", /^HTTP\/1\.1 413 /],
    ["POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", /^HTTP\/1\.1 400 /],
    ["POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", /^HTTP\/1\.1 400 /],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", /^HTTP\/1\.1 400 /],
    // A 16-byte body is within the limit.
    [
      `POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n10\r\n${
        "x".repeat(16)
      }\r\n0\r\n\r\n`,
      /^HTTP\/1\.1 200 OK[^]*got 16$/,
    ],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n", /^HTTP\/1\.1 413 /],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", /^HTTP\/1\.1 400 /],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", /^HTTP\/1\.1 400 /],
  ];
  for (const [request, expected] of cases) {
    assert.match(await rawExchange(server.port, request), expected, request);
  }
  // Repeated equal lengths are one length.
  assert.match(
    await rawExchange(
      server.port,
      "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab",
    ),
    /^HTTP\/1\.1 200 OK[^]*got 2$/,
  );
});

Deno.test("HttpTestServer misbehaves on request: split writes, raw framing, early close, close-delimited", async () => {
  await using server = await HttpTestServer.start();
  server.route(
    "GET",
    "/split",
    () => ({ body: "split body", chunked: 3, trailers: { T: "v" }, splitWrites: 7, pauseMs: 1 }),
  );
  server.route(
    "GET",
    "/both",
    () => ({
      raw:
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    }),
  );
  server.route("GET", "/early", () => ({ body: "0123456789", closeAfterBytes: 45 }));
  server.route("GET", "/eof", () => ({ body: "until close", noContentLength: true }));
  server.route(
    "GET",
    "/info",
    () => ({ body: "final", informational: [{ status: 103, headers: { Link: "</s.css>" } }] }),
  );
  await using agent = new HttpAgent({ proxy: null });
  {
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const split = await http.request({ target: "/split" });
    assert.equal(await split.text(), "split body");
    assert.deepEqual(await split.trailers, [["T", "v"]]);
    const info: number[] = [];
    const r = await http.request({ target: "/info", onInformational: (h) => info.push(h.status) });
    assert.equal(await r.text(), "final");
    assert.deepEqual(info, [103]);
  }
  await assert.rejects(agent.fetch(`${server.url}both`), HttpParseError);
  const early = await agent.fetch(`${server.url}early`);
  await assert.rejects(early.text(), HttpPrematureCloseError);
  assert.equal(await (await agent.fetch(`${server.url}eof`)).text(), "until close");
  const missing = await agent.fetch(`${server.url}missing`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("HttpTestServer answers 502 as a proxy when the target is unreachable", async () => {
  await using proxy = await HttpTestServer.start({ proxy: true });
  const free = await HttpTestServer.start();
  const port = free.port;
  await free.close();
  await using agent = new HttpAgent({ proxy: `http://127.0.0.1:${proxy.port}` });
  const r = await agent.fetch(`http://127.0.0.1:${port}/`);
  assert.equal(r.status, 502);
  await r.body?.cancel();
});

Deno.test("HttpError recognises the whole HTTP error family", () => {
  assert.ok(new HttpParseError("x") instanceof HttpError);
  assert.ok(new HttpPrematureCloseError("x") instanceof HttpError);
  assert.ok(!(new Error("x") instanceof HttpError));
  assert.ok(!(new HttpParseError("x") instanceof HttpPrematureCloseError));
});

Deno.test("HttpTestServer answers 414 to an over-long request line, 431 to an over-long field, 400 to a bad CONNECT target", async () => {
  await using server = await HttpTestServer.start({ proxy: true });
  server.route("*", "/", () => ({ body: "ok" }));
  // Each line just over the server's 64 KiB line limit.
  const long = "a".repeat(65_600);
  assert.match(await rawExchange(server.port, `GET /${long} HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 414 /);
  assert.match(
    await rawExchange(server.port, `GET / HTTP/1.1\r\nX-Long: ${long}\r\n\r\n`),
    /^HTTP\/1\.1 431 /,
  );
  for (const target of ["nonsense", "127.0.0.1:99999", "[::1]", "host:"]) {
    assert.match(
      await rawExchange(server.port, `CONNECT ${target} HTTP/1.1\r\n\r\n`),
      /^HTTP\/1\.1 400 /,
      target,
    );
  }
  // Still serving (HEAD: no body, so the reply ends with a line end).
  assert.match(
    await rawExchange(server.port, "HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n"),
    /^HTTP\/1\.1 200 /,
  );
});
