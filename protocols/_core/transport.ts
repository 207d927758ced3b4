// Copyright 2026 the portline authors. MIT license.
/**
 * The transport: the one seam between protocol code and the runtime's sockets.
 *
 * The types live here; the functions come from `transport_deno.ts` (swapped
 * for `transport_node.ts` in the npm build, as dnt's `mappings` would).
 *
 * @module
 */

/**
 * A client certificate for mutual TLS, in PEM.
 *
 * @example Usage
 * ```ts
 * import { type ClientCertificate, type TlsOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const clientCert: ClientCertificate = {
 *   certChain: "-----BEGIN CERTIFICATE-----\n…",
 *   privateKey: "-----BEGIN PRIVATE KEY-----\n…",
 * };
 * const tls: TlsOptions = { clientCert };
 * assert.equal(tls.clientCert, clientCert);
 * ```
 */
export interface ClientCertificate {
  /** The certificate chain, leaf first, in PEM. */
  certChain: string;
  /** The private key, in PEM. */
  privateKey: string;
}

/**
 * How to verify and present TLS. Certificates are verified by default.
 *
 * @example Usage
 * ```ts
 * import { type TlsOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * // A private CA, and the name the certificate must carry.
 * const tls: TlsOptions = { caCerts: ["-----BEGIN CERTIFICATE-----\n…"], serverName: "mail.example" };
 * assert.equal(tls.insecureSkipVerify, undefined); // verified by default
 * ```
 */
export interface TlsOptions {
  /** Extra trusted CA certificates, in PEM; the system roots are used besides. */
  caCerts?: string[];
  /** The name to verify and send as SNI; defaults to the connection's hostname. */
  serverName?: string;
  /** A certificate to present to the server. */
  clientCert?: ClientCertificate;
  /**
   * Skips certificate verification. Dangerous: anyone on the path can read
   * and change the traffic. For tests against throwaway servers only.
   *
   * @default {false}
   */
  insecureSkipVerify?: boolean;
}

/**
 * Where to connect: TCP (optionally with implicit TLS) or a Unix socket.
 *
 * @example Usage
 * ```ts
 * import { type ConnectOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const targets: ConnectOptions[] = [
 *   { hostname: "mail.example", port: 465, tls: true, timeoutMs: 10_000 },
 *   { path: "/var/run/lmtp.sock" },
 * ];
 * assert.equal(targets.filter((t) => "path" in t).length, 1);
 * ```
 */
export type ConnectOptions = TcpConnectOptions | UnixConnectOptions;

/**
 * Options shared by every kind of connection.
 *
 * @example Usage
 * ```ts
 * import { type BaseConnectOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: BaseConnectOptions = { signal: new AbortController().signal, timeoutMs: 5000 };
 * assert.equal(options.timeoutMs, 5000);
 * ```
 */
export interface BaseConnectOptions {
  /** Aborts the connection attempt; it then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Fails with a `TimeoutError` when connecting takes longer (milliseconds). */
  timeoutMs?: number;
}

/**
 * A TCP connection, optionally wrapped in TLS from the first byte.
 *
 * @example Usage
 * ```ts
 * import { type TcpConnectOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const smtps: TcpConnectOptions = { hostname: "mail.example", port: 465, tls: true };
 * assert.equal(smtps.tls, true);
 * ```
 */
export interface TcpConnectOptions extends BaseConnectOptions {
  /** The host name or IP address. */
  hostname: string;
  /** The TCP port. */
  port: number;
  /** Implicit TLS: `true` or TLS options; plain TCP when absent or false. */
  tls?: boolean | TlsOptions;
}

/**
 * A Unix domain socket (LMTP often lives on one).
 *
 * @example Usage
 * ```ts
 * import { type UnixConnectOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const lmtp: UnixConnectOptions = { path: "/var/run/dovecot/lmtp", timeoutMs: 1000 };
 * assert.equal(lmtp.path, "/var/run/dovecot/lmtp");
 * ```
 */
export interface UnixConnectOptions extends BaseConnectOptions {
  /** The socket's path in the file system. */
  path: string;
}

