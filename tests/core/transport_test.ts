// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import * as net from "node:net";
import * as tls from "node:tls";
import {
  BufferedReader,
  connect,
  ConnectError,
  ConnectionClosedError,
  listen,
  startTls,
  startTlsServer,
  TimeoutError,
  TlsError,
} from "../../protocols/_core/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { within } from "./_chunks.ts";

const enc = new TextEncoder();

Deno.test("connect() talks to listen() over plain TCP", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const conn = (await listener.accept())!;
    const reader = new BufferedReader(conn);
    const line = await reader.readLine();
    await conn.write(enc.encode(`echo ${line}\r\n`));
    conn.close();
  })();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await conn.write(enc.encode("hello\r\n"));
  const reader = new BufferedReader(conn);
  assert.equal(await reader.readLine(), "echo hello");
  assert.equal(await reader.readLineOrNull(), null);
  conn.close();
  await served;
  listener.close();
});

Deno.test("connect() with implicit TLS verifies against caCerts", async () => {
  const listener = await listen({ port: 0, tls: SERVER_TLS });
  const served = (async () => {
    const conn = (await listener.accept())!;
    await conn.write(enc.encode("secure\r\n"));
    await new BufferedReader(conn).readLineOrNull().catch(() => null);
    conn.close();
  })();
  const conn = await connect({
    hostname: "localhost",
    port: listener.addr.port,
    tls: { caCerts: [CA_CERT] },
  });
  assert.equal(conn.secure, true);
  assert.equal(await new BufferedReader(conn).readLine(), "secure");
  conn.close();
  await served;
  listener.close();
});

Deno.test("connect() with implicit TLS rejects an untrusted certificate", async () => {
  const listener = await listen({ port: 0, tls: SERVER_TLS });
  const accepted = listener.accept().then((c) => c?.close());
  await assert.rejects(
    connect({ hostname: "localhost", port: listener.addr.port, tls: true }),
    TlsError,
  );
  listener.close();
  await accepted;
});

Deno.test("startTls() and startTlsServer() upgrade a plain connection", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const plain = (await listener.accept())!;
    const reader = new BufferedReader(plain);
    assert.equal(await reader.readLine(), "STARTTLS");
    await plain.write(enc.encode("220 go ahead\r\n"));
    const secure = await startTlsServer(plain, SERVER_TLS);
    const tlsReader = new BufferedReader(secure);
    await secure.write(enc.encode(`got ${await tlsReader.readLine()}\r\n`));
    secure.close();
  })();
  const plain = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await plain.write(enc.encode("STARTTLS\r\n"));
  const reader = new BufferedReader(plain);
  assert.equal(await reader.readLine(), "220 go ahead");
  const secure = await startTls(plain, { hostname: "localhost", caCerts: [CA_CERT] });
  await secure.write(enc.encode("inside\r\n"));
  assert.equal(await new BufferedReader(secure).readLine(), "got inside");
  secure.close();
  await served;
  listener.close();
});

