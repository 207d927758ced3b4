// Copyright 2026 the portline authors. MIT license.
/**
 * The listening side of the transport, on `node:net` / `node:tls`, shared by
 * the Deno and Node transports: accepted connections can be upgraded to TLS
 * as the server, which `Deno.listen` connections cannot.
 *
 * @module
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type { Conn, Listener, ListenOptions, NetAddress, ServerTlsOptions } from "./transport.ts";
import { ConnectError } from "./errors.ts";
import { SocketConn } from "./socket_conn.ts";

class SocketListener implements Listener {
  #server: net.Server;
  #pending: Conn[] = [];
  #waiters: ((conn: Conn | null) => void)[] = [];
  #closed = false;
  readonly addr: NetAddress;

  constructor(server: net.Server, addr: NetAddress, secure: boolean) {
    this.#server = server;
    this.addr = addr;
    server.on(secure ? "secureConnection" : "connection", (socket: net.Socket) => {
      const conn = new SocketConn(socket, secure);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(conn);
      else this.#pending.push(conn);
    });
    // A failed TLS handshake from one client must not stop the listener.
    server.on("tlsClientError", () => {});
  }

  accept(): Promise<Conn | null> {
    const conn = this.#pending.shift();
    if (conn) return Promise.resolve(conn);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (const waiter of this.#waiters.splice(0)) waiter(null);
    for (const conn of this.#pending.splice(0)) conn.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    for (;;) {
      const conn = await this.accept();
      if (conn === null) return;
      yield conn;
    }
  }
}

/**
 * Listens for TCP connections (with implicit TLS when `tls` is given).
 *
 * @param options Address, port (0 for any free one) and TLS.
 * @returns The listener, already bound.
 * @throws {ConnectError} When the address cannot be bound.
 *
 * @example Usage
 * ```ts
 * import { connect, listen, type Listener } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const listener: Listener = await listen({ port: 0 });
 * const client = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * const accepted = await listener.accept();
 * assert.ok(accepted !== null);
 * accepted.close();
 * client.close();
 * listener.close();
 * assert.equal(await listener.accept(), null);
 * ```
 */
export async function listen(options: ListenOptions = {}): Promise<Listener> {
  const hostname = options.hostname ?? "127.0.0.1";
  // allowHalfOpen: a client that half-closes (sends its last commands, then
  // FIN) must still get its replies; by default Node would end our side at
  // once and the next write would fail. Sessions close their connections.
  const server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, allowHalfOpen: true })
    : net.createServer({ allowHalfOpen: true });
  server.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new ConnectError(
          `Cannot listen on ${hostname} port ${options.port ?? 0}: ${error.message}`,
          {
            cause: error,
          },
        ),
      );
    server.once("error", fail);
    server.listen({ host: hostname, port: options.port ?? 0 }, () => {
      server.off("error", fail);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return new SocketListener(server, { hostname: bound.address, port: bound.port }, !!options.tls);
}

/**
 * Upgrades an accepted connection to TLS as the server (STARTTLS in test
 * servers). Fails if the client sent plaintext after the go-ahead.
 *
 * @param conn A connection from {@linkcode listen}.
 * @param options The certificate and key.
 * @returns The TLS connection; `conn` must no longer be used.
 *
 * @example Usage
 * ```ts ignore
 * import { BufferedReader, listen, startTlsServer } from "@portline/portline/core";
 * import { readFileSync } from "node:fs";
 *
 * // The server side of STARTTLS in a test server (needs a certificate and key).
 * const tls = { cert: readFileSync("cert.pem", "utf8"), key: readFileSync("key.pem", "utf8") };
 * const listener = await listen({ port: 2525 });
 * for await (const plain of listener) {
 *   const reader = new BufferedReader(plain);
 *   if (await reader.readLine() === "STARTTLS") {
 *     await plain.write(new TextEncoder().encode("220 go ahead\r\n"));
 *     const secure = await startTlsServer(plain, tls);
 *     await secure.write(new TextEncoder().encode("250 secure now\r\n"));
 *     secure.close();
 *   }
 * }
 * ```
 */
export function startTlsServer(conn: Conn, options: ServerTlsOptions): Promise<Conn> {
  if (!(conn instanceof SocketConn)) {
    throw new TypeError("Cannot start TLS as server: the connection was not accepted by listen()");
  }
  return conn.upgradeToServerTls(options);
}
