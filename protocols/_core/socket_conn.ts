// Copyright 2026 the portline authors. MIT license.
/**
 * A {@linkcode Conn} over a `node:net` socket. It runs unchanged in Deno and
 * Node: the listening side uses it in both runtimes (server-side STARTTLS needs
 * `tls.TLSSocket`, which `Deno.*` lacks), and the Node transport uses it for
 * client connections too.
 *
 * @module
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type { Conn, NetAddress, ServerTlsOptions, TlsOptions } from "./transport.ts";
import { ConnectionClosedError, PortlineError, TlsError } from "./errors.ts";

/** Bytes queued before the socket is paused until the reader catches up. */
const HIGH_WATER = 1024 * 1024;
// Deno 2.9's node:tls drops the end of stream that arrives while a TLS socket
// is paused (measured: no "end", no "close", ever), so TLS sockets are never
// paused there: they buffer instead. Node pauses them as usual.
const CAN_PAUSE_TLS = !("Deno" in globalThis);

function addressOf(host: string | undefined, port: number | undefined): NetAddress {
  return { hostname: host ?? "", port: port ?? 0 };
}

/** Wraps a transport failure in a portline error, naming the operation. */
export function socketError(what: string, error: unknown): PortlineError {
  if (error instanceof PortlineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionClosedError(`Cannot ${what}: ${message}`, { cause: error });
}

/**
 * A connection over a `node:net` or `node:tls` socket.
 *
 * @example Usage
 * ```ts ignore
 * import * as net from "node:net";
 * import { SocketConn } from "./socket_conn.ts";
 * const conn = new SocketConn(net.connect({ host: "127.0.0.1", port: 25 }));
 * ```
 */
export class SocketConn implements Conn {
  #socket: net.Socket;
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  #secure: boolean;
  #onData = (chunk: Uint8Array) => {
    this.#chunks.push(chunk);
    this.#queued += chunk.byteLength;
    if (this.#queued > HIGH_WATER && (CAN_PAUSE_TLS || !this.#secure)) this.#socket.pause();
    this.#notify();
  };
  #onEnd = () => {
    this.#ended = true;
    this.#notify();
  };
  #onError = (error: unknown) => {
    this.#error ??= error;
    this.#notify();
  };
  #onClose = () => {
    this.#ended = true;
    this.#notify();
  };
  #session: Uint8Array | undefined;
  #onSession = (session: Uint8Array) => {
    this.#session = session;
  };

  /**
   * Wraps a connected socket.
   *
   * @param socket The socket; its `data` events are taken over.
   * @param secure Whether the socket is a TLS socket.
   */
  constructor(socket: net.Socket, secure = false) {
    this.#socket = socket;
    this.#secure = secure;
    socket.setNoDelay(true);
    this.#attach();
  }

  #attach(): void {
    this.#socket.on("data", this.#onData);
    this.#socket.on("end", this.#onEnd);
    this.#socket.on("error", this.#onError);
    this.#socket.on("close", this.#onClose);
    if (this.#secure) this.#socket.on("session", this.#onSession);
  }

  #detach(): void {
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("error", this.#onError);
    this.#socket.off("close", this.#onClose);
    this.#socket.off("session", this.#onSession);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** The underlying socket (for the TLS session of FTP data channels). */
  get socket(): net.Socket {
    return this.#socket;
  }

  /** The local address. */
  get localAddr(): NetAddress {
    return addressOf(this.#socket.localAddress, this.#socket.localPort);
  }

  /** The peer's address. */
  get remoteAddr(): NetAddress {
    return addressOf(this.#socket.remoteAddress, this.#socket.remotePort);
  }

  /** Whether the socket is a TLS socket. */
  get secure(): boolean {
    return this.#secure;
  }

  /**
   * The TLS session to resume on another connection (TLS 1.3 tickets arrive
   * after the handshake; the latest one is kept).
   *
   * @returns The session, or `undefined` for plain sockets or none yet.
   */
  tlsSession(): Uint8Array | undefined {
    if (!this.#secure) return undefined;
    return this.#session ?? (this.#socket as tls.TLSSocket).getSession?.() ?? undefined;
  }

  /**
   * Whether this TLS connection resumed an earlier session.
   *
   * @returns False for plain sockets and full handshakes.
   */
  tlsSessionReused(): boolean {
    return this.#secure && (this.#socket as tls.TLSSocket).isSessionReused?.() === true;
  }

  /** How many received bytes wait to be read. */
  get buffered(): number {
    return this.#queued;
  }

  /**
   * Reads into `buffer`.
   *
   * @param buffer Where to put the bytes.
   * @returns The count, or `null` at end of stream.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#error !== undefined && !this.#closed) throw socketError("read", this.#error);
      if (this.#ended || this.#closed) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    let n = 0;
    while (n < buffer.byteLength && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(chunk.byteLength, buffer.byteLength - n);
      buffer.set(take === chunk.byteLength ? chunk : chunk.subarray(0, take), n);
      n += take;
      if (take === chunk.byteLength) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    this.#queued -= n;
    if (this.#queued <= HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  /**
   * Writes all of `data`; resolves once the socket has taken it.
   *
   * @param data The bytes.
   */
  write(data: Uint8Array): Promise<void> {
    if (this.#closed || this.#socket.destroyed) {
      return Promise.reject(new ConnectionClosedError("Cannot write: the connection is closed"));
    }
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (error) => error ? reject(socketError("write", error)) : resolve());
    });
  }

  /** Sends FIN; reads continue. */
  closeWrite(): Promise<void> {
    const socket = this.#socket;
    if (this.#closed || socket.destroyed) {
      return Promise.reject(
        new ConnectionClosedError("Cannot half-close: the connection is closed"),
      );
    }
    return new Promise((resolve) => {
      // end()'s callback never comes when the socket is destroyed before
      // it finishes (Node 20), so its closing ends the wait too.
      const done = () => {
        socket.off("close", done);
        resolve();
      };
      socket.once("close", done);
      socket.end(done);
    });
  }

  /** Closes at once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#notify();
  }

  /** The socket keeps the process alive again (the default). */
  ref(): void {
    this.#socket.ref();
  }

  /** The socket no longer keeps the process alive (a pooled idle connection). */
  unref(): void {
    this.#socket.unref();
  }

  /**
   * Upgrades to TLS as the client (STARTTLS, AUTH TLS, FTPS data channels).
   * Fails when plaintext arrived after the go-ahead (STARTTLS injection).
   *
   * @param options Verification options.
   * @param hostname The name to verify when `options.serverName` is absent.
   * @param session A TLS session to resume (FTPS data channels).
   * @returns A new connection; this one must no longer be used.
   */
  async upgradeToClientTls(
    options: TlsOptions,
    hostname: string,
    session?: Uint8Array,
  ): Promise<SocketConn> {
    this.#checkNoPlaintext();
    this.#detach();
    const servername = options.serverName ?? hostname;
    const secure = tls.connect({
      socket: this.#socket,
      servername: net.isIP(servername) ? undefined : servername,
      host: servername,
      ca: options.caCerts && options.caCerts.length > 0
        ? [...tls.rootCertificates, ...options.caCerts]
        : undefined,
      cert: options.clientCert?.certChain,
      key: options.clientCert?.privateKey,
      rejectUnauthorized: options.insecureSkipVerify !== true,
      session: session as Buffer | undefined,
    });
    const conn = new SocketConn(secure, true); // listening from the start, as below
    await handshake(secure, "secureConnect");
    return conn;
  }

  /**
   * Upgrades to TLS as the server (for test servers' STARTTLS).
   *
   * @param options The certificate and key.
   * @returns A new connection; this one must no longer be used.
   */
  async upgradeToServerTls(options: ServerTlsOptions): Promise<SocketConn> {
    this.#checkNoPlaintext();
    this.#detach();
    const secure = new tls.TLSSocket(this.#socket, {
      isServer: true,
      secureContext: serverContext(options),
    });
    // Listening from the start: Deno's node:tls loses an end of stream that
    // arrives while the socket is paused, as it is until a "data" listener
    // comes; a client that sends its data and closes at once (an FTPS
    // upload) would then never be seen to finish.
    const conn = new SocketConn(secure, true);
    await handshake(secure, "secure");
    return conn;
  }

  #checkNoPlaintext(): void {
    if (this.#queued > 0) {
      this.close();
      throw new TlsError(
        "Cannot start TLS: the peer sent plaintext before the handshake (possible STARTTLS injection)",
      );
    }
  }
}

// One secure context per certificate: its session-ticket keys are then shared
// by every upgraded connection, so a client can resume the session of one
// connection on another (FTPS data channels).
const serverContexts = new Map<string, tls.SecureContext>();

function serverContext(options: ServerTlsOptions): tls.SecureContext {
  const id = `${options.cert}\0${options.key}`;
  let context = serverContexts.get(id);
  if (!context) {
    if (serverContexts.size >= 16) serverContexts.clear();
    context = tls.createSecureContext({ cert: options.cert, key: options.key });
    serverContexts.set(id, context);
  }
  return context;
}

function handshake(socket: tls.TLSSocket, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      socket.destroy();
      const message = error instanceof Error ? error.message : String(error);
      reject(new TlsError(`Cannot complete the TLS handshake: ${message}`, { cause: error }));
    };
    socket.once(event, () => {
      socket.off("error", fail);
      socket.off("close", closed);
      resolve();
    });
    const closed = () => fail(new Error("the connection closed"));
    socket.once("error", fail);
    socket.once("close", closed);
  });
}