/**
 * A network address.
 *
 * @example Usage
 * ```ts
 * import { listen, type NetAddress } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const listener = await listen({ port: 0 });
 * const address: NetAddress = listener.addr;
 * assert.equal(address.hostname, "127.0.0.1");
 * assert.ok(address.port > 0);
 * listener.close();
 * ```
 */
export interface NetAddress {
  /** The IP address, or the socket path for Unix sockets. */
  hostname: string;
  /** The port, 0 for Unix sockets. */
  port: number;
}

/**
 * A byte stream connection: what every client and server is built on.
 *
 * `read` fills the caller's buffer (one reused buffer is fastest), `write`
 * writes all the bytes before it resolves.
 *
 * @example Usage
 * ```ts
 * import { type Conn, memoryConn } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * async function send(conn: Conn, text: string): Promise<void> {
 *   await conn.write(new TextEncoder().encode(text));
 * }
 *
 * const conn = memoryConn([]);
 * await send(conn, "NOOP\r\n");
 * assert.equal(conn.writtenText(), "NOOP\r\n");
 * assert.equal(conn.secure, false);
 * ```
 */
export interface Conn {
  /**
   * Reads into `buffer`.
   *
   * @param buffer Where to put the bytes.
   * @returns How many bytes were read, or `null` at end of stream.
   */
  read(buffer: Uint8Array): Promise<number | null>;
  /**
   * Writes all of `data`. The caller may reuse `data` once this resolves.
   *
   * @param data The bytes to send.
   */
  write(data: Uint8Array): Promise<void>;
  /** Half-closes: no more writes, reads continue. */
  closeWrite(): Promise<void>;
  /** Closes at once; pending reads end. Safe to call twice. */
  close(): void;
  /** The local address. */
  readonly localAddr: NetAddress;
  /** The peer's address. */
  readonly remoteAddr: NetAddress;
  /** Whether the bytes travel inside TLS. */
  readonly secure: boolean;
  /**
   * The TLS session to offer when resuming it on another connection (FTPS
   * data channels), where the runtime can resume sessions; `undefined`
   * otherwise (plain connections, and Deno's TLS, which cannot resume).
   */
  tlsSession?(): Uint8Array | undefined;
  /** Whether this TLS connection resumed an earlier session (false when unknown). */
  tlsSessionReused?(): boolean;
  /**
   * Lets a pending read keep the process alive again (the default), after
   * {@linkcode Conn.unref}.
   */
  ref?(): void;
  /**
   * Lets the process end while a read is pending: for a pooled idle
   * connection watched for the server's hang-up.
   */
  unref?(): void;
}

/**
 * A server certificate and key, in PEM, for listening with TLS.
 *
 * @example Usage
 * ```ts
 * import { type ListenOptions, type ServerTlsOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const tls: ServerTlsOptions = {
 *   cert: "-----BEGIN CERTIFICATE-----\n…",
 *   key: "-----BEGIN PRIVATE KEY-----\n…",
 * };
 * const options: ListenOptions = { port: 0, tls };
 * assert.equal(options.tls, tls);
 * ```
 */
export interface ServerTlsOptions {
  /** The certificate chain, leaf first, in PEM. */
  cert: string;
  /** The private key, in PEM. */
  key: string;
}

/**
 * Where and how to listen.
 *
 * @example Usage
 * ```ts
 * import { listen, type ListenOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: ListenOptions = { hostname: "127.0.0.1", port: 0 };
 * const listener = await listen(options);
 * assert.notEqual(listener.addr.port, 0);
 * listener.close();
 * ```
 */
export interface ListenOptions {
  /** The address to bind; `127.0.0.1` by default. */
  hostname?: string;
  /** The port; 0 picks a free one. */
  port?: number;
  /** Implicit TLS for every accepted connection. */
  tls?: ServerTlsOptions;
}

/**
 * A listening socket. Iterate it to accept connections.
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
export interface Listener extends AsyncIterable<Conn> {
  /** The bound address (with the real port when 0 was asked). */
  readonly addr: NetAddress;
  /**
   * Waits for the next connection.
   *
   * @returns The connection, or `null` once the listener is closed.
   */
  accept(): Promise<Conn | null>;
  /** Stops listening. Accepted connections stay open. */
  close(): void;
}

export { connect, listen, startTls, startTlsServer } from "./transport_deno.ts";
