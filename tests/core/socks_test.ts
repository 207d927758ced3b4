// Copyright 2026 the portline authors. MIT license.
// openSocksTunnel() against the in-process SOCKS5 proxy: socks5h and socks5
// targets, no authentication and user name/password, refusals with their
// reasons, bytes after the reply handed out exactly, and every way a proxy
// can fail the handshake ending in a typed error within the deadline.
import { lookup } from "node:dns/promises";
import assert from "../_assert.ts";
import {
  type Conn,
  ConnectError,
  InvalidArgumentError,
  listen,
  openSocksTunnel,
  SocksProxyError,
  TimeoutError,
} from "../../protocols/_core/mod.ts";
import { SocksTestServer } from "./_socks_server.ts";
import { scriptedServer } from "./_chunks.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const USER = { username: "alice", password: "pä:ss/wörd" };

/** A target that sends `greeting`, then echoes what it reads until the client half-closes. */
async function echoTarget(greeting = ""): Promise<{ port: number } & AsyncDisposable> {
  const server = await scriptedServer(async (conn) => {
    if (greeting !== "") await conn.write(encoder.encode(greeting));
    const buffer = new Uint8Array(1024);
    for (let n; (n = await conn.read(buffer)) !== null;) await conn.write(buffer.subarray(0, n));
  });
  return { port: server.port, [Symbol.asyncDispose]: () => server.close() };
}

async function readAll(conn: Conn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(7);
  for (let n; (n = await conn.read(buffer)) !== null;) {
    text += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
  return text;
}

/** Writes `text`, half-closes, and reads what comes back. */
async function roundTrip(conn: Conn, text: string): Promise<string> {
  await conn.write(encoder.encode(text));
  await conn.closeWrite();
  return await readAll(conn);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

Deno.test("openSocksTunnel() socks5h sends the name as a domain, no authentication offered without credentials", async () => {
  await using target = await echoTarget();
  await using proxy = await SocksTestServer.start();
  const conn = await openSocksTunnel(proxy.url("socks5h"), "localhost", target.port);
  try {
    assert.equal(await roundTrip(conn, "ping through socks"), "ping through socks");
  } finally {
    conn.close();
  }
  assert.deepEqual(proxy.requests, [{
    methods: [0],
    method: 0,
    command: 1,
    addressType: 3,
    host: "localhost",
    port: target.port,
  }]);
});

Deno.test("openSocksTunnel() socks5 resolves the name here and sends the address", async () => {
  await using target = await echoTarget();
  await using proxy = await SocksTestServer.start();
  const conn = await openSocksTunnel(proxy.url("socks5"), "localhost", target.port);
  try {
    assert.equal(await roundTrip(conn, "resolved"), "resolved");
  } finally {
    conn.close();
  }
  const { address, family } = await lookup("localhost");
  const [request] = proxy.requests;
  assert.equal(request!.addressType, family === 6 ? 4 : 1);
  assert.equal(request!.host, family === 6 ? "0:0:0:0:0:0:0:1" : address);
});

Deno.test("openSocksTunnel() sends IP literals as addresses with both schemes (IPv6 too)", async () => {
  await using target = await echoTarget();
  await using proxy = await SocksTestServer.start();
  for (const scheme of ["socks5", "socks5h"] as const) {
    const conn = await openSocksTunnel(proxy.url(scheme), "127.0.0.1", target.port);
    conn.close();
  }
  assert.deepEqual(proxy.requests.map((r) => [r.addressType, r.host]), [
    [1, "127.0.0.1"],
    [1, "127.0.0.1"],
  ]);
  // IPv6, bracketed or not, with an embedded IPv4 tail: the proxy refuses
  // (nothing listens there), what matters is what it was asked.
  await using refusing = await SocksTestServer.start({ reply: 5 });
  for (const host of ["::1", "[2001:db8::7]", "::ffff:192.0.2.1"]) {
    await assert.rejects(openSocksTunnel(refusing.url("socks5h"), host, 21), SocksProxyError);
  }
  assert.deepEqual(refusing.requests.map((r) => [r.addressType, r.host]), [
    [4, "0:0:0:0:0:0:0:1"],
    [4, "2001:db8:0:0:0:0:0:7"],
    [4, "0:0:0:0:0:ffff:c000:201"],
  ]);
});

Deno.test("openSocksTunnel() authenticates with user name and password when the proxy picks it", async () => {
  await using target = await echoTarget();
  await using proxy = await SocksTestServer.start({ users: { [USER.username]: USER.password } });
  const conn = await openSocksTunnel(proxy.url("socks5h", USER), "localhost", target.port);
  try {
    assert.equal(await roundTrip(conn, "authenticated"), "authenticated");
  } finally {
    conn.close();
  }
  const [request] = proxy.requests;
  assert.deepEqual(request!.methods, [0, 2]);
  assert.equal(request!.method, 2);
  // Percent-decoded, sent as UTF-8.
  assert.equal(request!.username, USER.username);
  assert.equal(request!.password, USER.password);
});

Deno.test("openSocksTunnel() offers both methods and goes on when the proxy picks none", async () => {
  await using target = await echoTarget();
  await using proxy = await SocksTestServer.start();
  const conn = await openSocksTunnel(proxy.url("socks5h", USER), "localhost", target.port);
  conn.close();
  assert.deepEqual(proxy.requests[0]!.methods, [0, 2]);
  assert.equal(proxy.requests[0]!.method, 0);
  assert.equal(proxy.requests[0]!.username, undefined);
});

Deno.test("openSocksTunnel() refused credentials and refused methods are SocksProxyErrors without the password", async () => {
  await using proxy = await SocksTestServer.start({ users: { [USER.username]: USER.password } });
  const wrong = { username: USER.username, password: "n0t-th3-pa55word" };
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h", wrong), "localhost", 21),
    (error: unknown) =>
      error instanceof SocksProxyError && error.reply === undefined &&
      /refused the user name and password/.test(error.message) &&
      !error.message.includes(wrong.password) && !error.message.includes("n0t"),
  );
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h"), "localhost", 21),
    (error: unknown) =>
      error instanceof SocksProxyError && error.reply === undefined &&
      /requires authentication/.test(error.message),
  );
  assert.deepEqual(proxy.requests.map((r) => r.method), [2, 0xff]);
});

