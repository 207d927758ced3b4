// Copyright 2026 the portline authors. MIT license.
/**
 * The Deno transport: the only file that touches `Deno.*` networking. The npm
 * build swaps it for `transport_node.ts`, which has the same exports.
 *
 * @module
 */
import type { Conn, ConnectOptions, NetAddress, TlsOptions } from "./transport.ts";
import { ConnectError, ConnectionClosedError, PortlineError, TlsError } from "./errors.ts";
import { withDeadline } from "./deadline.ts";
import { SocketConn } from "./socket_conn.ts";
import { connectSocket } from "./socket_connect.ts";
import { unprefixConn } from "./prefixed_conn.ts";

export { listen, startTlsServer } from "./socket_listener.ts";

function toAddress(addr: Deno.Addr): NetAddress {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    return { hostname: addr.hostname, port: addr.port };
  }
  return { hostname: "path" in addr ? addr.path ?? "" : "", port: 0 };
}

/**
 * A TLS peer that closed the TCP connection without close_notify (rustls:
 * "peer closed connection without sending TLS close_notify"). It is still a
 * close, reported as Node reports it and as callers handle closes (HTTP
 * retries a stale keep-alive connection on ConnectionClosedError; a body cut
 * short stays an error either way).
 */
function isUncleanTlsClose(error: unknown): boolean {
  return error instanceof Error && /close_notify/.test(error.message);
}

function isTlsFailure(error: unknown): boolean {
  if (isUncleanTlsClose(error)) return false;
  return error instanceof Deno.errors.InvalidData ||
    (error instanceof Error && /certificate|tls|handshake|alert/i.test(error.message));
}

function wrap(what: string, error: unknown): PortlineError {
  if (error instanceof PortlineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isTlsFailure(error)) {
    return new TlsError(`Cannot ${what}: ${message}`, { cause: error });
  }
  return new ConnectionClosedError(`Cannot ${what}: ${message}`, { cause: error });
}

class DenoConn implements Conn {
  #conn: Deno.Conn;
  #closed = false;
  readonly secure: boolean;
  readonly localAddr: NetAddress;
  readonly remoteAddr: NetAddress;

  /**
   * @param conn The connection.
   * @param secure Whether it is TLS.
   * @param addresses Where to take the addresses from: a TLS connection from
   * `Deno.startTls` reports empty ones, its TCP connection the real ones.
   */
  constructor(conn: Deno.Conn, secure: boolean, addresses: Deno.Conn = conn) {
    this.#conn = conn;
    this.secure = secure;
    this.localAddr = toAddress(addresses.localAddr);
    this.remoteAddr = toAddress(addresses.remoteAddr);
  }

