// Copyright 2026 the portline authors. MIT license.
// The Node transport (what the npm build swaps in for transport_deno.ts),
// tested directly. It is node:net/node:tls only, so this file runs under
// `deno test` too; the npm build runs it again under Node.
import assert from "../_assert.ts";
import * as net from "node:net";
import * as tls from "node:tls";
import { Buffer } from "node:buffer";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { connect, listen, startTls, startTlsServer } from "../../protocols/_core/transport_node.ts";
import {
  BufferedReader,
  type Conn,
  ConnectError,
  memoryConn,
  TimeoutError,
  TlsError,
} from "../../protocols/_core/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

const enc = new TextEncoder();
// Deno's node:tls ignores `session` (no TLS resumption there); Node resumes.
const IS_DENO = "deno" in process.versions;

/** Reads until end of stream. */
async function readAll(conn: Conn): Promise<string> {
  const buffer = new Uint8Array(1024);
  let text = "";
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) return text;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
}

/** A node:net/node:tls server that runs `handle` per socket; closes with `close()`. */
async function nodeServer(
  server: net.Server,
  handle: (socket: net.Socket) => void,
  where: { port: number } | { path: string } = { port: 0 },
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on(server instanceof tls.Server ? "secureConnection" : "connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    handle(s);
  });
  await new Promise<void>((resolve) =>
    "path" in where ? server.listen(where.path, resolve) : server.listen(0, "127.0.0.1", resolve)
  );
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

Deno.test("transport_node connect() talks to listen() over plain TCP, Buffer accepted", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const conn = (await listener.accept())!;
    assert.equal(conn.secure, false);
    const line = await new BufferedReader(conn).readLine();
    await conn.write(Buffer.from(`echo ${line}\r\n`));
    conn.close();
  })();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  assert.equal(conn.secure, false);
  assert.equal(conn.remoteAddr.port, listener.addr.port);
  assert.equal(conn.remoteAddr.hostname, "127.0.0.1");
  assert.ok(conn.localAddr.port > 0);
  await conn.write(Buffer.from("hello\r\n"));
  assert.equal(await readAll(conn), "echo hello\r\n");
  conn.close();
  conn.close();
  await served;
  listener.close();
});

Deno.test("transport_node connect() with implicit TLS verifies against caCerts", async () => {
  const listener = await listen({ port: 0, tls: SERVER_TLS });
  const served = (async () => {
    const conn = (await listener.accept())!;
    assert.equal(conn.secure, true);
    await conn.write(enc.encode("secure\r\n"));
    conn.close();
  })();
  const conn = await connect({
    hostname: "localhost",
    port: listener.addr.port,
    tls: { caCerts: [CA_CERT] },
  });
  assert.equal(conn.secure, true);
  assert.equal(await readAll(conn), "secure\r\n");
  conn.close();
  await served;
  listener.close();
});

Deno.test("transport_node connect() rejects an untrusted or misnamed certificate with TlsError", async () => {
  const listener = await listen({ port: 0, tls: SERVER_TLS });
  const drained = (async () => {
    for await (const conn of listener) conn.close();
  })();
  await assert.rejects(
    connect({ hostname: "localhost", port: listener.addr.port, tls: true }),
    TlsError,
  );
  await assert.rejects(
    connect({
      hostname: "127.0.0.1",
      port: listener.addr.port,
      tls: { caCerts: [CA_CERT], serverName: "mail.example" },
    }),
    TlsError,
  );
  const insecure = await connect({
    hostname: "localhost",
    port: listener.addr.port,
    tls: { insecureSkipVerify: true },
  });
  assert.equal(insecure.secure, true);
  insecure.close();
  listener.close();
  await drained;
});

Deno.test("transport_node connect() to a closed port fails with ConnectError", async () => {
  const listener = await listen({ port: 0 });
  const port = listener.addr.port;
  listener.close();
  const error = await connect({ hostname: "127.0.0.1", port }).catch((e) => e);
  assert.ok(error instanceof ConnectError);
  assert.equal(error.code, "ERR_CONNECT");
  assert.match(error.message, new RegExp(`Cannot connect to "127.0.0.1" on port ${port}`));
});

