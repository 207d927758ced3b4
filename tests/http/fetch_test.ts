// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import process from "node:process";
import {
  HttpAgent,
  httpFetch,
  HttpPrematureCloseError,
  HttpProxyError,
  HttpRedirectError,
  HttpTestServer,
  HttpTimeoutError,
} from "../../protocols/http/mod.ts";
import { TlsError } from "../../protocols/_core/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

Deno.test("httpFetch() returns a standard Response with a streaming body", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/stream", () => ({
    body: "x".repeat(200_000),
    chunked: 10_000,
    headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["X-Dup", "1"], ["X-Dup", "2"]],
  }));
  await using agent = new HttpAgent({ proxy: null });
  const response = await httpFetch(new URL(`${server.url}stream`), { agent });
  assert.ok(response instanceof Response);
  assert.equal(response.status, 200);
  assert.equal(response.statusText, "OK");
  assert.equal(response.ok, true);
  assert.equal(response.url, `${server.url}stream`);
  assert.equal(response.redirected, false);
  assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
  assert.equal(response.headers.get("x-dup"), "1, 2");
  assert.ok(response.body instanceof ReadableStream);
  let total = 0;
  for await (const chunk of response.body!) total += chunk.byteLength;
  assert.equal(total, 200_000);
  const sent = server.requests[0]!;
  assert.equal(sent.header("accept"), "*/*");
  assert.equal(sent.header("accept-encoding"), "gzip, deflate, br");
  assert.match(sent.header("user-agent")!, /^portline/);
  assert.equal(sent.header("host"), `127.0.0.1:${server.port}`);
});

Deno.test("httpFetch() accepts a Request, normalises methods, refuses bad input", async () => {
  await using server = await HttpTestServer.start();
  server.route("*", "/m", (req) => ({ body: `${req.method} ${req.text()}` }));
  await using agent = new HttpAgent({ proxy: null });
  const request = new Request(`${server.url}m`, { method: "post", body: "from request" });
  assert.equal(await (await httpFetch(request, { agent })).text(), "POST from request");
  assert.equal(
    await (await httpFetch(`${server.url}m`, { agent, method: "patch" })).text(),
    "patch ",
  );
  const head = await httpFetch(`${server.url}m`, { agent, method: "HEAD" });
  assert.equal(head.body, null);
  await assert.rejects(httpFetch(`${server.url}m`, { agent, body: "x" }), TypeError);
  await assert.rejects(httpFetch(`${server.url}m`, { agent, method: "CONNECT" }), TypeError);
  await assert.rejects(httpFetch("ftp://127.0.0.1/", { agent }), TypeError);
  await assert.rejects(httpFetch(`${server.url}m`, { agent, signal: AbortSignal.abort() }));
});

Deno.test("httpFetch() sends every body kind with the right framing and type", async () => {
  await using server = await HttpTestServer.start();
  server.route("POST", "/echo", (req) => ({
    body: req.body,
    headers: {
      "X-Type": req.header("content-type") ?? "",
      "X-Length": req.header("content-length") ?? "",
      "X-TE": req.header("transfer-encoding") ?? "",
    },
  }));
  await using agent = new HttpAgent({ proxy: null });
  const post = (body: BodyInit | Uint8Array) =>
    httpFetch(`${server.url}echo`, { agent, method: "POST", body: body as Uint8Array });
  let r = await post("text \u00e9");
  assert.equal(r.headers.get("x-type"), "text/plain;charset=UTF-8");
  assert.equal(r.headers.get("x-length"), "7");
  assert.equal(await r.text(), "text \u00e9");
  r = await post(new URLSearchParams({ a: "1", b: "x y" }));
  assert.equal(r.headers.get("x-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assert.equal(await r.text(), "a=1&b=x+y");
  r = await post(new Uint8Array([1, 2, 3]));
  assert.equal(r.headers.get("x-length"), "3");
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), new Uint8Array([1, 2, 3]));
  r = await post(new Blob(["blob"], { type: "application/x-blob" }));
  assert.equal(r.headers.get("x-type"), "application/x-blob");
  assert.equal(r.headers.get("x-length"), "4");
  assert.equal(await r.text(), "blob");
  r = await post(new Blob(["streamed ", "body"]).stream());
  assert.equal(r.headers.get("x-te"), "chunked");
  assert.equal(await r.text(), "streamed body");
  const form = new FormData();
  form.append("name", "value");
  form.append("upload", new File(["file content"], "note.txt", { type: "text/plain" }));
  r = await post(form);
  const type = r.headers.get("x-type")!;
  assert.match(type, /^multipart\/form-data; boundary=/);
  assert.equal(Number(r.headers.get("x-length")), (await r.clone().arrayBuffer()).byteLength);
  // The server's bytes parse back into the same form.
  const parsed = await new Response(await r.arrayBuffer(), { headers: { "Content-Type": type } })
    .formData();
  assert.equal(parsed.get("name"), "value");
  const file = parsed.get("upload") as File;
  assert.equal(file.name, "note.txt");
  assert.equal(await file.text(), "file content");
});

