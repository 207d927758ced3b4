// Copyright 2026 the portline authors. MIT license.
/**
 * The HTTP connection's read buffer: one reused array (grown only for a
 * head larger than it), an incremental search for the end of a head, and
 * the offsets the byte-level head parser works on. Body bytes past what is
 * buffered are read straight into the caller's array, never through here.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Conn } from "../_core/mod.ts";
import { scanLf } from "./_head_bytes.ts";

const CR = 13;
const SIZE = 65536;
/** Compact (or grow) before a read when less room than this is left. */
const MIN_SPACE = 16384;

type Latin1Buffer = Buffer & { latin1Slice?: (start: number, end: number) => string };

/** A connection's read buffer with `[start, end)` unread. */
export class HttpWire {
  /** The connection read from. */
  readonly conn: Conn;
  /** The buffer (byteOffset 0). */
  buf!: Uint8Array;
  /** An `Int32Array` over `buf`, for four-bytes-at-a-time scans. */
  words!: Int32Array;
  #latin!: Latin1Buffer;
  /** The first unread byte. */
  start = 0;
  /** Just after the last buffered byte. */
  end = 0;
  /** Whether the peer closed its side. */
  eof = false;
  // Whether a view of `buf` was handed out: its bytes before `end` must stay.
  #lent = false;
  // Where the head-end search resumes, as an offset from `start`: every line
  // before it is complete and not empty.
  #scanned = 0;
  // A read started ahead (on an idle connection): the next fill() is it.
  #pending: Promise<boolean> | undefined;

  /**
   * Creates a buffer for a connection.
   *
   * @param conn The connection.
   */
  constructor(conn: Conn) {
    this.conn = conn;
    this.#use(new Uint8Array(SIZE));
  }

  #use(buf: Uint8Array): void {
    this.buf = buf;
    this.words = new Int32Array(buf.buffer, 0, buf.byteLength >>> 2);
    this.#latin = Buffer.from(buf.buffer, 0, buf.byteLength) as Latin1Buffer;
  }

  /** Unread bytes. */
  get buffered(): number {
    return this.end - this.start;
  }

  /**
   * Decodes `buf[from, to)` as latin1 (one char per byte).
   *
   * @param from The first byte.
   * @param to The end.
   * @returns The text.
   */
  latin1(from: number, to: number): string {
    const latin = this.#latin;
    return latin.latin1Slice ? latin.latin1Slice(from, to) : latin.toString("latin1", from, to);
  }

  /**
   * Reads more bytes after the unread ones, compacting or growing first when
   * little room is left; the read started by {@linkcode HttpWire.prefetch}
   * when there is one.
   *
   * @returns False at end of stream.
   */
  fill(): Promise<boolean> {
    const pending = this.#pending;
    if (pending === undefined) return this.#fill();
    this.#pending = undefined;
    return pending;
  }

  /**
   * Starts the next read now, while nothing is asked of the connection:
   * what it brings (bytes nobody asked for, or the end of the stream) shows
   * that the connection is unusable. The next {@linkcode HttpWire.fill} call
   * takes its result.
   *
   * @returns The read's result (false at end of stream).
   */
  prefetch(): Promise<boolean> {
    if (this.#pending === undefined) this.#pending = this.#fill();
    return this.#pending;
  }

  async #fill(): Promise<boolean> {
    if (this.eof) return false;
    const unread = this.end - this.start;
    if (this.#lent) {
      // Lent bytes stay where they are: read on after them while there is
      // room (a caller that detached the buffer gets a new one; nothing
      // unread was left in it, see `lend`).
      if (this.buf.byteLength === 0 || this.buf.byteLength - this.end < MIN_SPACE) {
        const next = new Uint8Array(Math.max(SIZE, (unread + MIN_SPACE + 4095) & ~4095));
        if (unread > 0) next.set(this.buf.subarray(this.start, this.end));
        this.#use(next);
        this.#lent = false;
        this.start = 0;
        this.end = unread;
      }
    } else if (unread === 0) {
      this.start = this.end = 0;
    } else if (this.buf.byteLength - this.end < MIN_SPACE) {
      if (unread + MIN_SPACE > this.buf.byteLength) {
        const size = Math.max(this.buf.byteLength * 2, (unread + MIN_SPACE + 4095) & ~4095);
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(this.start, this.end));
        this.#use(next);
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = unread;
    }
    const n = await this.conn.read(this.buf.subarray(this.end));
    if (n === null) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /** Starts a new head-end search at `start`. */
  resetScan(): void {
    this.#scanned = 0;
  }

  /**
   * Looks for the empty line that ends a head (or a trailer section)
   * starting at `start`, resuming where the last call stopped.
   *
   * @returns The index just after the empty line, or -1 when it is not
   * buffered yet.
   */
  findHeadEnd(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.start + this.#scanned;
    for (;;) {
      const lf = scanLf(buf, this.words, p, end);
      if (lf === -1) {
        this.#scanned = p - this.start;
        return -1;
      }
      if (lf === p || (lf === p + 1 && buf[p] === CR)) {
        this.#scanned = 0;
        return lf + 1;
      }
      p = lf + 1;
    }
  }

  /**
   * Finds the next LF after `start`.
   *
   * @returns Its index, or -1.
   */
  findLf(): number {
    return scanLf(this.buf, this.words, this.start, this.end);
  }

  /**
   * Hands out the last `n` buffered bytes (all that is unread) as a view,
   * without a copy: a small body read together with its head. The buffer
   * is never written under a lent view again (reads go after it, then to a
   * new buffer), so the view stays valid; like a Node.js pooled `Buffer`,
   * it shares its `ArrayBuffer` with the connection's earlier bytes.
   *
   * @param n How many (exactly `buffered`).
   * @returns The view.
   */
  lend(n: number): Uint8Array {
    const start = this.start;
    this.start = start + n;
    this.#lent = true;
    return new Uint8Array(this.buf.buffer, start, n);
  }

  /**
   * Takes `n` buffered bytes into a new array.
   *
   * @param n How many (at most `buffered`).
   * @returns The bytes.
   */
  take(n: number): Uint8Array {
    const start = this.start;
    this.start = start + n;
    return this.buf.slice(start, start + n);
  }
}
