// Copyright 2026 the portline authors. MIT license.
/**
 * An in-memory {@linkcode Conn} for parser tests and benchmarks.
 *
 * @module
 */
import type { Conn, NetAddress } from "./transport.ts";

/**
 * A {@linkcode Conn} that replays fixed input and records what is written.
 *
 * @example Usage
 * ```ts
 * import { type MemoryConn, memoryConn } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const conn: MemoryConn = memoryConn([]);
 * await conn.write(new TextEncoder().encode("QUIT\r\n"));
 * assert.equal(conn.written.length, 1);
 * assert.equal(conn.writtenText(), "QUIT\r\n");
 * ```
 */
export interface MemoryConn extends Conn {
  /** Every write, in order. */
  readonly written: Uint8Array[];
  /** The writes decoded as one UTF-8 string. */
  writtenText(): string;
}

const encoder = new TextEncoder();

/**
 * Creates a connection that returns `chunks` one per read (then end of
 * stream), and records writes.
 *
 * @example Usage
 * ```ts
 * import { memoryConn } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const conn = memoryConn(["hello"]);
 * const buffer = new Uint8Array(16);
 * assert.equal(await conn.read(buffer), 5);
 * assert.equal(await conn.read(buffer), null);
 * ```
 *
 * @param chunks The input, one read each; strings are UTF-8 encoded.
 * @returns The connection.
 */
export function memoryConn(chunks: Iterable<string | Uint8Array>): MemoryConn {
  const iterator = chunks[Symbol.iterator]();
  let pending: Uint8Array | undefined;
  let closed = false;
  const written: Uint8Array[] = [];
  const address: NetAddress = { hostname: "memory", port: 0 };
  return {
    written,
    localAddr: address,
    remoteAddr: address,
    secure: false,
    read(buffer: Uint8Array): Promise<number | null> {
      if (closed) return Promise.resolve(null);
      if (!pending || pending.byteLength === 0) {
        const next = iterator.next();
        if (next.done) return Promise.resolve(null);
        pending = typeof next.value === "string" ? encoder.encode(next.value) : next.value;
      }
      const n = Math.min(buffer.byteLength, pending.byteLength);
      buffer.set(pending.subarray(0, n));
      pending = pending.subarray(n);
      return Promise.resolve(n);
    },
    write(data: Uint8Array): Promise<void> {
      // A copy: `Buffer#slice` (Node callers pass Buffers) would return a view.
      written.push(new Uint8Array(data));
      return Promise.resolve();
    },
    closeWrite(): Promise<void> {
      return Promise.resolve();
    },
    close(): void {
      closed = true;
    },
    writtenText(): string {
      const total = written.reduce((sum, chunk) => sum + chunk.byteLength, 0);
      const all = new Uint8Array(total);
      let at = 0;
      for (const chunk of written) {
        all.set(chunk, at);
        at += chunk.byteLength;
      }
      return new TextDecoder().decode(all);
    },
  };
}
