// Copyright 2026 the portline authors. MIT license.
// FTP through a proxy: the control connection and every passive data
// connection are CONNECT tunnels through an HTTP proxy (HttpTestServer in
// proxy mode, or a scripted proxy that sends the server's greeting in the
// same write as its 200), with Basic and Digest proxy authentication, or
// through a SOCKS5 proxy (the in-process SocksTestServer), with FTPS inside.
import assert from "../_assert.ts";
import {
  BufferedReader,
  type Conn,
  connect,
  InvalidArgumentError,
  listen,
  TimeoutError,
} from "../../protocols/_core/mod.ts";
import {
  FtpClient,
  FtpMemoryFileSystem,
  FtpServer,
  SocksProxyError,
} from "../../protocols/ftp/mod.ts";
import { HttpProxyError, HttpTestServer } from "../../protocols/http/mod.ts";
import { SocksTestServer } from "../core/_socks_server.ts";
import { CA_CERT, pattern, SERVER_TLS, withFtp } from "./_setup.ts";

const caCerts = [CA_CERT];
const PROXY_USER = { username: "px", password: "pw:é" };

function proxyUrl(port: number, password = PROXY_USER.password): string {
  return `http://${PROXY_USER.username}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}

Deno.test("FtpClient proxy: control and passive data connections are CONNECT tunnels (Basic)", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { ...PROXY_USER } });
  const data = pattern(1_500_000);
  await withFtp({
    client: { proxy: proxyUrl(proxy.port) },
    files: { "/f.bin": data },
  }, async ({ server, client, fs }) => {
    assert.deepEqual(await client.downloadBytes("f.bin"), data);
    await client.upload("u.bin", data.subarray(0, 700_000));
    assert.deepEqual(fs.readFile("/u.bin"), data.subarray(0, 700_000));
    assert.deepEqual((await client.list()).map((e) => e.name), ["f.bin", "u.bin"]);
    // One tunnel for the control connection, then one per transfer, all to
    // the server's name (EPSV gives only a port), none refused.
    const authorities = proxy.proxyLog;
    assert.equal(authorities[0], `127.0.0.1:${server.port}`);
    assert.equal(authorities.length, 4);
    for (const a of authorities.slice(1)) assert.match(a, /^127\.0\.0\.1:\d+$/);
    assert.ok(proxy.requests.every((r) => /^Basic /.test(r.header("proxy-authorization") ?? "")));
  });
});

Deno.test("FtpClient proxy: a Digest challenge learnt on the control tunnel answers the data tunnels", async () => {
  await using proxy = await HttpTestServer.start({
    proxy: { ...PROXY_USER, scheme: "digest" },
  });
  await withFtp({
    client: { proxy: proxyUrl(proxy.port) },
    files: { "/a.txt": "through digest" },
  }, async ({ client }) => {
    assert.equal(await client.downloadText("a.txt"), "through digest");
    assert.equal(await client.downloadText("a.txt"), "through digest");
    // Basic refused once (407), then Digest for the control tunnel and the two data tunnels.
    const sent = proxy.requests.map((r) => r.header("proxy-authorization") ?? "");
    assert.equal(sent.length, 4);
    assert.match(sent[0]!, /^Basic /);
    for (const value of sent.slice(1)) assert.match(value, /^Digest /);
    assert.deepEqual(sent.slice(1).map((v) => /\bnc=(\w+)/.exec(v)?.[1]), [
      "00000001",
      "00000002",
      "00000003",
    ]);
  });
});

Deno.test("FtpClient proxy: EPSV refused, PASV's address is ignored unless trusted", async () => {
  for (const trustPasvAddress of [false, true]) {
    await using proxy = await HttpTestServer.start({ proxy: true });
    await withFtp({
      server: { disabledCommands: ["EPSV"] },
      client: { hostname: "localhost", proxy: `http://127.0.0.1:${proxy.port}`, trustPasvAddress },
      files: { "/a.txt": "pasv" },
    }, async ({ client, commands }) => {
      assert.equal(await client.downloadText("a.txt"), "pasv");
      assert.ok(commands.includes("PASV"));
      // The data tunnel goes to the server's name, or to the announced address when trusted.
      assert.match(proxy.proxyLog[1]!, trustPasvAddress ? /^127\.0\.0\.1:\d+$/ : /^localhost:\d+$/);
    });
  }
});