Deno.test("openSocksTunnel() turns each reply code into a SocksProxyError with its reason", async () => {
  const reasons: [number, RegExp][] = [
    [1, /general SOCKS server failure/],
    [2, /connection not allowed by ruleset/],
    [3, /network unreachable/],
    [4, /host unreachable/],
    [5, /connection refused/],
    [6, /TTL expired/],
    [7, /command not supported/],
    [8, /address type not supported/],
    [9, /unassigned reply code 9/],
    [255, /unassigned reply code 255/],
  ];
  for (const [reply, reason] of reasons) {
    await using proxy = await SocksTestServer.start({ reply });
    await assert.rejects(
      openSocksTunnel(proxy.url("socks5h", USER), "ftp.example", 21),
      (error: unknown) =>
        error instanceof SocksProxyError && error.reply === reply &&
        error.code === "ERR_SOCKS_PROXY" && reason.test(error.message) &&
        /ftp\.example:21/.test(error.message) && /127\.0\.0\.1:\d+/.test(error.message) &&
        !error.message.includes("pä") && !error.message.includes("p%C3%A4"),
    );
  }
  // A target the proxy cannot reach: its own refusal.
  await using proxy = await SocksTestServer.start();
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h"), "127.0.0.1", await closedPort()),
    (error: unknown) => error instanceof SocksProxyError && error.reply === 5,
  );
});

Deno.test("openSocksTunnel() a refusal cut short after its code is still the refusal", async () => {
  await using proxy = await SocksTestServer.start({
    misbehave: { step: "reply", action: Uint8Array.of(5, 4) },
  });
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h"), "ftp.example", 21),
    (error: unknown) =>
      error instanceof SocksProxyError && error.reply === 4 &&
      /host unreachable/.test(error.message),
  );
});

Deno.test("openSocksTunnel() hands out the bytes that came with the reply first, exactly", async () => {
  await using target = await echoTarget("world\r\n");
  // Bound addresses of each type: the reply's length must be read right, or
  // the bytes after it come out shifted.
  const bounds = [
    Uint8Array.of(1, 10, 0, 0, 1, 0x1f, 0x90),
    Uint8Array.of(3, 4, ...encoder.encode("edge"), 0, 21),
    Uint8Array.of(4, ...new Uint8Array(15), 1, 0x04, 0x38),
    Uint8Array.of(3, 0, 0, 0),
  ];
  for (const bound of bounds) {
    await using proxy = await SocksTestServer.start({
      bound,
      afterReply: encoder.encode("220 hello "),
      greetingPorts: [target.port],
    });
    const conn = await openSocksTunnel(proxy.url("socks5h"), "localhost", target.port, {
      serverSpeaksFirst: true,
    });
    try {
      // The target's greeting came in the same write as the reply, after
      // the proxy's own bytes; the echo follows.
      assert.equal(await roundTrip(conn, "echo"), "220 hello world\r\necho");
    } finally {
      conn.close();
    }
  }
});

Deno.test("openSocksTunnel() refuses bytes before a TLS handshake", async () => {
  await using target = await echoTarget();
  await using proxy = await SocksTestServer.start({ afterReply: encoder.encode("\x16junk") });
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h"), "localhost", target.port),
    (error: unknown) =>
      error instanceof SocksProxyError && /before the TLS handshake/.test(error.message),
  );
});

Deno.test("openSocksTunnel() a silent proxy is a TimeoutError within the deadline, at every step", async () => {
  for (const step of ["method", "auth", "reply"] as const) {
    await using proxy = await SocksTestServer.start({
      users: { [USER.username]: USER.password },
      misbehave: { step, action: "silence" },
    });
    const started = performance.now();
    await assert.rejects(
      openSocksTunnel(proxy.url("socks5h", USER), "ftp.example", 21, { timeoutMs: 200 }),
      (error: unknown) =>
        error instanceof TimeoutError && /no answer within 200 ms/.test(error.message) &&
        /SOCKS tunnel to ftp\.example:21/.test(error.message),
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 150 && elapsed < 2000, `${step}: ${elapsed} ms`);
  }
});

