// Copyright 2026 the portline authors. MIT license.
/**
 * A connection that hands out some bytes already read before reading on:
 * what a proxy tunnel's reader took past the proxy's answer (an FTP server's
 * greeting can arrive in the same read). `startTls` takes the inner
 * connection back once those bytes are consumed.
 *
 * @module
 */
import type { Conn, NetAddress } from "./transport.ts";

class PrefixedConn implements Conn {
  readonly #inner: Conn;
  #prefix: Uint8Array;

  constructor(inner: Conn, prefix: Uint8Array) {
    this.#inner = inner;
    this.#prefix = prefix;
  }

  /** The connection without the prefix; only once the prefix is read. */
  release(): Conn {
    if (this.#prefix.byteLength > 0) {
      throw new TypeError(
        `Cannot start TLS: ${this.#prefix.byteLength} bytes the server sent before the handshake are unread`,
      );
    }
    return this.#inner;
  }

  read(buffer: Uint8Array): Promise<number | null> {
    if (this.#prefix.byteLength === 0) return this.#inner.read(buffer);
    const n = Math.min(buffer.byteLength, this.#prefix.byteLength);
    buffer.set(this.#prefix.subarray(0, n));
    this.#prefix = this.#prefix.subarray(n);
    return Promise.resolve(n);
  }

  write(data: Uint8Array): Promise<void> {
    return this.#inner.write(data);
  }

  closeWrite(): Promise<void> {
    return this.#inner.closeWrite();
  }

  close(): void {
    this.#prefix = new Uint8Array(0);
    this.#inner.close();
  }

  get localAddr(): NetAddress {
    return this.#inner.localAddr;
  }

  get remoteAddr(): NetAddress {
    return this.#inner.remoteAddr;
  }

  get secure(): boolean {
    return this.#inner.secure;
  }

  ref(): void {
    this.#inner.ref?.();
  }

  unref(): void {
    this.#inner.unref?.();
  }
}

/**
 * Wraps `conn` so that reads return `prefix` first (a copy is kept).
 *
 * @param conn The connection.
 * @param prefix Bytes already read from it.
 * @returns `conn` itself when `prefix` is empty, else the wrapper.
 */
export function prefixConn(conn: Conn, prefix: Uint8Array): Conn {
  return prefix.byteLength === 0 ? conn : new PrefixedConn(conn, prefix.slice());
}

/**
 * The connection under a {@linkcode prefixConn} wrapper, for `startTls`.
 *
 * @param conn Any connection.
 * @returns The inner connection, or `conn` when it is no wrapper.
 * @throws {TypeError} When bytes of the prefix are still unread: the peer
 * spoke before the TLS handshake.
 */
export function unprefixConn(conn: Conn): Conn {
  return conn instanceof PrefixedConn ? conn.release() : conn;
}
