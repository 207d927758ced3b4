// Copyright 2026 the portline authors. MIT license.
// HttpAgent through SOCKS5 proxies: http: and https: origins in tunnels
// (origin-form requests, TLS inside), socks5h and socks5 name resolution,
// keep-alive reuse of a tunnel, the stale-connection retry, refusals and
// timeouts, and ALL_PROXY from the environment with NO_PROXY.
import assert from "../_assert.ts";
import process from "node:process";
import { lookup } from "node:dns/promises";
import {
  HttpAgent,
  httpFetch,
  httpProxyFor,
  httpProxyFromEnv,
  HttpTestServer,
  HttpTimeoutError,
  SocksProxyError,
} from "../../protocols/http/mod.ts";
import { TlsError } from "../../protocols/_core/mod.ts";
import { SocksTestServer } from "../core/_socks_server.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

const USER = { username: "px", password: "s3cr\u00e9t:pw" };

/** An origin that answers with the request's target and Host field. */
async function echoOrigin(tls?: typeof SERVER_TLS): Promise<HttpTestServer> {
  const origin = await HttpTestServer.start(tls ? { tls } : {});
  origin.route("*", "*", (req) => ({ body: `${req.method} ${req.target} ${req.header("host")}` }));
  return origin;
}

Deno.test("HttpAgent through socks5h: an http: origin in origin form, user name and password sent", async () => {
  await using origin = await echoOrigin();
  await using proxy = await SocksTestServer.start({ users: { [USER.username]: USER.password } });
  await using agent = new HttpAgent({ proxy: proxy.url("socks5h", USER) });
  const url = `http://localhost:${origin.port}/path?q=1`;
  assert.equal(
    await (await agent.fetch(url)).text(),
    `GET /path?q=1 localhost:${origin.port}`,
  );
  assert.deepEqual(origin.requests.map((r) => r.target), ["/path?q=1"]);
  // The name goes to the proxy, which resolves it.
  assert.deepEqual(proxy.requests, [{
    methods: [0, 2],
    method: 2,
    username: USER.username,
    password: USER.password,
    command: 1,
    addressType: 3,
    host: "localhost",
    port: origin.port,
  }]);
});

Deno.test("HttpAgent through socks5h: TLS with an https: origin inside the tunnel, its certificate verified", async () => {
  await using origin = await echoOrigin(SERVER_TLS);
  await using proxy = await SocksTestServer.start({ users: { [USER.username]: USER.password } });
  const url = `https://localhost:${origin.port}/secure?x`;
  {
    await using agent = new HttpAgent({
      proxy: { https: proxy.url("socks5h", USER) },
      tls: { caCerts: [CA_CERT] },
    });
    assert.equal(await (await agent.fetch(url)).text(), `GET /secure?x localhost:${origin.port}`);
  }
  assert.deepEqual(origin.requests.map((r) => r.target), ["/secure?x"]);
  assert.equal(proxy.requests.length, 1);
  assert.deepEqual(
    [proxy.requests[0]!.addressType, proxy.requests[0]!.host, proxy.requests[0]!.port],
    [3, "localhost", origin.port],
  );
  assert.equal(proxy.requests[0]!.password, USER.password);
  // TLS inside the tunnel verifies the origin: a CA it does not know fails.
  {
    await using agent = new HttpAgent({ proxy: { https: proxy.url("socks5h", USER) } });
    await assert.rejects(agent.fetch(url), TlsError);
  }
  assert.equal(proxy.requests.length, 2);
  assert.equal(origin.requests.length, 1);
});

Deno.test("HttpAgent through socks5: the origin's name is resolved here and its address sent", async () => {
  await using origin = await echoOrigin();
  await using proxy = await SocksTestServer.start();
  await using agent = new HttpAgent({ proxy: proxy.url("socks5") });
  const response = await httpFetch(`http://localhost:${origin.port}/`, { agent });
  // The Host field keeps the name.
  assert.equal(await response.text(), `GET / localhost:${origin.port}`);
  const { address, family } = await lookup("localhost");
  assert.equal(proxy.requests.length, 1);
  const [request] = proxy.requests;
  assert.deepEqual(request!.methods, [0]);
  assert.equal(request!.addressType, family === 6 ? 4 : 1);
  assert.equal(request!.host, family === 6 ? "0:0:0:0:0:0:0:1" : address);
  assert.equal(request!.port, origin.port);
});