Deno.test("FtpClient proxy: explicit and implicit FTPS run end to end inside the tunnels", async () => {
  const data = pattern(300_000);
  for (const implicitTls of [false, true]) {
    await using proxy = await HttpTestServer.start({ proxy: true });
    await withFtp({
      server: { tls: SERVER_TLS, implicitTls },
      client: {
        hostname: "localhost",
        proxy: `http://127.0.0.1:${proxy.port}`,
        tls: { mode: implicitTls ? "implicit" : "starttls", caCerts },
      },
      files: { "/f.bin": data },
    }, async ({ client }) => {
      assert.equal(client.secure, true);
      assert.equal(client.dataProtected, true);
      assert.deepEqual(await client.downloadBytes("f.bin"), data);
      assert.equal(proxy.proxyLog.length, 2);
    });
  }
});

/**
 * A proxy that reads the upstream's first bytes (an FTP greeting) before it
 * answers, and sends its 200 and those bytes in one write: the client's
 * reader then holds the greeting past the proxy's answer.
 */
async function eagerProxy(
  controlPort: number,
): Promise<{ port: number; close: () => void; tunnels: number }> {
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Conn>();
  const state = { port: listener.addr.port, tunnels: 0, close: () => {} };
  const serve = async (client: Conn) => {
    const reader = new BufferedReader(client);
    const target = (await reader.readLine()).split(" ")[1]!;
    while ((await reader.readLine()) !== "");
    const [, host, port] = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target)!;
    const upstream = await connect({ hostname: host!, port: Number(port) });
    conns.add(upstream);
    state.tunnels++;
    const first = new Uint8Array(4096);
    // Data connections stay silent until the client sends RETR: no wait then.
    const speaks = target.endsWith(`:${controlPort}`);
    const n = speaks ? (await upstream.read(first)) ?? 0 : 0;
    const head = new TextEncoder().encode("HTTP/1.1 200 Connection Established\r\n\r\n");
    const out = new Uint8Array(head.byteLength + n);
    out.set(head);
    out.set(first.subarray(0, n), head.byteLength);
    await client.write(out);
    const up = (async () => {
      for (let chunk; (chunk = await reader.readChunk()) !== null;) await upstream.write(chunk);
      await upstream.closeWrite();
    })().catch(() => upstream.close());
    const down = (async () => {
      const buffer = new Uint8Array(65536);
      for (let m; (m = await upstream.read(buffer)) !== null;) {
        await client.write(buffer.subarray(0, m));
      }
    })().catch(() => {}).finally(() => client.close());
    await Promise.all([up, down]);
    upstream.close();
  };
  (async () => {
    for await (const client of listener) {
      conns.add(client);
      serve(client).catch(() => client.close());
    }
  })();
  state.close = () => {
    listener.close();
    for (const c of conns) c.close();
  };
  return state;
}

Deno.test("FtpClient proxy: a greeting sent with the proxy's 200 is read, then AUTH TLS starts on the tunnel", async () => {
  const server = await FtpServer.start({ tls: SERVER_TLS, users: { alice: "secret" } });
  const proxy = await eagerProxy(server.port);
  try {
    await using client = await FtpClient.connect({
      hostname: "localhost",
      port: server.port,
      user: "alice",
      password: "secret",
      proxy: `http://127.0.0.1:${proxy.port}`,
      tls: { mode: "starttls", caCerts },
      timeoutMs: 5000,
    });
    assert.equal(client.secure, true);
    assert.ok(client.welcome.join(" ").length > 0);
    await client.upload("x.txt", "eager");
    assert.equal(await client.downloadText("x.txt"), "eager");
    assert.equal(proxy.tunnels, 3);
  } finally {
    proxy.close();
    await server.close();
  }
});