Deno.test("openSocksTunnel() an abort signal ends the handshake with its reason", async () => {
  await using proxy = await SocksTestServer.start({
    misbehave: { step: "method", action: "silence" },
  });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stopped by the caller")), 50);
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h"), "ftp.example", 21, { signal: controller.signal }),
    /stopped by the caller/,
  );
  // Aborted before it starts: no connection at all.
  const before = proxy.requests.length;
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5h"), "ftp.example", 21, {
      signal: AbortSignal.abort(new Error("already")),
    }),
    /already/,
  );
  assert.equal(proxy.requests.length, before);
});

Deno.test("openSocksTunnel() a proxy that closes or answers garbage gives a SocksProxyError", async () => {
  const cases: [
    { step: "method" | "auth" | "reply"; action: "close" | Uint8Array },
    RegExp,
  ][] = [
    [{ step: "method", action: "close" }, /closed the connection/],
    [{ step: "auth", action: "close" }, /closed the connection/],
    [{ step: "reply", action: "close" }, /closed the connection/],
    [
      { step: "method", action: encoder.encode("HTTP/1.1 400 Bad Request\r\n\r\n") },
      /version 72, not 5/,
    ],
    [{ step: "method", action: Uint8Array.of(5) }, /closed the connection/],
    [{ step: "method", action: Uint8Array.of(5, 3) }, /method 3, which was not offered/],
    [{ step: "auth", action: Uint8Array.of(7, 0) }, /version 7, not 1/],
    [{ step: "reply", action: Uint8Array.of(4, 0, 0, 1) }, /version 4, not 5/],
    [{ step: "reply", action: Uint8Array.of(5, 0, 0, 9, 1, 2, 3, 4) }, /address type 9/],
    [{ step: "reply", action: Uint8Array.of(5, 0, 0, 1, 127, 0) }, /closed the connection/],
    [{ step: "reply", action: Uint8Array.of(5, 0, 0, 3, 200, 1, 2) }, /closed the connection/],
  ];
  for (const [misbehave, message] of cases) {
    await using proxy = await SocksTestServer.start({
      users: { [USER.username]: USER.password },
      misbehave,
    });
    await assert.rejects(
      openSocksTunnel(proxy.url("socks5h", USER), "ftp.example", 21, { timeoutMs: 2000 }),
      (error: unknown) =>
        error instanceof SocksProxyError && message.test(error.message) &&
        !error.message.includes("pä"),
      `${misbehave.step} ${misbehave.action}`,
    );
  }
});

Deno.test("openSocksTunnel() bad arguments are InvalidArgumentErrors before connecting", async () => {
  await using proxy = await SocksTestServer.start();
  const long = "x".repeat(256);
  const cases: [string, string, number, RegExp][] = [
    [proxy.url("socks5h", { username: long, password: "pw" }), "h", 21, /user name is 256 bytes/],
    [proxy.url("socks5h", { username: "u", password: "é".repeat(128) }), "h", 21, /password/],
    [`socks4://127.0.0.1:${proxy.port}`, "h", 21, /socks5:\/\/ and socks5h:\/\//],
    ["socks5h://u:s3cret@[bad", "h", 21, /not a URL/],
    [proxy.url("socks5h"), "ftp.example\r\nX: 1", 21, /not a host name/],
    [proxy.url("socks5h"), "x".repeat(256), 21, /not a host name/],
    [proxy.url("socks5h"), "", 21, /not a host name/],
    [proxy.url("socks5h"), "ftp.example", 0, /port 0/],
    [proxy.url("socks5h"), "ftp.example", 65536, /port 65536/],
  ];
  for (const [url, host, port, message] of cases) {
    await assert.rejects(
      openSocksTunnel(url, host, port),
      (error: unknown) =>
        error instanceof InvalidArgumentError && message.test(error.message) &&
        !error.message.includes("s3cret") && !error.message.includes("éé"),
      `${host} ${port} ${message}`,
    );
  }
  // 255 bytes each is the most that fits, and is accepted.
  await using target = await echoTarget();
  const max = { username: "u".repeat(255), password: "p".repeat(255) };
  (await openSocksTunnel(proxy.url("socks5h", max), "localhost", target.port)).close();
  assert.equal(proxy.requests.length, 1);
});

Deno.test("openSocksTunnel() an unreachable proxy or an unknown name is a ConnectError", async () => {
  await assert.rejects(
    openSocksTunnel(`socks5h://127.0.0.1:${await closedPort()}`, "ftp.example", 21),
    ConnectError,
  );
  await using proxy = await SocksTestServer.start();
  await assert.rejects(
    openSocksTunnel(proxy.url("socks5"), "no-such-host.invalid", 21, { timeoutMs: 5000 }),
    (error: unknown) =>
      error instanceof ConnectError && /no-such-host\.invalid/.test(error.message),
  );
  // socks5 resolved nothing, so it never asked the proxy.
  assert.equal(proxy.requests.length, 0);
});
