// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { memoryConn } from "../../protocols/_core/mod.ts";
import {
  HttpBodyError,
  HttpConnection,
  HttpError,
  HttpLimitError,
  HttpParseError,
  HttpPrematureCloseError,
  type HttpResponseHead,
  HttpTestServer,
  HttpTimeoutError,
} from "../../protocols/http/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

function bytesOf(text: string): Uint8Array[] {
  return [...new TextEncoder().encode(text)].map((b) => new Uint8Array([b]));
}

function conn(chunks: (string | Uint8Array)[]): {
  http: HttpConnection;
  written: () => string;
} {
  const mem = memoryConn(chunks);
  return {
    http: new HttpConnection(mem, { host: "example.org" }),
    written: () => mem.writtenText(),
  };
}

Deno.test("HttpConnection sends one write with Host and reads a Content-Length body split byte by byte", async () => {
  const mem = memoryConn(
    bytesOf("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-A: 2\r\n\r\nhello"),
  );
  const http = new HttpConnection(mem, { host: "example.org" });
  const response = await http.request({ target: "/x", headers: { Accept: "*/*" } });
  assert.equal(mem.written.length, 1);
  assert.equal(mem.writtenText(), "GET /x HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n");
  assert.equal(response.status, 200);
  assert.deepEqual(response.headers, [["Content-Length", "5"], ["X-A", "1"], ["X-A", "2"]]);
  assert.equal(response.header("x-a"), "1, 2");
  assert.equal(await response.text(), "hello");
  assert.equal(http.idle, true);
  assert.equal(http.requestCount, 1);
});

Deno.test("HttpConnection decodes chunked bodies with extensions and trailers", async () => {
  const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
    '5;ext=1\r\nhello\r\n6 ; name="q;v"\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n';
  for (const chunks of [[wire], bytesOf(wire)]) {
    const { http } = conn(chunks);
    const response = await http.request();
    assert.equal(await response.text(), "hello world");
    assert.deepEqual(await response.trailers, [["X-Checksum", "abc"], ["X-Other", "1"]]);
    assert.equal(http.idle, true);
  }
});

Deno.test("HttpConnection reuses the connection for a second response", async () => {
  const { http, written } = conn([
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n",
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
  ]);
  assert.equal(await (await http.request()).text(), "a");
  assert.equal(await (await http.request()).text(), "b");
  assert.equal((await http.request()).body, null);
  assert.equal((await http.request()).body, null);
  const head = await http.request({ method: "HEAD" });
  assert.equal(head.body, null);
  assert.equal(http.requestCount, 5);
  assert.equal(written().split("GET / HTTP/1.1").length, 5);
});

Deno.test("HttpConnection reads close-delimited bodies and does not reuse the connection", async () => {
  const { http } = conn(["HTTP/1.1 200 OK\r\n\r\nall of ", "this"]);
  const response = await http.request();
  assert.equal(response.framing.kind, "close");
  assert.equal(await response.text(), "all of this");
  assert.equal(http.closed, true);
});

Deno.test("HttpConnection skips 1xx responses and reports them", async () => {
  const seen: number[] = [];
  const { http } = conn([
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
  ]);
  const response = await http.request({
    onInformational: (h: HttpResponseHead) => seen.push(h.status),
  });
  assert.deepEqual(seen, [100, 103]);
  assert.equal(await response.text(), "ok");
});

interface BadCase {
  title: string;
  wire: string;
  error: new (...args: never[]) => Error;
  inBody?: boolean;
}