Deno.test("httpFetch() follows redirects with RFC 9110 method and body rules", async () => {
  await using server = await HttpTestServer.start();
  for (const status of [301, 302, 303, 307, 308]) {
    server.route("*", `/r${status}`, () => HttpTestServer.redirect(status, "/target"));
  }
  server.route("*", "/target", (req) => ({ body: `${req.method}:${req.text()}` }));
  server.route("GET", "/loop", () => HttpTestServer.redirect(302, "/loop"));
  await using agent = new HttpAgent({ proxy: null });
  const post = async (status: number) => {
    const r = await httpFetch(`${server.url}r${status}`, { agent, method: "POST", body: "data" });
    assert.equal(r.redirected, true);
    assert.equal(r.url, `${server.url}target`);
    return await r.text();
  };
  assert.equal(await post(301), "GET:");
  assert.equal(await post(302), "GET:");
  assert.equal(await post(303), "GET:");
  assert.equal(await post(307), "POST:data");
  assert.equal(await post(308), "POST:data");
  const put = await httpFetch(`${server.url}r303`, { agent, method: "PUT", body: "x" });
  assert.equal(await put.text(), "GET:");
  const manual = await httpFetch(`${server.url}r302`, { agent, redirect: "manual" });
  assert.equal(manual.status, 302);
  assert.equal(manual.headers.get("location"), "/target");
  await manual.body?.cancel();
  await assert.rejects(
    httpFetch(`${server.url}r302`, { agent, redirect: "error" }),
    HttpRedirectError,
  );
  await assert.rejects(httpFetch(`${server.url}loop`, { agent }), HttpRedirectError);
  await assert.rejects(
    httpFetch(`${server.url}r302`, { agent, maxRedirections: 0 }),
    HttpRedirectError,
  );
  await assert.rejects(
    httpFetch(`${server.url}r307`, {
      agent,
      method: "POST",
      body: new Blob(["once"]).stream(),
    }),
    HttpRedirectError,
  );
});

Deno.test("httpFetch() drops Authorization and Cookie on cross-origin redirects", async () => {
  await using other = await HttpTestServer.start();
  other.route("GET", "/", (req) => ({
    body: JSON.stringify([req.header("authorization"), req.header("cookie"), req.header("x-keep")]),
  }));
  await using server = await HttpTestServer.start();
  server.route("GET", "/same", () => HttpTestServer.redirect(302, "/echo"));
  server.route("GET", "/echo", (req) => ({
    body: JSON.stringify([req.header("authorization"), req.header("cookie"), req.header("x-keep")]),
  }));
  server.route("GET", "/cross", () => HttpTestServer.redirect(302, other.url));
  await using agent = new HttpAgent({ proxy: null });
  const headers = { Authorization: "Bearer t", Cookie: "s=1", "X-Keep": "k" };
  const same = await httpFetch(`${server.url}same`, { agent, headers });
  assert.deepEqual(await same.json(), ["Bearer t", "s=1", "k"]);
  const cross = await httpFetch(`${server.url}cross`, { agent, headers });
  assert.deepEqual(await cross.json(), [null, null, "k"]);
});