Deno.test("a TLS peer that closes without close_notify: ConnectionClosedError, not TlsError", async () => {
  // The server drops the TCP connection under its TLS session, as vsftpd
  // does after refusing a data connection: a close, whatever the runtime.
  const server = net.createServer((raw) => {
    const secure = new tls.TLSSocket(raw, { isServer: true, ...SERVER_TLS });
    secure.write("bye\r\n", () => setTimeout(() => raw.destroy(), 20));
    secure.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const conn = await connect({ hostname: "localhost", port, tls: { caCerts: [CA_CERT] } });
    const reader = new BufferedReader(conn);
    assert.equal(await reader.readLine(), "bye");
    await assert.rejects(
      reader.readLine(),
      (error: unknown) => error instanceof ConnectionClosedError && !(error instanceof TlsError),
    );
    conn.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

Deno.test("startTlsServer(): a client that sends and closes at once is seen to end", async () => {
  // Deno's node:tls lost an end of stream that arrived before the server
  // listened for data (an FTPS upload of a few hundred KB then hung).
  for (const size of [300_000, 1_000_000]) {
    const listener = await listen({ port: 0 });
    const served = (async () => {
      const secure = await startTlsServer((await listener.accept())!, SERVER_TLS);
      const buffer = new Uint8Array(64 * 1024);
      let got = 0;
      for (let n; (n = await secure.read(buffer)) !== null;) got += n;
      secure.close();
      return got;
    })();
    const plain = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
    const secure = await startTls(plain, { hostname: "localhost", caCerts: [CA_CERT] });
    await secure.write(new Uint8Array(size).fill(7));
    await secure.closeWrite();
    try {
      assert.equal(await within(3000, `the server's end of stream (${size} bytes)`, served), size);
    } finally {
      secure.close();
      listener.close();
    }
  }
});

Deno.test("connect() to a closed port fails with ConnectError", async () => {
  const listener = await listen({ port: 0 });
  const port = listener.addr.port;
  listener.close();
  await assert.rejects(connect({ hostname: "127.0.0.1", port }), ConnectError);
});

Deno.test("BufferedReader deadline times out a silent server with TimeoutError", async () => {
  const listener = await listen({ port: 0 });
  const accepted = listener.accept();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = (await accepted)!;
  const reader = new BufferedReader(conn);
  reader.deadline = { timeoutMs: 50 };
  await assert.rejects(reader.readLine(), TimeoutError);
  server.close();
  listener.close();
});

Deno.test("BufferedReader deadline rejects with the abort reason", async () => {
  const listener = await listen({ port: 0 });
  const accepted = listener.accept();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = (await accepted)!;
  const reader = new BufferedReader(conn);
  const controller = new AbortController();
  reader.deadline = { signal: controller.signal };
  setTimeout(() => controller.abort(new Error("stop")), 20);
  await assert.rejects(reader.readLine(), /stop/);
  server.close();
  listener.close();
});

Deno.test("connect({ path }) reaches a Unix socket (LMTP's usual home)", async () => {
  const { createServer } = await import("node:net");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/portline-`);
  const path = `${dir}/lmtp.sock`;
  const server = createServer((socket) => socket.end("220 unix ready\r\n"));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    const conn = await connect({ path });
    assert.equal(await new BufferedReader(conn).readLine(), "220 unix ready");
    conn.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("connect() honours an already-aborted signal and a connect timeout", async () => {
  const controller = new AbortController();
  controller.abort(new Error("not wanted"));
  await assert.rejects(
    connect({ hostname: "127.0.0.1", port: 9, signal: controller.signal }),
    /not wanted/,
  );
  // A TLS handshake that never completes: the server accepts and stays silent.
  const listener = await listen({ port: 0 });
  const accepted = listener.accept();
  await assert.rejects(
    connect({
      hostname: "localhost",
      port: listener.addr.port,
      tls: { caCerts: [CA_CERT] },
      timeoutMs: 100,
    }),
    TimeoutError,
  );
  (await accepted)?.close();
  listener.close();
});

Deno.test("listen(): a client that half-closes still gets the server's answer", async () => {
  // Node ends the server's side on the client's FIN unless allowHalfOpen is set.
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const conn = await listener.accept();
    if (conn === null) return;
    const buf = new Uint8Array(64);
    let got = "";
    for (let n; (n = await conn.read(buf)) !== null;) {
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
    // The client has sent everything: answer after its FIN.
    await conn.write(new TextEncoder().encode(`got ${got}`));
    conn.close();
  })();
  try {
    const client = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
    await client.write(new TextEncoder().encode("EHLO x\r\nQUIT\r\n"));
    await client.closeWrite();
    const buf = new Uint8Array(64);
    let answer = "";
    for (let n; (n = await client.read(buf)) !== null;) {
      answer += new TextDecoder().decode(buf.subarray(0, n));
    }
    client.close();
    assert.equal(answer, "got EHLO x\r\nQUIT\r\n");
  } finally {
    listener.close();
    await serving;
  }
});