const badCases: BadCase[] = [
  {
    title: "CL and TE",
    wire: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    error: HttpParseError,
  },
  {
    title: "conflicting CL",
    wire: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    error: HttpParseError,
  },
  {
    title: "malformed CL",
    wire: "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nabc",
    error: HttpParseError,
  },
  {
    title: "TE not chunked",
    wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc",
    error: HttpParseError,
  },
  {
    title: "obs-fold",
    wire: "HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n",
    error: HttpParseError,
  },
  {
    title: "space before colon",
    wire: "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
    error: HttpParseError,
  },
  {
    title: "NUL in value",
    wire: "HTTP/1.1 200 OK\r\nX: a\0b\r\nContent-Length: 0\r\n\r\n",
    error: HttpParseError,
  },
  { title: "bad status line", wire: "HTTP/1.1 OK\r\n\r\n", error: HttpParseError },
  {
    title: "101 unasked",
    wire: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    error: HttpParseError,
  },
  {
    title: "too many headers",
    wire: "HTTP/1.1 200 OK\r\n" + "A: b\r\n".repeat(101) + "\r\n",
    error: HttpLimitError,
  },
  {
    title: "huge header line",
    wire: `HTTP/1.1 200 OK\r\nX: ${"a".repeat(70000)}\r\n\r\n`,
    error: HttpLimitError,
  },
  { title: "closed before response", wire: "", error: HttpPrematureCloseError },
  {
    title: "closed inside head",
    wire: "HTTP/1.1 200 OK\r\nContent-Le",
    error: HttpPrematureCloseError,
  },
  {
    title: "short CL body",
    wire: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
    error: HttpPrematureCloseError,
    inBody: true,
  },
  {
    title: "chunk without CRLF",
    wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    error: HttpParseError,
    inBody: true,
  },
  {
    title: "bad chunk size",
    wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    error: HttpParseError,
    inBody: true,
  },
  {
    title: "negative chunk size",
    wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n",
    error: HttpParseError,
    inBody: true,
  },
  {
    title: "huge chunk-size line",
    wire: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${"e".repeat(5000)}\r\n`,
    error: HttpLimitError,
    inBody: true,
  },
  {
    title: "chunked cut short",
    wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    error: HttpPrematureCloseError,
    inBody: true,
  },
  {
    title: "too many trailers",
    wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + "T: x\r\n".repeat(101) +
      "\r\n",
    error: HttpLimitError,
    inBody: true,
  },
];

Deno.test("HttpConnection rejects smuggling, malformed framing and oversized heads", async () => {
  for (const c of badCases) {
    const { http } = conn(c.wire === "" ? [] : [c.wire]);
    if (c.inBody) {
      const response = await http.request();
      await assert.rejects(response.text(), c.error, c.title);
    } else {
      await assert.rejects(http.request(), c.error, c.title);
    }
    assert.equal(http.closed, true, c.title);
  }
});

Deno.test("HttpConnection refuses a request while the previous body is unread", async () => {
  const { http } = conn(["HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc"]);
  const response = await http.request();
  await assert.rejects(http.request(), (e) => e instanceof HttpError);
  await response.body!.cancel();
  assert.equal(http.closed, true);
});

Deno.test("HttpConnection frames request bodies: Content-Length, chunked, and mismatches", async () => {
  const ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  async function sent(options: Parameters<HttpConnection["request"]>[0]): Promise<string> {
    const mem = memoryConn([ok]);
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    const http = new HttpConnection(mem, { host: "example.org", onRelease: () => release() });
    await http.request(options);
    await released;
    return mem.writtenText();
  }
  assert.equal(
    await sent({ method: "POST", body: "abc" }),
    "POST / HTTP/1.1\r\nHost: example.org\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 3\r\n\r\nabc",
  );
  assert.equal(
    await sent({ method: "PUT" }),
    "PUT / HTTP/1.1\r\nHost: example.org\r\nContent-Length: 0\r\n\r\n",
  );
  assert.equal(await sent({ method: "DELETE" }), "DELETE / HTTP/1.1\r\nHost: example.org\r\n\r\n");
  assert.match(
    await sent({ method: "POST", body: new Blob(["one", "two"]).stream() }),
    /Transfer-Encoding: chunked\r\n\r\n(6\r\nonetwo|3\r\none\r\n3\r\ntwo)\r\n0\r\n\r\n$/,
  );
  async function* gen() {
    yield new Uint8Array([65]);
    yield new Uint8Array([66]);
  }
  assert.match(
    await sent({ method: "POST", body: gen(), bodyLength: 2 }),
    /Content-Length: 2\r\n\r\nAB$/,
  );
  assert.match(
    await sent({ method: "POST", body: gen(), headers: { "transfer-encoding": "chunked" } }),
    /Transfer-Encoding: chunked\r\n\r\n2\r\nAB\r\n0\r\n\r\n$/,
  );
  assert.match(
    await sent({ target: "http://origin.example/p", headers: { Host: "origin.example" } }),
    /^GET http:\/\/origin\.example\/p HTTP\/1\.1\r\nHost: origin\.example\r\n\r\n$/,
  );
  await assert.rejects(
    conn([ok]).http.request({ method: "POST", body: "abc", headers: { "Content-Length": "4" } }),
    HttpBodyError,
  );
  const isHttpError = (e: unknown) => e instanceof HttpError;
  await assert.rejects(
    conn([ok]).http.request({ headers: { "Transfer-Encoding": "gzip" } }),
    isHttpError,
  );
  await assert.rejects(conn([ok]).http.request({ headers: { "X-Bad": "a\r\nb" } }), isHttpError);
});

Deno.test("HttpConnection decodes gzip transfer coding", async () => {
  const gz = new Uint8Array(
    await new Response(new Blob(["zipped"]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  const head = new TextEncoder().encode(
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${gz.byteLength.toString(16)}\r\n`,
  );
  const tail = new TextEncoder().encode("\r\n0\r\n\r\n");
  const { http } = conn([head, gz, tail]);
  assert.equal(await (await http.request()).text(), "zipped");
});

