// Copyright 2026 the portline authors. MIT license.
// Proxies: Digest proxy authentication (absolute form and CONNECT), the
// HTTPS_PROXY environment variable, and the connect-phase timeout.
import assert from "../_assert.ts";
import process from "node:process";
import { createHash } from "node:crypto";
import { type Conn, listen } from "../../protocols/_core/mod.ts";
import {
  HttpAgent,
  HttpProxyError,
  HttpTestServer,
  HttpTimeoutError,
  parseHttpAuthChallenges,
} from "../../protocols/http/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

const PROXY_USER = { username: "px", password: "s3cr\u00e9t" };

function proxyUrl(port: number, password = PROXY_USER.password): string {
  return `http://${PROXY_USER.username}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}

/**
 * Checks a `Proxy-Authorization: Digest` value with RFC 7616's formula,
 * written out here independently of the client, and returns its fields.
 */
function checkDigest(
  value: string,
  algorithm: "md5" | "sha256",
  method: string,
  uri: string,
): Record<string, string> {
  const p = parseHttpAuthChallenges(value)[0]!.params;
  const h = (text: string) => createHash(algorithm).update(text, "utf8").digest("hex");
  const ha1 = h(`${PROXY_USER.username}:${p.realm}:${PROXY_USER.password}`);
  const ha2 = h(`${method}:${uri}`);
  assert.equal(p.uri, uri);
  assert.equal(p.qop, "auth");
  assert.equal(p.response, h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`));
  return p;
}

Deno.test("HttpAgent answers a proxy's Digest challenge in absolute form and reuses its nonce", async () => {
  await using origin = await HttpTestServer.start();
  origin.route("*", "/data", (req) => ({
    body: `${req.method} ${req.target} ${req.text()} ${req.header("proxy-authorization")}`,
  }));
  await using proxy = await HttpTestServer.start({ proxy: { ...PROXY_USER, scheme: "digest" } });
  await using agent = new HttpAgent({ proxy: proxyUrl(proxy.port) });
  const url = `${origin.url}data?x=1`;
  for (let i = 0; i < 3; i++) {
    const r = await agent.fetch(url);
    assert.equal(r.status, 200);
    // The proxy's credentials stop at the proxy.
    assert.equal(await r.text(), "GET /data?x=1  null");
  }
  // One 407 (answered Basic first), then one request each: the nonce is reused.
  assert.equal(proxy.proxyLog.length, 4);
  const sent = proxy.requests.map((r) => r.header("proxy-authorization")!);
  assert.match(sent[0]!, /^Basic /);
  const fields = sent.slice(1).map((v) => checkDigest(v, "md5", "GET", url));
  assert.deepEqual(fields.map((p) => p.nc), ["00000001", "00000002", "00000003"]);
  assert.equal(new Set(fields.map((p) => p.nonce)).size, 1);
  // A body in memory is sent again after the 407.
  await using fresh = new HttpAgent({ proxy: proxyUrl(proxy.port) });
  const post = await fresh.fetch(url, { method: "POST", body: "payload" });
  assert.equal(await post.text(), "POST /data?x=1 payload null");
  checkDigest(proxy.requests.at(-1)!.header("proxy-authorization")!, "md5", "POST", url);
});

Deno.test("HttpAgent returns the proxy's 407 when Digest proxy credentials are refused or the body cannot be replayed", async () => {
  await using origin = await HttpTestServer.start();
  origin.route("*", "/", () => ({ body: "origin" }));
  await using proxy = await HttpTestServer.start({ proxy: { ...PROXY_USER, scheme: "digest" } });
  {
    await using agent = new HttpAgent({ proxy: proxyUrl(proxy.port, "wrong") });
    const r = await agent.fetch(origin.url);
    assert.equal(r.status, 407);
    assert.match(r.headers.get("proxy-authenticate")!, /^Digest /);
    await r.body?.cancel();
    // Basic, then one Digest answer: no loop.
    assert.equal(proxy.proxyLog.length, 2);
    assert.equal(origin.requests.length, 0);
  }
  {
    await using agent = new HttpAgent({ proxy: proxyUrl(proxy.port) });
    const r = await agent.fetch(origin.url, {
      method: "POST",
      body: new Blob(["streamed once"]).stream(),
    });
    assert.equal(r.status, 407);
    await r.body?.cancel();
    assert.equal(proxy.proxyLog.length, 3);
  }
});