Deno.test("httpFetch() answers Basic and Digest challenges", async () => {
  await using server = await HttpTestServer.start();
  const credentials = { username: "user", password: "p\u00e4ss" };
  const ok = () => ({ body: "welcome" });
  server.route("*", "/basic", HttpTestServer.basicAuth(credentials, ok));
  server.route("*", "/md5", HttpTestServer.digestAuth(credentials, ok));
  server.route(
    "*",
    "/sha256",
    HttpTestServer.digestAuth(credentials, ok, { algorithm: "SHA-256" }),
  );
  server.route("*", "/sess", HttpTestServer.digestAuth(credentials, ok, { algorithm: "MD5-sess" }));
  server.route(
    "*",
    "/userhash",
    HttpTestServer.digestAuth(credentials, ok, { algorithm: "SHA-256", userhash: true }),
  );
  server.route("*", "/legacy", HttpTestServer.digestAuth(credentials, ok, { qop: false }));
  await using agent = new HttpAgent({ proxy: null });
  for (const path of ["basic", "md5", "sha256", "sess", "userhash", "legacy"]) {
    const r = await httpFetch(`${server.url}${path}?q=1`, { agent, auth: credentials });
    assert.equal(r.status, 200, path);
    assert.equal(await r.text(), "welcome");
  }
  const post = await httpFetch(`${server.url}sha256`, {
    agent,
    auth: credentials,
    method: "POST",
    body: "payload",
  });
  assert.equal(post.status, 200);
  await post.body?.cancel();
  const url = new URL(`${server.url}basic`);
  url.username = "user";
  url.password = encodeURIComponent("p\u00e4ss");
  const fromUrl = await httpFetch(url, { agent });
  assert.equal(fromUrl.status, 200);
  assert.equal(fromUrl.url, `${server.url}basic`);
  await fromUrl.body?.cancel();
  const wrong = await httpFetch(`${server.url}md5`, {
    agent,
    auth: { username: "user", password: "nope" },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  // A redirect to another origin does not get the credentials.
  await using other = await HttpTestServer.start();
  other.route("GET", "/", HttpTestServer.basicAuth(credentials, ok));
  server.route("GET", "/elsewhere", () => HttpTestServer.redirect(302, other.url));
  const elsewhere = await httpFetch(`${server.url}elsewhere`, { agent, auth: credentials });
  assert.equal(elsewhere.status, 401);
  assert.equal(other.requests[0]!.header("authorization"), null);
  await elsewhere.body?.cancel();
  const none = await httpFetch(`${server.url}basic`, { agent });
  assert.equal(none.status, 401);
  assert.match(none.headers.get("www-authenticate")!, /^Basic/);
  await none.body?.cancel();
});

Deno.test("httpFetch() decodes gzip, deflate (zlib and raw) and br", async () => {
  await using server = await HttpTestServer.start();
  const text = "compressible text ".repeat(1000);
  for (const encoding of ["gzip", "deflate", "deflate-raw", "br"] as const) {
    server.route("*", `/${encoding}`, () => ({ body: text, encoding, chunked: 999 }));
  }
  await using agent = new HttpAgent({ proxy: null });
  for (const encoding of ["gzip", "deflate", "deflate-raw", "br"]) {
    const r = await httpFetch(`${server.url}${encoding}`, { agent });
    assert.equal(await r.text(), text, encoding);
  }
  const raw = await httpFetch(`${server.url}gzip`, { agent, decompress: false });
  assert.equal(raw.headers.get("content-encoding"), "gzip");
  const bytes = new Uint8Array(await raw.arrayBuffer());
  assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
  assert.equal(server.requests.at(-1)!.header("accept-encoding"), null);
  const head = await httpFetch(`${server.url}gzip`, { agent, method: "HEAD" });
  assert.equal(head.body, null);
});

Deno.test("HttpAgent keeps one connection alive for sequential requests", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "ok" }));
  server.route("GET", "/chunked", () => ({ body: "c".repeat(5000), chunked: 100 }));
  await using agent = new HttpAgent({ proxy: null });
  for (let i = 0; i < 20; i++) {
    const r = await agent.fetch(i % 2 ? server.url : `${server.url}chunked`);
    await r.arrayBuffer();
  }
  assert.equal(server.connectionCount, 1);
  assert.equal(agent.stats.connections, 1);
  assert.equal(agent.stats.reused, 19);
  assert.equal(new Set(server.requests.map((r) => r.connectionId)).size, 1);
});

Deno.test("HttpAgent reuses a connection only after the body was read", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "x".repeat(100_000) }));
  await using agent = new HttpAgent({ proxy: null });
  const first = await agent.fetch(server.url);
  const second = await agent.fetch(server.url);
  assert.equal(server.connectionCount, 2);
  await first.arrayBuffer();
  await second.arrayBuffer();
  await (await agent.fetch(server.url)).arrayBuffer();
  assert.equal(server.connectionCount, 2);
  // A cancelled body closes its connection instead of returning it.
  const third = await agent.fetch(server.url);
  await third.body!.cancel();
  assert.equal(agent.stats.open, 1);
});

Deno.test("HttpAgent limits sockets per origin and queues the rest", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/slow", () => ({ body: "done", delayMs: 20 }));
  await using agent = new HttpAgent({ proxy: null, maxSocketsPerOrigin: 2 });
  const all = await Promise.all(
    Array.from({ length: 8 }, () => agent.fetch(`${server.url}slow`).then((r) => r.text())),
  );
  assert.deepEqual(all, Array(8).fill("done"));
  assert.equal(server.connectionCount, 2);
  assert.equal(agent.stats.connections, 2);
});