Deno.test("HttpConnection talks to HttpTestServer: keep-alive, chunked upload, 100-continue", async () => {
  await using server = await HttpTestServer.start();
  server.route("POST", "/echo", (req) => ({
    body: req.body,
    headers: {
      "X-TE": req.header("transfer-encoding") ?? "",
      "X-CL": req.header("content-length") ?? "",
    },
  }));
  await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
  const parts = ["a".repeat(100_000), "b".repeat(300_000)];
  const stream = new Blob(parts).stream();
  const chunked = await http.request({ method: "POST", target: "/echo", body: stream });
  assert.equal(chunked.header("x-te"), "chunked");
  assert.equal((await chunked.text()).length, 400_000);
  const seen: number[] = [];
  const expect = await http.request({
    method: "POST",
    target: "/echo",
    body: "payload",
    expectContinue: true,
    onInformational: (h) => seen.push(h.status),
  });
  assert.deepEqual(seen, [100]);
  assert.equal(await expect.text(), "payload");
  assert.equal(server.requests[1]!.header("expect"), "100-continue");
  assert.equal(server.connectionCount, 1);
  assert.equal(http.requestCount, 2);
  async function* short() {
    yield new Uint8Array([65, 66]);
  }
  await assert.rejects(
    http.request({ method: "POST", target: "/echo", body: short(), bodyLength: 5 }),
    HttpBodyError,
  );
  assert.equal(http.closed, true);
});

Deno.test("HttpConnection with Expect: 100-continue sends the body after a timeout, or never on a final status", async () => {
  {
    await using server = await HttpTestServer.start({ expectContinue: "ignore" });
    server.route("PUT", "/", (req) => ({ body: req.text() }));
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const response = await http.request({
      method: "PUT",
      body: "late",
      expectContinue: true,
      continueTimeoutMs: 50,
    });
    assert.equal(await response.text(), "late");
  }
  {
    await using server = await HttpTestServer.start({
      expectContinue: () => ({ status: 413, body: "too big" }),
    });
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const response = await http.request({
      method: "PUT",
      body: new Blob(["x".repeat(1000)]).stream(),
      bodyLength: 1000,
      headers: { Expect: "100-continue" },
      continueTimeoutMs: 5000,
    });
    assert.equal(response.status, 413);
    assert.equal(await response.text(), "too big");
    assert.equal(server.requests[0]!.body.byteLength, 0);
    assert.equal(http.closed, true);
  }
});

Deno.test("HttpConnection times out waiting for headers and between body pieces", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/slow-head", () => ({ body: "x", delayMs: 2000 }));
  server.route(
    "GET",
    "/slow-body",
    () => ({ body: "x".repeat(100), splitWrites: 60, pauseMs: 2000 }),
  );
  {
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const error = await http.request({ target: "/slow-head", headersTimeoutMs: 50 }).catch((e) =>
      e
    );
    assert.ok(error instanceof HttpTimeoutError);
    assert.equal(error.phase, "headers");
    assert.equal(http.closed, true);
  }
  {
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const response = await http.request({ target: "/slow-body", bodyTimeoutMs: 50 });
    const error = await response.text().catch((e) => e);
    assert.ok(error instanceof HttpTimeoutError, String(error));
    assert.equal(error.phase, "body");
  }
});

Deno.test("HttpConnection aborts while waiting for the head and while reading the body", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/slow-head", () => ({ body: "x", delayMs: 2000 }));
  server.route(
    "GET",
    "/slow-body",
    () => ({ body: "x".repeat(100), splitWrites: 60, pauseMs: 2000 }),
  );
  {
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await assert.rejects(http.request({ target: "/slow-head", signal: controller.signal }), /stop/);
    assert.equal(http.closed, true);
  }
  {
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    const controller = new AbortController();
    const response = await http.request({ target: "/slow-body", signal: controller.signal });
    const reader = response.body!.getReader();
    assert.equal((await reader.read()).value?.byteLength! > 0, true);
    controller.abort(new Error("enough"));
    await assert.rejects(reader.read(), /enough/);
  }
  {
    await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
    await assert.rejects(http.request({ signal: AbortSignal.abort() }));
  }
});

Deno.test("HttpConnection over TLS verifies with caCerts", async () => {
  await using server = await HttpTestServer.start({ tls: SERVER_TLS });
  server.route("GET", "/", () => ({ body: "secure" }));
  await using http = await HttpConnection.connect({
    hostname: "localhost",
    port: server.port,
    tls: { caCerts: [CA_CERT] },
  });
  assert.equal(http.conn.secure, true);
  assert.equal(await (await http.request()).text(), "secure");
});