Deno.test("FtpClient proxy: refusals are typed errors, active mode is refused before connecting", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { ...PROXY_USER } });
  const server = await FtpServer.start({ anonymous: true });
  try {
    const base = { hostname: "127.0.0.1", port: server.port, timeoutMs: 5000 };
    await assert.rejects(
      FtpClient.connect({ ...base, proxy: proxyUrl(proxy.port, "wrong") }),
      (error: unknown) => error instanceof HttpProxyError && error.status === 407,
    );
    await assert.rejects(
      FtpClient.connect({ ...base, proxy: `https://127.0.0.1:${proxy.port}` }),
      HttpProxyError,
    );
    const before = proxy.proxyLog.length;
    await assert.rejects(
      FtpClient.connect({ ...base, proxy: proxyUrl(proxy.port), passive: false }),
      (error: unknown) =>
        error instanceof InvalidArgumentError && /active mode/.test(error.message),
    );
    await assert.rejects(
      FtpClient.connect({ ...base, proxy: "http://px:s3cret@[bad" }),
      (error: unknown) => error instanceof InvalidArgumentError && !/s3cret/.test(error.message),
    );
    await assert.rejects(
      FtpClient.connect({ ...base, proxy: "socks4://127.0.0.1:1080" }),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        /"socks4:" proxy: supported are http:.*socks5:.*socks5h:/.test(error.message),
    );
    // A host name that would inject a header into the CONNECT request.
    await assert.rejects(
      FtpClient.connect({
        ...base,
        hostname: "127.0.0.1\r\nX-Evil: 1",
        proxy: proxyUrl(proxy.port),
      }),
      InvalidArgumentError,
    );
    assert.equal(proxy.proxyLog.length, before);
  } finally {
    await server.close();
  }
});

Deno.test("FtpClient proxy: a proxy that never answers times out, and a signal cancels", async () => {
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const held: Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const options = {
      hostname: "127.0.0.1",
      port: 21,
      proxy: `http://127.0.0.1:${listener.addr.port}`,
    };
    await assert.rejects(FtpClient.connect({ ...options, timeoutMs: 200 }), TimeoutError);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await assert.rejects(
      FtpClient.connect({ ...options, signal: controller.signal }),
      /stop/,
    );
  } finally {
    listener.close();
    for (const conn of held) conn.close();
    await accepting;
  }
});

Deno.test("FtpClient proxy: the pool of a recursive download tunnels too (clone keeps the proxy)", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { ...PROXY_USER } });
  const { mkdtemp, readFile, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const local = await mkdtemp(`${tmpdir()}/portline-ftp-proxy-`);
  try {
    await withFtp({
      client: { proxy: proxyUrl(proxy.port) },
      files: { "/t/a.txt": "a", "/t/b.txt": "bb", "/t/sub/c.txt": "ccc", "/t/sub/d.txt": "dddd" },
    }, async ({ server, client }) => {
      const result = await client.downloadDir("t", `${local}/copy`, { concurrency: 3 });
      assert.equal(result.files, 4);
      assert.equal(await readFile(`${local}/copy/sub/d.txt`, "utf8"), "dddd");
      // Every control connection (this client's and the pool's) came through the proxy.
      const controls = proxy.proxyLog.filter((a) => a === `127.0.0.1:${server.port}`);
      assert.ok(controls.length >= 2, proxy.proxyLog.join(" "));
      assert.ok(proxy.requests.every((r) => /^Basic /.test(r.header("proxy-authorization") ?? "")));
    });
  } finally {
    await rm(local, { recursive: true });
  }
});

Deno.test("FtpClient proxy: socks5h carries the control and every passive data connection (user name and password)", async () => {
  await using proxy = await SocksTestServer.start({ users: { px: "pw:é" } });
  const data = pattern(1_200_000);
  await withFtp({
    client: {
      hostname: "localhost",
      proxy: proxy.url("socks5h", { username: "px", password: "pw:é" }),
    },
    files: { "/f.bin": data },
  }, async ({ server, client, fs }) => {
    assert.deepEqual(await client.downloadBytes("f.bin"), data);
    await client.upload("u.bin", data.subarray(0, 600_000));
    assert.deepEqual(fs.readFile("/u.bin"), data.subarray(0, 600_000));
    assert.deepEqual((await client.list()).map((e) => e.name), ["f.bin", "u.bin"]);
    // The control connection, then one data connection per transfer, all
    // authenticated and all to the server's name, for the proxy to resolve.
    const requests = proxy.requests;
    assert.equal(requests.length, 4);
    assert.equal(requests[0]!.port, server.port);
    for (const request of requests) {
      assert.equal(request.method, 2);
      assert.equal(request.password, "pw:é");
      assert.equal(request.addressType, 3);
      assert.equal(request.host, "localhost");
    }
    assert.ok(requests.slice(1).every((r) => r.port !== server.port));
  });
});