Deno.test("HttpAgent retries once when a reused connection was closed by the server", async () => {
  await using server = await HttpTestServer.start();
  // The second request (on the reused connection) and the fourth get no
  // answer: the server reads them and hangs up.
  let n = 0;
  server.route("*", "/", () => {
    n++;
    return n === 2 || n === 4 ? { raw: "", close: true } : { body: "ok" };
  });
  await using agent = new HttpAgent({ proxy: null });
  assert.equal(await (await agent.fetch(server.url)).text(), "ok");
  assert.equal(await (await agent.fetch(server.url)).text(), "ok");
  assert.equal(agent.stats.retries, 1);
  assert.equal(n, 3);
  // POST is not idempotent: no retry.
  await assert.rejects(
    agent.fetch(server.url, { method: "POST", body: "x" }),
    HttpPrematureCloseError,
  );
  assert.equal(n, 4);
});

Deno.test("HttpAgent drops an idle connection the server closes, before it is reused", async () => {
  await using server = await HttpTestServer.start();
  // A keep-alive response after which the server quietly closes.
  server.route(
    "*",
    "/",
    () => ({ raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: true }),
  );
  await using agent = new HttpAgent({ proxy: null });
  assert.equal(await (await agent.fetch(server.url)).text(), "ok");
  // The idle watch sees the hang-up (polled: no fixed wait).
  for (let i = 0; i < 200 && agent.stats.open > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual([agent.stats.open, agent.stats.idle], [0, 0]);
  // A POST (never retried) now goes out on a new connection and succeeds.
  assert.equal(await (await agent.fetch(server.url, { method: "POST", body: "x" })).text(), "ok");
  assert.equal(agent.stats.retries, 0);
  assert.equal(agent.stats.connections, 2);
});

Deno.test("HttpAgent drops idle connections after the idle timeout", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "ok" }));
  await using agent = new HttpAgent({ proxy: null, idleTimeoutMs: 30 });
  await (await agent.fetch(server.url)).text();
  await new Promise((resolve) => setTimeout(resolve, 80));
  await (await agent.fetch(server.url)).text();
  assert.equal(server.connectionCount, 2);
});

Deno.test("httpFetch() over HTTPS verifies certificates", async () => {
  await using server = await HttpTestServer.start({ tls: SERVER_TLS });
  server.route("GET", "/", () => ({ body: "tls ok" }));
  const url = `https://localhost:${server.port}/`;
  {
    await using agent = new HttpAgent({ proxy: null, tls: { caCerts: [CA_CERT] } });
    assert.equal(await (await agent.fetch(url)).text(), "tls ok");
    assert.equal(await (await agent.fetch(url)).text(), "tls ok");
    assert.equal(agent.stats.connections, 1);
  }
  {
    await using agent = new HttpAgent({ proxy: null });
    await assert.rejects(agent.fetch(url), TlsError);
  }
  {
    // Connect by IP, verify (and send SNI) for the certificate's name.
    await using agent = new HttpAgent({
      proxy: null,
      tls: { caCerts: [CA_CERT], serverName: "localhost" },
    });
    assert.equal(await (await agent.fetch(`https://127.0.0.1:${server.port}/`)).text(), "tls ok");
  }
});

Deno.test("HttpAgent goes through an HTTP proxy (absolute form) with Basic proxy auth", async () => {
  await using origin = await HttpTestServer.start();
  origin.route("GET", "/data", (req) => ({
    body: `target=${req.target} auth=${req.header("proxy-authorization")}`,
  }));
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "secret" } });
  {
    await using agent = new HttpAgent({ proxy: `http://px:secret@127.0.0.1:${proxy.port}` });
    const r = await agent.fetch(`${origin.url}data?x=1`);
    assert.equal(await r.text(), "target=/data?x=1 auth=null");
    assert.deepEqual(proxy.proxyLog, [`${origin.url}data?x=1`]);
  }
  {
    await using agent = new HttpAgent({ proxy: `http://127.0.0.1:${proxy.port}` });
    const r = await agent.fetch(`${origin.url}data`);
    assert.equal(r.status, 407);
    await r.body?.cancel();
  }
});