Deno.test("HttpAgent keeps a SOCKS tunnel alive: two requests, one SOCKS CONNECT, one pool per origin", async () => {
  await using origin = await echoOrigin();
  await using other = await echoOrigin();
  await using proxy = await SocksTestServer.start();
  await using agent = new HttpAgent({ proxy: proxy.url("socks5h") });
  for (const path of ["/one", "/two"]) {
    assert.equal(
      await (await agent.fetch(`http://localhost:${origin.port}${path}`)).text(),
      `GET ${path} localhost:${origin.port}`,
    );
  }
  assert.equal(proxy.requests.length, 1);
  assert.equal(origin.connectionCount, 1);
  assert.deepEqual([agent.stats.connections, agent.stats.reused], [1, 1]);
  // Another origin behind the same proxy is another tunnel.
  assert.equal(
    await (await agent.fetch(`http://127.0.0.1:${other.port}/`)).text(),
    `GET / 127.0.0.1:${other.port}`,
  );
  assert.deepEqual(proxy.requests.map((r) => [r.addressType, r.host, r.port]), [
    [3, "localhost", origin.port],
    [1, "127.0.0.1", other.port],
  ]);
  assert.equal(agent.stats.connections, 2);
});

Deno.test("HttpAgent through SOCKS: the socket limit and the stale-connection retry apply to tunnels", async () => {
  await using origin = await HttpTestServer.start();
  // The third request (on the reused tunnel) gets no answer: the server reads it and hangs up.
  let n = 0;
  origin.route("GET", "/", () => {
    n++;
    return n === 3 ? { raw: "", close: true } : { body: "ok", delayMs: 20 };
  });
  await using proxy = await SocksTestServer.start();
  await using agent = new HttpAgent({ proxy: proxy.url("socks5h"), maxSocketsPerOrigin: 1 });
  const url = `http://localhost:${origin.port}/`;
  // Two at once share the one tunnel allowed.
  const both = await Promise.all(
    [agent.fetch(url), agent.fetch(url)].map((r) => r.then((x) => x.text())),
  );
  assert.deepEqual(both, ["ok", "ok"]);
  assert.equal(proxy.requests.length, 1);
  // The stale tunnel is retried once, through a new tunnel.
  assert.equal(await (await agent.fetch(url)).text(), "ok");
  assert.equal(agent.stats.retries, 1);
  assert.equal(n, 4);
  assert.equal(proxy.requests.length, 2);
  assert.equal(agent.stats.connections, 2);
});

Deno.test("HttpAgent surfaces a SOCKS refusal as SocksProxyError, without the proxy's password", async () => {
  await using origin = await echoOrigin();
  for (const scheme of ["http", "https"]) {
    // Refused with reply 5 (connection refused).
    await using refusing = await SocksTestServer.start({ reply: 5 });
    await using agent = new HttpAgent({ proxy: refusing.url("socks5h", USER) });
    const error = await agent.fetch(`${scheme}://localhost:${origin.port}/`).catch((e) => e);
    assert.ok(error instanceof SocksProxyError, String(error));
    assert.equal(error.reply, 5);
    assert.ok(!error.message.includes("s3cr"), error.message);
    assert.equal(refusing.requests.length, 1);
  }
  // Wrong credentials.
  await using strict = await SocksTestServer.start({ users: { px: "other" } });
  await using agent = new HttpAgent({ proxy: strict.url("socks5h", USER) });
  const error = await agent.fetch(`http://localhost:${origin.port}/`).catch((e) => e);
  assert.ok(error instanceof SocksProxyError, String(error));
  assert.match(error.message, /refused the user name and password/);
  assert.ok(!error.message.includes("s3cr"), error.message);
  assert.equal(origin.requests.length, 0);
});

Deno.test("HttpAgent times out a silent SOCKS proxy with the connect phase's HttpTimeoutError", async () => {
  for (const step of ["method", "reply"] as const) {
    await using silent = await SocksTestServer.start({ misbehave: { step, action: "silence" } });
    await using agent = new HttpAgent({
      proxy: silent.url("socks5h", USER),
      connectTimeoutMs: 100,
    });
    const error = await agent.fetch("https://example.invalid/").catch((e) => e);
    assert.ok(error instanceof HttpTimeoutError, String(error));
    assert.equal(error.phase, "connect");
    assert.ok(!error.message.includes("s3cr"), error.message);
  }
});

Deno.test("HttpAgent refuses a proxy scheme it does not know with a TypeError that keeps the password out", async () => {
  await using origin = await echoOrigin();
  await using agent = new HttpAgent({ proxy: "socks4://px:s3cret@127.0.0.1:1080" });
  for (const url of [origin.url, "https://example.org/"]) {
    await assert.rejects(
      agent.fetch(url),
      (error: unknown) =>
        error instanceof TypeError && /"socks4:" proxy for HTTP/.test(error.message) &&
        !error.message.includes("s3cret"),
    );
  }
  assert.equal(origin.requests.length, 0);
});