Deno.test("HttpAgent answers a proxy's Digest challenge on CONNECT, on each new tunnel", async () => {
  await using origin = await HttpTestServer.start({ tls: SERVER_TLS });
  origin.route("GET", "/", () => ({ body: "through the tunnel" }));
  await using proxy = await HttpTestServer.start({
    proxy: { ...PROXY_USER, scheme: "digest", algorithm: "SHA-256" },
  });
  const authority = `localhost:${origin.port}`;
  {
    // No keep-alive: every request opens a new tunnel.
    await using agent = new HttpAgent({
      proxy: { https: proxyUrl(proxy.port) },
      tls: { caCerts: [CA_CERT] },
      keepAlive: false,
    });
    for (let i = 0; i < 3; i++) {
      assert.equal(await (await agent.fetch(`https://${authority}/`)).text(), "through the tunnel");
    }
    assert.equal(agent.stats.connections, 3);
  }
  assert.deepEqual(proxy.proxyLog, Array(4).fill(authority));
  const sent = proxy.requests.map((r) => r.header("proxy-authorization")!);
  assert.match(sent[0]!, /^Basic /);
  const fields = sent.slice(1).map((v) => checkDigest(v, "sha256", "CONNECT", authority));
  assert.deepEqual(fields.map((p) => [p.algorithm, p.nc]), [
    ["SHA-256", "00000001"],
    ["SHA-256", "00000002"],
    ["SHA-256", "00000003"],
  ]);
  {
    await using agent = new HttpAgent({
      proxy: { https: proxyUrl(proxy.port, "wrong") },
      tls: { caCerts: [CA_CERT] },
    });
    const error = await agent.fetch(`https://${authority}/`).catch((e) => e);
    assert.ok(error instanceof HttpProxyError);
    assert.equal(error.status, 407);
    assert.equal(proxy.proxyLog.length, 6);
  }
});

Deno.test("HttpAgent reads HTTPS_PROXY from the environment for https URLs", async () => {
  await using origin = await HttpTestServer.start({ tls: SERVER_TLS });
  origin.route("GET", "/", () => ({ body: "secure origin" }));
  await using proxy = await HttpTestServer.start({ proxy: true });
  const names = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  try {
    for (const name of names) delete process.env[name];
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
    const url = `https://localhost:${origin.port}/`;
    {
      await using agent = new HttpAgent({ tls: { caCerts: [CA_CERT] } });
      assert.equal(await (await agent.fetch(url)).text(), "secure origin");
      assert.deepEqual(proxy.proxyLog, [`localhost:${origin.port}`]);
    }
    process.env.NO_PROXY = "localhost";
    {
      await using agent = new HttpAgent({ tls: { caCerts: [CA_CERT] } });
      assert.equal(await (await agent.fetch(url)).text(), "secure origin");
      assert.equal(proxy.proxyLog.length, 1);
    }
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});

Deno.test("HttpAgent times out the connect phase: a TLS handshake or a CONNECT never answered", async () => {
  // Accepts TCP connections and never says a word.
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const held: Conn[] = [];
  const accepting = (async () => {
    for (;;) {
      const conn = await listener.accept();
      if (conn === null) return;
      held.push(conn);
    }
  })();
  try {
    const port = listener.addr.port;
    {
      await using agent = new HttpAgent({ proxy: null, connectTimeoutMs: 100 });
      const error = await agent.fetch(`https://127.0.0.1:${port}/`).catch((e) => e);
      assert.ok(error instanceof HttpTimeoutError, String(error));
      assert.equal(error.phase, "connect");
    }
    {
      await using agent = new HttpAgent({
        proxy: { https: `http://127.0.0.1:${port}` },
        connectTimeoutMs: 100,
      });
      const error = await agent.fetch("https://example.invalid/").catch((e) => e);
      assert.ok(error instanceof HttpTimeoutError, String(error));
      assert.equal(error.phase, "connect");
    }
  } finally {
    listener.close();
    await accepting;
    for (const conn of held) conn.close();
  }
});