Deno.test("transport_node connect() times out a silent TLS handshake with TimeoutError", async () => {
  // A plain server that never answers the ClientHello.
  const silent = await nodeServer(net.createServer(), () => {});
  await assert.rejects(
    connect({
      hostname: "localhost",
      port: silent.port,
      tls: { caCerts: [CA_CERT] },
      timeoutMs: 100,
    }),
    TimeoutError,
  );
  const controller = new AbortController();
  controller.abort(new Error("stopped by caller"));
  await assert.rejects(
    connect({ hostname: "127.0.0.1", port: silent.port, signal: controller.signal }),
    /stopped by caller/,
  );
  await silent.close();
});

Deno.test("transport_node startTls() upgrades a plain connection (STARTTLS)", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const plain = (await listener.accept())!;
    const reader = new BufferedReader(plain);
    assert.equal(await reader.readLine(), "STARTTLS");
    await plain.write(enc.encode("220 go ahead\r\n"));
    const secure = await startTlsServer(plain, SERVER_TLS);
    assert.equal(secure.secure, true);
    const line = await new BufferedReader(secure).readLine();
    await secure.write(enc.encode(`got ${line}\r\n`));
    secure.close();
  })();
  const plain = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await plain.write(enc.encode("STARTTLS\r\n"));
  const go = new Uint8Array(14);
  assert.equal(await plain.read(go), 14);
  assert.equal(new TextDecoder().decode(go), "220 go ahead\r\n");
  const secure = await startTls(plain, { hostname: "localhost", caCerts: [CA_CERT] });
  assert.equal(secure.secure, true);
  await secure.write(enc.encode("inside\r\n"));
  assert.equal(await readAll(secure), "got inside\r\n");
  secure.close();
  await served;
  listener.close();
});

Deno.test("transport_node startTls() refuses plaintext injected after the go-ahead", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const conn = (await listener.accept())!;
    await new BufferedReader(conn).readLine();
    // The attack: the go-ahead and a forged reply in one segment.
    await conn.write(enc.encode("220 go ahead\r\n250 forged\r\n"));
    await readAll(conn).catch(() => "");
    conn.close();
  })();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await conn.write(enc.encode("STARTTLS\r\n"));
  const go = new Uint8Array(14); // exactly the go-ahead: the forged reply stays queued
  let got = 0;
  while (got < go.length) got += (await conn.read(go.subarray(got)))!;
  // Let the rest of the segment arrive (it came in the same write).
  await new Promise((resolve) => setTimeout(resolve, 20));
  await assert.rejects(
    startTls(conn, { hostname: "localhost", caCerts: [CA_CERT] }),
    (error: unknown) => error instanceof TlsError && /injection/.test(error.message),
  );
  await served;
  listener.close();
});

Deno.test("transport_node startTls() upgrades a connection from another copy of the library", async () => {
  // The npm package ships ESM and CommonJS copies: a SocketConn of one copy is
  // not `instanceof` the other's. This stand-in has the same shape.
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const plain = (await listener.accept())!;
    const secure = await startTlsServer(plain, SERVER_TLS);
    await secure.write(enc.encode("ok\r\n"));
    secure.close();
  })();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const foreign = Object.create(
    null,
    Object.getOwnPropertyDescriptors({
      read: (b: Uint8Array) => conn.read(b),
      write: (b: Uint8Array) => conn.write(b),
      closeWrite: () => conn.closeWrite(),
      close: () => conn.close(),
      localAddr: conn.localAddr,
      remoteAddr: conn.remoteAddr,
      secure: false,
      upgradeToClientTls: (...args: unknown[]) =>
        (conn as unknown as { upgradeToClientTls(...a: unknown[]): Promise<Conn> })
          .upgradeToClientTls(...args),
      upgradeToServerTls: () => Promise.reject(new Error("unused")),
    }),
  ) as Conn;
  const secure = await startTls(foreign, { hostname: "localhost", caCerts: [CA_CERT] });
  assert.equal(await readAll(secure), "ok\r\n");
  secure.close();
  await served;
  listener.close();
});