Deno.test("FtpClient proxy: socks5 resolves the server's name here and sends its address", async () => {
  await using proxy = await SocksTestServer.start();
  await withFtp({
    client: { hostname: "localhost", proxy: proxy.url("socks5") },
    files: { "/a.txt": "resolved locally" },
  }, async ({ client }) => {
    assert.equal(await client.downloadText("a.txt"), "resolved locally");
    assert.equal(proxy.requests.length, 2);
    for (const request of proxy.requests) {
      assert.ok(request.addressType === 1 || request.addressType === 4);
      assert.match(request.host!, /^(127\.0\.0\.1|0:0:0:0:0:0:0:1)$/);
    }
  });
});

Deno.test("FtpClient proxy: explicit FTPS inside SOCKS tunnels, the greeting sent with the proxy's reply", async () => {
  const data = pattern(300_000);
  const server = await FtpServer.start({
    tls: SERVER_TLS,
    users: { alice: "secret" },
    fs: new FtpMemoryFileSystem({ "/f.bin": data }),
  });
  // The proxy reads the server's greeting before it replies and sends both
  // in one write: the client reads the greeting past the reply, then
  // starts TLS on the tunnel (AUTH TLS).
  await using proxy = await SocksTestServer.start({ greetingPorts: [server.port] });
  try {
    await using client = await FtpClient.connect({
      hostname: "localhost",
      port: server.port,
      user: "alice",
      password: "secret",
      proxy: proxy.url("socks5h"),
      tls: { mode: "starttls", caCerts },
      timeoutMs: 5000,
    });
    assert.equal(client.secure, true);
    assert.equal(client.dataProtected, true);
    assert.ok(client.welcome.join(" ").length > 0);
    assert.deepEqual(await client.downloadBytes("f.bin"), data);
    await client.upload("u.bin", data);
    assert.deepEqual(await client.downloadBytes("u.bin"), data);
    assert.equal(proxy.requests.length, 4);
  } finally {
    await server.close();
  }
});

Deno.test("FtpClient proxy: implicit FTPS inside a SOCKS tunnel", async () => {
  await using proxy = await SocksTestServer.start();
  await withFtp({
    server: { tls: SERVER_TLS, implicitTls: true },
    client: {
      hostname: "localhost",
      proxy: proxy.url("socks5h"),
      tls: { mode: "implicit", caCerts },
    },
    files: { "/f.txt": "implicit through socks" },
  }, async ({ client }) => {
    assert.equal(client.secure, true);
    assert.equal(await client.downloadText("f.txt"), "implicit through socks");
    assert.equal(proxy.requests.length, 2);
  });
});

Deno.test("FtpClient proxy: SOCKS refusals are SocksProxyErrors; active mode and long credentials are refused before connecting", async () => {
  const server = await FtpServer.start({ anonymous: true });
  try {
    const base = { hostname: "127.0.0.1", port: server.port, timeoutMs: 5000 };
    {
      await using refusing = await SocksTestServer.start({ reply: 2 });
      await assert.rejects(
        FtpClient.connect({ ...base, proxy: refusing.url("socks5h") }),
        (error: unknown) =>
          error instanceof SocksProxyError && error.reply === 2 &&
          /connection not allowed by ruleset/.test(error.message),
      );
    }
    await using proxy = await SocksTestServer.start({ users: { px: "pw" } });
    await assert.rejects(
      FtpClient.connect({
        ...base,
        proxy: proxy.url("socks5h", { username: "px", password: "s3cret" }),
      }),
      (error: unknown) =>
        error instanceof SocksProxyError && error.reply === undefined &&
        !error.message.includes("s3cret"),
    );
    const before = proxy.requests.length;
    await assert.rejects(
      FtpClient.connect({ ...base, proxy: proxy.url("socks5h"), passive: false }),
      (error: unknown) =>
        error instanceof InvalidArgumentError && /active mode/.test(error.message),
    );
    await assert.rejects(
      FtpClient.connect({
        ...base,
        proxy: proxy.url("socks5h", { username: "px", password: "p".repeat(256) }),
      }),
      (error: unknown) =>
        error instanceof InvalidArgumentError && /255/.test(error.message) &&
        !error.message.includes("pppp"),
    );
    assert.equal(proxy.requests.length, before);
  } finally {
    await server.close();
  }
});
