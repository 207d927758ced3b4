// Copyright 2026 the portline authors. MIT license.
// HTTP/1.1 against real servers started by scripts/interop/setup_50_nginx.sh:
// nginx on 18080 (HTTP) and 18443 (HTTPS), Python http.server on 18081,
// a Node http server on 18082.
import assert from "../_assert.ts";
import process from "node:process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { HttpAgent, HttpConnection, httpFetch } from "../../protocols/http/mod.ts";

const DIR = process.env.PORTLINE_INTEROP_DIR ?? ".interop";
const WWW = `${DIR}/nginx/www`;
const CA = readFileSync(`${DIR}/certs/ca.pem`, "utf8");
const NGINX = "http://127.0.0.1:18080";
const NGINX_TLS = "https://localhost:18443";

function agent(): HttpAgent {
  return new HttpAgent({ proxy: null, tls: { caCerts: [CA] } });
}

Deno.test("interop nginx: static file, HEAD, 404, Range", async () => {
  await using a = agent();
  const hello = readFileSync(`${WWW}/hello.txt`, "utf8");
  const r = await httpFetch(`${NGINX}/hello.txt`, { agent: a, decompress: false });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("server")?.startsWith("nginx"), true);
  assert.equal(await r.text(), hello);
  const head = await httpFetch(`${NGINX}/1k.bin`, { agent: a, method: "HEAD" });
  assert.equal(head.headers.get("content-length"), "1024");
  assert.equal(head.body, null);
  const missing = await httpFetch(`${NGINX}/nope`, { agent: a });
  assert.equal(missing.status, 404);
  await missing.text();
  const range = await httpFetch(`${NGINX}/1k.bin`, { agent: a, headers: { Range: "bytes=10-19" } });
  assert.equal(range.status, 206);
  assert.equal(range.headers.get("content-range"), "bytes 10-19/1024");
  const expected = readFileSync(`${WWW}/1k.bin`).subarray(10, 20);
  assert.deepEqual(new Uint8Array(await range.arrayBuffer()), new Uint8Array(expected));
});

Deno.test("interop nginx: gzip, br and chunked responses", async () => {
  await using a = agent();
  const text = readFileSync(`${WWW}/text.txt`, "utf8");
  for (const coding of ["gzip", "br"]) {
    const r = await httpFetch(`${NGINX}/text.txt`, {
      agent: a,
      headers: { "Accept-Encoding": coding },
    });
    assert.equal(r.headers.get("content-encoding"), coding);
    assert.equal(await r.text(), text, coding);
  }
  const url = new URL(`${NGINX}/chunked.txt`);
  const low = await a.request(url, { method: "GET", headers: [["Accept-Encoding", "identity"]] });
  assert.equal(low.framing.kind, "chunked");
  const body = await low.text();
  assert.ok(body.startsWith("before include\n"));
  assert.ok(body.endsWith(text));
});

Deno.test("interop nginx: redirects, WebDAV PUT and DELETE", async () => {
  await using a = agent();
  const r = await httpFetch(`${NGINX}/redirect-chain`, { agent: a });
  assert.equal(r.redirected, true);
  assert.equal(r.url, `${NGINX}/hello.txt`);
  await r.text();
  const manual = await httpFetch(`${NGINX}/redirect-302`, { agent: a, redirect: "manual" });
  assert.equal(manual.status, 302);
  await manual.text();
  const name = `/dav/put-${Date.now()}.txt`;
  const put = await httpFetch(`${NGINX}${name}`, {
    agent: a,
    method: "PUT",
    body: "uploaded \u00e9",
  });
  assert.equal(put.status, 201);
  await put.text();
  const streamed = await httpFetch(`${NGINX}${name}.stream`, {
    agent: a,
    method: "PUT",
    body: new Blob(["chunked ", "upload"]).stream(),
  });
  assert.equal(streamed.status < 300, true, String(streamed.status));
  await streamed.text();
  assert.equal(await (await httpFetch(`${NGINX}${name}`, { agent: a })).text(), "uploaded \u00e9");
  assert.equal(
    await (await httpFetch(`${NGINX}${name}.stream`, { agent: a })).text(),
    "chunked upload",
  );
  // 307 keeps the method and the body.
  const moved = await httpFetch(`${NGINX}/redirect-307`, {
    agent: a,
    method: "PUT",
    body: "via 307",
  });
  assert.equal(moved.status < 300, true);
  await moved.text();
  assert.equal(
    await (await httpFetch(`${NGINX}/dav/redirected.txt`, { agent: a })).text(),
    "via 307",
  );
  for (const path of [name, `${name}.stream`]) {
    const del = await httpFetch(`${NGINX}${path}`, { agent: a, method: "DELETE" });
    assert.equal(del.status, 204);
  }
});

