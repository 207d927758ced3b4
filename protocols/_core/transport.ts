// Copyright 2026 the portline authors. MIT license.
/**
 * The transport: the one seam between protocol code and the runtime's sockets.
 *
 * The types live here; the functions come from `transport_deno.ts` (swapped
 * for `transport_node.ts` in the npm build, as dnt's `mappings` would).
 *
 * @module
 */

/** A client certificate for mutual TLS, in PEM. */
export interface ClientCertificate {
  /** The certificate chain, leaf first, in PEM. */
  certChain: string;
  /** The private key, in PEM. */
  privateKey: string;
}

/** How to verify and present TLS. Certificates are verified by default. */
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

/** Where to connect: TCP (optionally with implicit TLS) or a Unix socket. */
export type ConnectOptions = TcpConnectOptions | UnixConnectOptions;

/** Options shared by every kind of connection. */
export interface BaseConnectOptions {
  /** Aborts the connection attempt; it then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Fails with a `TimeoutError` when connecting takes longer (milliseconds). */
  timeoutMs?: number;
}

/** A TCP connection, optionally wrapped in TLS from the first byte. */
export interface TcpConnectOptions extends BaseConnectOptions {
  /** The host name or IP address. */
  hostname: string;
  /** The TCP port. */
  port: number;
  /** Implicit TLS: `true` or TLS options; plain TCP when absent or false. */
  tls?: boolean | TlsOptions;
}

/** A Unix domain socket (LMTP often lives on one). */
export interface UnixConnectOptions extends BaseConnectOptions {
  /** The socket's path in the file system. */
  path: string;
}

/** A network address. */
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
}

/** A server certificate and key, in PEM, for listening with TLS. */
export interface ServerTlsOptions {
  /** The certificate chain, leaf first, in PEM. */
  cert: string;
  /** The private key, in PEM. */
  key: string;
}

/** Where and how to listen. */
export interface ListenOptions {
  /** The address to bind; `127.0.0.1` by default. */
  hostname?: string;
  /** The port; 0 picks a free one. */
  port?: number;
  /** Implicit TLS for every accepted connection. */
  tls?: ServerTlsOptions;
}

/** A listening socket. Iterate it to accept connections. */
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
