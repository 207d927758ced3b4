// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { type Conn, connect, listen, startTls, startTlsServer } from "../../protocols/_core/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

const enc = new TextEncoder();

async function exchange(port: number, session?: Uint8Array): Promise<Conn> {
  const plain = await connect({ hostname: "127.0.0.1", port });
  const secure = await startTls(plain, { hostname: "localhost", caCerts: [CA_CERT], session });
  const buffer = new Uint8Array(16);
  // Reading the server's byte also lets TLS 1.3 session tickets arrive.
  assert.equal(await secure.read(buffer), 1);
  return secure;
}

Deno.test("Conn.tlsSession() resumes a session where the runtime can", async () => {
  const listener = await listen({ port: 0 });
  const reused: boolean[] = [];
  const served = (async () => {
    for (let i = 0; i < 2; i++) {
      const plain = (await listener.accept())!;
      const secure = await startTlsServer(plain, SERVER_TLS);
      reused.push(secure.tlsSessionReused?.() ?? false);
      await secure.write(enc.encode("x"));
      await secure.read(new Uint8Array(1)).catch(() => null);
      secure.close();
    }
  })();
  const first = await exchange(listener.addr.port);
  // TLS 1.3 session tickets come after the handshake: give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const session = first.tlsSession?.();
  first.close();
  const second = await exchange(listener.addr.port, session);
  const resumed = second.tlsSessionReused?.() ?? false;
  second.close();
  await served;
  listener.close();
  // Deno's TLS cannot resume: no session is offered and nothing is reused.
  // Where a session is offered (Node), the server must accept it.
  assert.equal(resumed, session !== undefined);
  assert.equal(reused[1], session !== undefined);
  assert.equal(reused[0], false);
});

Deno.test("Conn.tlsSession() is undefined on plain connections", async () => {
  const listener = await listen({ port: 0 });
  const accepted = listener.accept();
  const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = (await accepted)!;
  assert.equal(conn.tlsSession?.(), undefined);
  assert.equal(server.tlsSession?.(), undefined);
  assert.equal(conn.tlsSessionReused?.() ?? false, false);
  conn.close();
  server.close();
  listener.close();
});

Deno.test("connect() with implicit TLS reports the real addresses", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const secure = await startTlsServer((await listener.accept())!, SERVER_TLS);
    await secure.write(enc.encode("x"));
    return secure;
  })();
  const conn = await connect({
    hostname: "localhost",
    port: listener.addr.port,
    tls: { caCerts: [CA_CERT] },
  });
  assert.equal(await conn.read(new Uint8Array(1)), 1);
  assert.equal(conn.remoteAddr.port, listener.addr.port);
  assert.equal(conn.remoteAddr.hostname, "127.0.0.1");
  assert.ok(conn.localAddr.port > 0);
  conn.close();
  (await served).close();
  listener.close();
});

Deno.test("a TLS connection from listen() sees the end of stream after backpressure", async () => {
  const listener = await listen({ port: 0 });
  const size = 3 * 1024 * 1024;
  const served = (async () => {
    const secure = await startTlsServer((await listener.accept())!, SERVER_TLS);
    let total = 0;
    const buffer = new Uint8Array(65536);
    // Let more than the 1 MiB high-water mark queue up before reading.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (;;) {
      const n = await secure.read(buffer);
      if (n === null) break;
      total += n;
    }
    secure.close();
    return total;
  })();
  const plain = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const conn = await startTls(plain, { hostname: "localhost", caCerts: [CA_CERT] });
  await conn.write(new Uint8Array(size));
  await conn.closeWrite();
  assert.equal(await served, size);
  conn.close();
  listener.close();
});