Deno.test("interop nginx: keep-alive reuses one TCP connection (nginx $connection)", async () => {
  for (const origin of [NGINX, NGINX_TLS]) {
    await using a = agent();
    const ids = new Set<string>();
    let requests = 0;
    for (let i = 0; i < 50; i++) {
      const r = await a.fetch(`${origin}/${i % 2 ? "1k.bin" : "text.txt"}`);
      ids.add(r.headers.get("x-connection")!);
      requests = Number(r.headers.get("x-connection-requests"));
      await r.arrayBuffer();
    }
    assert.equal(ids.size, 1, origin);
    assert.equal(requests, 50, origin);
    assert.equal(a.stats.connections, 1, origin);
  }
});

Deno.test("interop nginx: low-level HttpConnection reuses its connection", async () => {
  await using http = await HttpConnection.connect({ hostname: "127.0.0.1", port: 18080 });
  const ids = new Set<string | null>();
  for (let i = 0; i < 20; i++) {
    const r = await http.request({ target: "/hello.txt" });
    ids.add(r.header("x-connection"));
    await r.discard();
  }
  assert.equal(ids.size, 1);
  assert.equal(http.requestCount, 20);
});

Deno.test("interop nginx: 256 MB download matches its SHA-256 (HTTP and HTTPS)", async () => {
  const expected = readFileSync(`${WWW}/big.bin.sha256`, "utf8").trim();
  for (const origin of [NGINX, NGINX_TLS]) {
    await using a = agent();
    const r = await a.fetch(`${origin}/big.bin`);
    assert.equal(r.headers.get("content-length"), String(256 * 1024 * 1024));
    const hash = createHash("sha256");
    let bytes = 0;
    for await (const chunk of r.body!) {
      hash.update(chunk);
      bytes += chunk.byteLength;
    }
    assert.equal(bytes, 256 * 1024 * 1024);
    assert.equal(hash.digest("hex"), expected, origin);
  }
});

Deno.test("interop Python http.server: GET, HEAD, 404, keep-alive", async () => {
  await using a = agent();
  const base = "http://127.0.0.1:18081";
  const r = await a.fetch(`${base}/hello.txt`);
  assert.match(r.headers.get("server")!, /Python/);
  assert.equal(await r.text(), readFileSync(`${WWW}/hello.txt`, "utf8"));
  const head = await a.fetch(`${base}/1k.bin`, { method: "HEAD" });
  assert.equal(head.headers.get("content-length"), "1024");
  for (let i = 0; i < 5; i++) await (await a.fetch(`${base}/1k.bin`)).arrayBuffer();
  assert.equal(a.stats.connections, 1);
  // Python's error pages say Connection: close; the next request reconnects.
  const missing = await a.fetch(`${base}/missing`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("connection"), "close");
  await missing.text();
  await (await a.fetch(`${base}/hello.txt`)).text();
  assert.equal(a.stats.connections, 2);
});

Deno.test("interop Node http: chunked responses, uploads, redirects, keep-alive", async () => {
  await using a = agent();
  const base = "http://127.0.0.1:18082";
  const hello = await a.fetch(`${base}/hello`);
  const port = hello.headers.get("x-socket-port");
  assert.equal(await hello.text(), "hello from node\n");
  const chunked = await a.request(new URL(`${base}/chunked`), { method: "GET", headers: [] });
  assert.equal(chunked.framing.kind, "chunked");
  assert.equal((await chunked.text()).split("\n").length, 11);
  const echo = await a.fetch(`${base}/echo`, { method: "POST", body: "echo me" });
  assert.equal(await echo.text(), "echo me");
  const streamed = await a.fetch(`${base}/echo`, {
    method: "POST",
    body: new Blob(["a".repeat(300_000), "b"]).stream(),
  });
  assert.equal(streamed.headers.get("x-request-transfer-encoding"), "chunked");
  assert.equal((await streamed.text()).length, 300_001);
  const redirected = await a.fetch(`${base}/redirect`);
  assert.equal(redirected.url, `${base}/hello`);
  assert.equal(redirected.headers.get("x-socket-port"), port);
  await redirected.text();
  const missing = await a.fetch(`${base}/missing`);
  assert.equal(missing.status, 404);
  await missing.text();
  assert.equal(a.stats.connections, 1);
});