Deno.test("transport_node startTls() and startTlsServer() refuse foreign connections", () => {
  assert.throws(() => startTls(memoryConn([]), { hostname: "localhost" }), TypeError);
  assert.throws(() => startTlsServer(memoryConn([]), SERVER_TLS), TypeError);
});

Deno.test({
  name: "transport_node startTls() resumes a TLS session with `session` (tls.createServer)",
  ignore: IS_DENO,
  fn: async () => {
    const reused: boolean[] = [];
    const server = await nodeServer(tls.createServer(SERVER_TLS), (socket) => {
      reused.push((socket as tls.TLSSocket).isSessionReused());
      socket.once("data", () => socket.end("bye\r\n"));
    });
    async function exchange(session?: Uint8Array): Promise<Conn> {
      const plain = await connect({ hostname: "127.0.0.1", port: server.port });
      const secure = await startTls(plain, { hostname: "localhost", caCerts: [CA_CERT], session });
      await secure.write(enc.encode("hi\r\n"));
      // At end of stream the TLS 1.3 tickets, sent before "bye", are in.
      assert.equal(await readAll(secure), "bye\r\n");
      return secure;
    }
    const first = await exchange();
    assert.equal(first.tlsSessionReused?.(), false);
    const session = first.tlsSession?.();
    first.close();
    assert.ok(session instanceof Uint8Array && session.byteLength > 0);
    const second = await exchange(session);
    assert.equal(second.tlsSessionReused?.(), true);
    second.close();
    assert.deepEqual(reused, [false, true]);
    await server.close();
  },
});

Deno.test("transport_node connect() reaches a Unix socket", async () => {
  const path = join(tmpdir(), `portline-${process.pid}-${Date.now()}.sock`);
  const server = await nodeServer(net.createServer(), (socket) => {
    socket.once("data", (data) => socket.end(`unix ${data}`));
  }, { path });
  try {
    const conn = await connect({ path });
    assert.equal(conn.secure, false);
    await conn.write(enc.encode("LHLO"));
    assert.equal(await readAll(conn), "unix LHLO");
    conn.close();
  } finally {
    await server.close();
    await rm(path, { force: true });
  }
});

Deno.test("transport_node listen() accepts in order and ends iteration on close()", async () => {
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  assert.equal(listener.addr.hostname, "127.0.0.1");
  assert.ok(listener.addr.port > 0);
  await assert.rejects(listen({ hostname: "127.0.0.1", port: listener.addr.port }), ConnectError);
  const seen: string[] = [];
  const served = (async () => {
    for await (const conn of listener) {
      seen.push(await new BufferedReader(conn).readLine());
      await conn.write(enc.encode("ok\r\n"));
      conn.close();
    }
  })();
  for (const name of ["one", "two"]) {
    const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
    await conn.write(enc.encode(`${name}\r\n`));
    assert.equal(await readAll(conn), "ok\r\n");
    conn.close();
  }
  listener.close();
  await served;
  assert.deepEqual(seen, ["one", "two"]);
  assert.equal(await listener.accept(), null);
});

Deno.test("transport_node closeWrite() settles on a closed or finished connection (no hang)", async () => {
  // Node 20 never calls end()'s callback on a socket destroyed before it
  // ended: a closeWrite() after close() (a proxy tearing its tunnels down)
  // used to wait for ever, with nothing left to keep the process alive.
  const server = await nodeServer(net.createServer(), (socket) => socket.end("bye\r\n"));
  try {
    const settle = async (promise: Promise<void>): Promise<string> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<string>((resolve) =>
        timer = setTimeout(() => resolve("hung"), 2000)
      );
      try {
        return await Promise.race([
          promise.then(() => "ended", (error) => (error as Error).constructor.name),
          hung,
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
    const closed = await connect({ hostname: "127.0.0.1", port: server.port });
    closed.close();
    assert.equal(await settle(closed.closeWrite()), "ConnectionClosedError");
    // The peer said goodbye and closed first; our socket closes itself then.
    for (let i = 0; i < 20; i++) {
      const conn = await connect({ hostname: "127.0.0.1", port: server.port });
      assert.equal(await readAll(conn), "bye\r\n");
      assert.notEqual(await settle(conn.closeWrite()), "hung", `round ${i}`);
      conn.close();
    }
  } finally {
    await server.close();
  }
});