Deno.test("HttpAgent tunnels HTTPS through CONNECT with Basic proxy auth", async () => {
  await using origin = await HttpTestServer.start({ tls: SERVER_TLS });
  origin.route("GET", "/", () => ({ body: "through the tunnel" }));
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "secret" } });
  {
    await using agent = new HttpAgent({
      proxy: { https: `http://px:secret@127.0.0.1:${proxy.port}` },
      tls: { caCerts: [CA_CERT] },
    });
    const url = `https://localhost:${origin.port}/`;
    assert.equal(await (await agent.fetch(url)).text(), "through the tunnel");
    assert.equal(await (await agent.fetch(url)).text(), "through the tunnel");
    assert.deepEqual(proxy.proxyLog, [`localhost:${origin.port}`]);
    assert.equal(agent.stats.connections, 1);
  }
  {
    await using agent = new HttpAgent({
      proxy: { https: `http://127.0.0.1:${proxy.port}` },
      tls: { caCerts: [CA_CERT] },
    });
    const error = await agent.fetch(`https://localhost:${origin.port}/`).catch((e) => e);
    assert.ok(error instanceof HttpProxyError);
    assert.equal(error.status, 407);
  }
});

Deno.test("HttpAgent reads HTTP_PROXY and NO_PROXY from the environment", async () => {
  await using origin = await HttpTestServer.start();
  origin.route("GET", "/", () => ({ body: "origin" }));
  await using proxy = await HttpTestServer.start({ proxy: true });
  const saved = {
    http: process.env.http_proxy,
    HTTP: process.env.HTTP_PROXY,
    no: process.env.no_proxy,
    NO: process.env.NO_PROXY,
  };
  try {
    delete process.env.http_proxy;
    delete process.env.no_proxy;
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
    process.env.NO_PROXY = "";
    {
      await using agent = new HttpAgent();
      assert.equal(await (await agent.fetch(origin.url)).text(), "origin");
      assert.equal(proxy.proxyLog.length, 1);
    }
    process.env.NO_PROXY = `example.org, 127.0.0.1:${origin.port}`;
    {
      await using agent = new HttpAgent();
      assert.equal(await (await agent.fetch(origin.url)).text(), "origin");
      assert.equal(proxy.proxyLog.length, 1);
    }
  } finally {
    for (
      const [key, value] of Object.entries({
        http_proxy: saved.http,
        HTTP_PROXY: saved.HTTP,
        no_proxy: saved.no,
        NO_PROXY: saved.NO,
      })
    ) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});

Deno.test("httpFetch() times out per phase and honours AbortSignal during the body", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/slow-head", () => ({ body: "x", delayMs: 2000 }));
  server.route(
    "GET",
    "/slow-body",
    () => ({ body: "x".repeat(100), splitWrites: 70, pauseMs: 2000 }),
  );
  await using agent = new HttpAgent({ proxy: null });
  const error = await agent.fetch(`${server.url}slow-head`, { headersTimeoutMs: 50 }).catch((e) =>
    e
  );
  assert.ok(error instanceof HttpTimeoutError);
  assert.equal(error.phase, "headers");
  const slow = await agent.fetch(`${server.url}slow-body`, { bodyTimeoutMs: 50 });
  await assert.rejects(slow.text(), HttpTimeoutError);
  const controller = new AbortController();
  const aborted = await agent.fetch(`${server.url}slow-body`, { signal: controller.signal });
  const reader = aborted.body!.getReader();
  await reader.read();
  controller.abort();
  await assert.rejects(reader.read(), (e: Error) => e.name === "AbortError");
  const early = new AbortController();
  setTimeout(() => early.abort(), 20);
  await assert.rejects(
    agent.fetch(`${server.url}slow-head`, { signal: early.signal }),
    (e: Error) => e.name === "AbortError",
  );
});

Deno.test("httpFetch() with expectContinue waits for 100 Continue", async () => {
  await using server = await HttpTestServer.start();
  server.route("PUT", "/", (req) => ({ body: req.text() }));
  await using agent = new HttpAgent({ proxy: null });
  const seen: number[] = [];
  const r = await agent.fetch(server.url, {
    method: "PUT",
    body: "payload",
    expectContinue: true,
    onInformational: (head) => seen.push(head.status),
  });
  assert.equal(await r.text(), "payload");
  assert.deepEqual(seen, [100]);
});

Deno.test("HttpAgent keeps a connection usable after a request refused for a bad header", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "ok" }));
  await using agent = new HttpAgent({ proxy: null, maxSocketsPerOrigin: 1 });
  assert.equal(await (await agent.fetch(server.url)).text(), "ok");
  await assert.rejects(agent.fetch(server.url, { headers: { "X-Bad": "a\r\nInjected: 1" } }));
  await assert.rejects(agent.fetch(server.url, { headers: [["Bad Name", "v"]] }));
  assert.equal(await (await agent.fetch(server.url)).text(), "ok");
  assert.equal(server.connectionCount, 1);
  assert.equal(server.requests.length, 2);
});