  get raw(): Deno.Conn {
    return this.#conn;
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    try {
      return await this.#conn.read(buffer);
    } catch (error) {
      if (this.#closed) return null;
      throw wrap("read", error);
    }
  }

  async write(data: Uint8Array): Promise<void> {
    try {
      let n = 0;
      while (n < data.byteLength) n += await this.#conn.write(data.subarray(n));
    } catch (error) {
      throw wrap("write", error);
    }
  }

  async closeWrite(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch (error) {
      throw wrap("half-close the connection", error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer: nothing left to release.
    }
  }

  ref(): void {
    if (!this.#closed) this.#conn.ref();
  }

  unref(): void {
    if (!this.#closed) this.#conn.unref();
  }

  /** Deno's TLS cannot resume sessions: there is never one to offer. */
  tlsSession(): Uint8Array | undefined {
    return undefined;
  }

  /** Deno's TLS never resumes a session. */
  tlsSessionReused(): boolean {
    return false;
  }

  /** Marks this wrapper closed without closing the socket (after an upgrade). */
  release(): Deno.Conn {
    this.#closed = true;
    return this.#conn;
  }
}

/** Whether the TLS options need `node:tls` (Deno.startTls has no such option). */
function needsNodeTls(tls: TlsOptions): boolean {
  return tls.clientCert !== undefined || tls.insecureSkipVerify === true;
}

async function upgrade(
  tcp: Deno.TcpConn,
  hostname: string,
  tls: TlsOptions,
): Promise<DenoConn> {
  if (needsNodeTls(tls)) {
    tcp.close();
    throw new TlsError(
      "Cannot start TLS with clientCert or insecureSkipVerify on this connection: Deno.startTls supports neither; use implicit TLS, or the npm build under Node",
    );
  }
  const options: Deno.StartTlsOptions = { hostname: tls.serverName ?? hostname };
  if (tls.caCerts && tls.caCerts.length > 0) options.caCerts = tls.caCerts;
  try {
    const secure = await Deno.startTls(tcp, options);
    await secure.handshake();
    return new DenoConn(secure, true, tcp);
  } catch (error) {
    try {
      tcp.close();
    } catch {
      // The failed handshake may have closed it already.
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new TlsError(`Cannot complete the TLS handshake with "${hostname}": ${message}`, {
      cause: error,
    });
  }
}

/**
 * Opens a connection. Nagle is always off; implicit TLS is `Deno.connect`
 * + `setNoDelay` + `Deno.startTls` (a `Deno.connectTls` connection cannot
 * disable Nagle and stalls ~40 ms per exchange).
 *
 * @param options Where to connect, TLS, signal and timeout.
 * @returns The open connection.
 * @throws {ConnectError} When the connection is refused or the host unknown.
 * @throws {TlsError} When the TLS handshake fails.
 * @throws {TimeoutError} When `timeoutMs` passes first.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, connect, listen } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const listener = await listen({ port: 0 });
 * const conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port, timeoutMs: 5000 });
 * const server = (await listener.accept())!;
 * await conn.write(new TextEncoder().encode("hello\r\n"));
 * assert.equal(await new BufferedReader(server).readLine(), "hello");
 * conn.close();
 * server.close();
 * listener.close();
 * ```
 */
export async function connect(options: ConnectOptions): Promise<Conn> {
  const where = "path" in options
    ? `"${options.path}"`
    : `"${options.hostname}" on port ${options.port}`;
  if (!("path" in options) && typeof options.tls === "object" && needsNodeTls(options.tls)) {
    return connectSocket(options);
  }
  let opened: Deno.Conn | undefined;
  let expired = false;
  const attempt = (async () => {
    let conn: Deno.Conn;
    try {
      conn = "path" in options
        ? await Deno.connect({ transport: "unix", path: options.path })
        : await Deno.connect({ hostname: options.hostname, port: options.port });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ConnectError(`Cannot connect to ${where}: ${message}`, { cause: error });
    }
    if (expired) {
      conn.close();
      throw new ConnectionClosedError(`Cannot connect to ${where}: cancelled`);
    }
    opened = conn;
    if ("path" in options) return new DenoConn(conn, false);
    const tcp = conn as Deno.TcpConn;
    tcp.setNoDelay(true);
    if (!options.tls) return new DenoConn(tcp, false);
    return await upgrade(tcp, options.hostname, options.tls === true ? {} : options.tls);
  })();
  return await withDeadline(attempt, `connect to ${where}`, options, () => {
    expired = true;
    try {
      opened?.close();
    } catch {
      // Closed already.
    }
  });
}

/**
 * Upgrades an open connection to TLS as the client (STARTTLS, STLS, AUTH TLS).
 * The caller must have checked that no plaintext is buffered.
 *
 * @param conn The plain connection; it must no longer be used afterwards.
 * @param tls Verification options; `hostname` names the server to verify.
 * @returns The TLS connection.
 * @throws {TlsError} When the handshake or verification fails.
 *
 * @example Usage
 * ```ts ignore
 * import { BufferedReader, connect, readReply, startTls } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * // STARTTLS by hand against a real SMTP server (needs the network).
 * const plain = await connect({ hostname: "smtp.example.org", port: 587 });
 * const reader = new BufferedReader(plain);
 * assert.equal((await readReply(reader)).code, 220);
 * await plain.write(new TextEncoder().encode("EHLO client.example\r\nSTARTTLS\r\n"));
 * await readReply(reader);
 * assert.equal((await readReply(reader)).code, 220);
 * assert.equal(reader.buffered, 0); // anything buffered now would be injected plaintext
 * const secure = await startTls(plain, { hostname: "smtp.example.org" });
 * assert.equal(secure.secure, true);
 * secure.close();
 * ```
 */
export function startTls(
  conn: Conn,
  tls: TlsOptions & { hostname: string; session?: Uint8Array },
): Promise<Conn> {
  conn = unprefixConn(conn);
  if (conn instanceof SocketConn) return conn.upgradeToClientTls(tls, tls.hostname, tls.session);
  if (!(conn instanceof DenoConn) || conn.secure) {
    throw new TypeError(
      "Cannot start TLS: the connection is not a plain connection from connect()",
    );
  }
  return upgrade(conn.release() as Deno.TcpConn, tls.hostname, tls);
}