const ENV_NAMES = [
  "http_proxy",
  "HTTP_PROXY",
  "https_proxy",
  "HTTPS_PROXY",
  "all_proxy",
  "ALL_PROXY",
  "no_proxy",
  "NO_PROXY",
];

/** Runs `body` with only the given proxy variables set, then restores the environment. */
async function withProxyEnv(
  vars: Record<string, string>,
  body: () => Promise<void> | void,
): Promise<void> {
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  try {
    for (const name of ENV_NAMES) delete process.env[name];
    Object.assign(process.env, vars);
    await body();
  } finally {
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

Deno.test("httpProxyFromEnv() falls back to ALL_PROXY for each scheme, the scheme's own variable first", async () => {
  await withProxyEnv({ ALL_PROXY: "socks5h://a:1080" }, () => {
    assert.deepEqual(httpProxyFromEnv(), { http: "socks5h://a:1080", https: "socks5h://a:1080" });
  });
  await withProxyEnv({
    all_proxy: "socks5://lower:1080",
    ALL_PROXY: "socks5://upper:1080",
    HTTP_PROXY: "http://h:3128",
    no_proxy: "localhost",
  }, () => {
    const config = httpProxyFromEnv();
    assert.deepEqual(config, {
      http: "http://h:3128",
      https: "socks5://lower:1080",
      noProxy: "localhost",
    });
    assert.equal(httpProxyFor(new URL("https://example.org/"), config)?.host, "lower:1080");
    assert.equal(httpProxyFor(new URL("https://localhost/"), config), null);
  });
  // An empty variable counts as unset.
  await withProxyEnv({ https_proxy: "", all_proxy: "socks5h://a:1080" }, () => {
    assert.equal(httpProxyFromEnv().https, "socks5h://a:1080");
  });
});

Deno.test("HttpAgent reads a SOCKS ALL_PROXY from the environment, and NO_PROXY exempts hosts", async () => {
  await using origin = await echoOrigin();
  await using secure = await echoOrigin(SERVER_TLS);
  await using proxy = await SocksTestServer.start({ users: { [USER.username]: USER.password } });
  await using httpProxy = await HttpTestServer.start({ proxy: true });
  const plainUrl = `http://localhost:${origin.port}/p`;
  const secureUrl = `https://localhost:${secure.port}/s`;
  await withProxyEnv({ ALL_PROXY: proxy.url("socks5h", USER) }, async () => {
    await using agent = new HttpAgent({ tls: { caCerts: [CA_CERT] } });
    assert.equal(await (await agent.fetch(plainUrl)).text(), `GET /p localhost:${origin.port}`);
    assert.equal(await (await agent.fetch(secureUrl)).text(), `GET /s localhost:${secure.port}`);
    assert.deepEqual(proxy.requests.map((r) => [r.host, r.port]), [
      ["localhost", origin.port],
      ["localhost", secure.port],
    ]);
  });
  // HTTP_PROXY wins over ALL_PROXY for http: URLs; https: ones still take ALL_PROXY.
  await withProxyEnv({
    all_proxy: proxy.url("socks5h", USER),
    HTTP_PROXY: `http://127.0.0.1:${httpProxy.port}`,
  }, async () => {
    await using agent = new HttpAgent({ tls: { caCerts: [CA_CERT] } });
    assert.equal(await (await agent.fetch(plainUrl)).text(), `GET /p localhost:${origin.port}`);
    assert.deepEqual(httpProxy.proxyLog, [plainUrl]);
    assert.equal(await (await agent.fetch(secureUrl)).text(), `GET /s localhost:${secure.port}`);
    assert.equal(proxy.requests.length, 3);
  });
  await withProxyEnv({ ALL_PROXY: proxy.url("socks5h", USER), NO_PROXY: "localhost" }, async () => {
    await using agent = new HttpAgent({ tls: { caCerts: [CA_CERT] } });
    assert.equal(await (await agent.fetch(plainUrl)).text(), `GET /p localhost:${origin.port}`);
    assert.equal(await (await agent.fetch(secureUrl)).text(), `GET /s localhost:${secure.port}`);
    assert.equal(proxy.requests.length, 3);
  });
  assert.equal(httpProxy.proxyLog.length, 1);
  // The origins saw origin-form targets only (the HTTP proxy forwards in origin form too).
  assert.ok(
    [...origin.requests, ...secure.requests].every((r) => r.target.startsWith("/")),
  );
});
