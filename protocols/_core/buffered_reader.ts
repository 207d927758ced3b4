// Copyright 2026 the portline authors. MIT license.
/**
 * The byte-level reader every protocol is built on: lines, exact byte counts,
 * raw chunks and dot-terminated blocks, all from one reused buffer.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Conn } from "./transport.ts";
import { ConnectionClosedError, LimitError, ProtocolError } from "./errors.ts";
import { type DeadlineOptions, withDeadline } from "./deadline.ts";

/** Options of a {@linkcode BufferedReader}. */
export interface BufferedReaderOptions {
  /**
   * The size of the reused read buffer. 64 KiB measured fastest here.
   *
   * @default {65536}
   */
  bufferSize?: number;
  /**
   * The longest line accepted, line end included; longer ones throw a
   * `LimitError` instead of growing memory.
   *
   * @default {65536}
   */
  maxLineBytes?: number;
  /**
   * Accept a bare LF as a line end. When false a bare LF is a `ProtocolError`.
   *
   * @default {true}
   */
  allowBareLf?: boolean;
}

/** Options of {@linkcode BufferedReader.dotBlock}. */
export interface DotBlockOptions {
  /** A clean end of stream also ends the block (Gopher text). */
  endAtEof?: boolean;
  /**
   * What cancelling the stream does: read the rest and discard it (the
   * connection stays usable), or close the connection.
   *
   * @default {"drain"}
   */
  onCancel?: "drain" | "close";
  /** Called once when the block has been read or the stream failed. */
  onDone?: (error?: unknown) => void;
  /** Called with the running byte count after each chunk. */
  onProgress?: (bytes: number) => void;
}

const LF = 10;
const CR = 13;
const DOT = 46;
const utf8 = new TextDecoder();

/** One step of a dot-block scan: bytes ready, and whether the block ended. */
interface DotScan {
  out?: Uint8Array;
  lineStart: boolean;
  done: boolean;
}

type Latin1Buffer = Buffer & { latin1Slice?: (start: number, end: number) => string };

/**
 * Reads lines and bytes from a {@linkcode Conn} through one reused buffer.
 *
 * Each read waits at most `deadline.timeoutMs` and stops at
 * `deadline.signal`; when either fires the connection is closed (its protocol
 * state is no longer known) and the read rejects.
 *
 * @example Reading lines
 * ```ts
 * import { BufferedReader, memoryConn } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const reader = new BufferedReader(memoryConn(["220 hello\r\n250 o", "k\r\n"]));
 * assert.equal(await reader.readLine(), "220 hello");
 * assert.equal(await reader.readLine(), "250 ok");
 * ```
 */
export class BufferedReader {
  #conn: Conn;
  #buf: Uint8Array;
  #latin: Latin1Buffer;
  #words: Int32Array;
  #start = 0;
  #end = 0;
  #eof = false;
  #text = "";
  #textStart = 0;
  #textEnd = -1;
  #highAt = -1;
  readonly #maxLine: number;
  readonly #allowBareLf: boolean;
  /** Bounds every read: set it per command. */
  deadline: DeadlineOptions = {};

  /**
   * Creates a reader.
   *
   * @param conn The connection to read from.
   * @param options Buffer size, line limit and bare-LF tolerance.
   */
  constructor(conn: Conn, options: BufferedReaderOptions = {}) {
    this.#conn = conn;
    this.#buf = new Uint8Array(options.bufferSize ?? 65536);
    this.#latin = Buffer.from(this.#buf.buffer, 0, this.#buf.byteLength) as Latin1Buffer;
    this.#words = new Int32Array(this.#buf.buffer, 0, this.#buf.byteLength >>> 2);
    this.#maxLine = options.maxLineBytes ?? 65536;
    this.#allowBareLf = options.allowBareLf ?? true;
  }

  /** The connection read from; replaced after a TLS upgrade. */
  get conn(): Conn {
    return this.#conn;
  }

  set conn(conn: Conn) {
    this.#conn = conn;
    this.#eof = false;
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Whether the peer has closed its side and everything buffered was read. */
  get atEof(): boolean {
    return this.#eof && this.#end === this.#start;
  }

  /**
   * Reads more bytes after the buffered ones, making room first.
   *
   * @returns False at end of stream.
   */
  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    if (this.#start > 0 && (this.#end === this.#buf.byteLength || this.#start === this.#end)) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      this.#textEnd = -1;
    }
    if (this.#end === this.#buf.byteLength) this.#grow(this.#buf.byteLength * 2);
    const conn = this.#conn;
    const n = await withDeadline(
      conn.read(this.#buf.subarray(this.#end)),
      `read from ${conn.remoteAddr.hostname} port ${conn.remoteAddr.port}`,
      this.deadline,
      () => conn.close(),
    );
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#end += n;
    return true;
  }

  #grow(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(this.#start, this.#end));
    this.#end -= this.#start;
    this.#start = 0;
    this.#buf = next;
    this.#latin = Buffer.from(next.buffer, 0, next.byteLength) as Latin1Buffer;
    this.#words = new Int32Array(next.buffer, 0, next.byteLength >>> 2);
    this.#textEnd = -1;
  }

  #closedError(what: string): ConnectionClosedError {
    const { hostname, port } = this.#conn.remoteAddr;
    return new ConnectionClosedError(
      `Cannot ${what}: ${hostname} port ${port} closed the connection`,
    );
  }

  /**
   * Finds the next line end in the buffer.
   *
   * @returns The index of its LF, or -1 when no whole line is buffered.
   */
  #findLf(): number {
    const end = this.#end;
    const lf = this.#scanLf(this.#start, end);
    if (lf !== -1) {
      if (lf - this.#start + 1 > this.#maxLine) this.#tooLong();
      return lf;
    }
    if (end - this.#start >= this.#maxLine) this.#tooLong();
    return -1;
  }

  #tooLong(): never {
    throw new LimitError(
      `Cannot read line: longer than ${this.#maxLine} bytes from ${this.#conn.remoteAddr.hostname}`,
    );
  }

  /**
   * Reads one line and returns its bytes without the line end. The view is
   * valid until the next read.
   *
   * @returns The line's bytes, or `null` at a clean end of stream.
   * @throws {LimitError} When the line exceeds `maxLineBytes`.
   */
  async readLineBytesOrNull(): Promise<Uint8Array | null> {
    const lf = await this.#nextLf();
    if (lf === -1) return null;
    const start = this.#start;
    this.#start = lf + 1;
    return this.#buf.subarray(start, this.#lineEnd(start, lf));
  }

  async #nextLf(): Promise<number> {
    for (;;) {
      const lf = this.#findLf();
      if (lf !== -1) return lf;
      if (!(await this.#fill())) {
        if (this.#start === this.#end) return -1;
        throw this.#closedError("read line");
      }
    }
  }

  #lineEnd(start: number, lf: number): number {
    if (lf > start && this.#buf[lf - 1] === CR) return lf - 1;
    if (!this.#allowBareLf) {
      throw new ProtocolError(
        `Cannot read line: bare LF line end from ${this.#conn.remoteAddr.hostname}`,
      );
    }
    return lf;
  }

  /**
   * Takes one line as text if a whole line is already buffered, without
   * waiting: tight loops use it to skip a promise per line.
   *
   * @returns The line without its line end, or `undefined` when more bytes
   * are needed.
   * @throws {LimitError} When the buffered line exceeds `maxLineBytes`.
   */
  tryReadLine(): string | undefined {
    const lf = this.#findLf();
    if (lf === -1) return undefined;
    const start = this.#start;
    const end = this.#lineEnd(start, lf);
    this.#start = lf + 1;
    return this.#decode(start, end);
  }

  /**
   * Reads one line as text (UTF-8, with an ASCII fast path).
   *
   * @returns The line without its line end, or `null` at a clean end of stream.
   * @throws {LimitError} When the line exceeds `maxLineBytes`.
   */
  readLineOrNull(): Promise<string | null> {
    const line = this.tryReadLine();
    return line !== undefined ? Promise.resolve(line) : this.#readLineSlow();
  }

  async #readLineSlow(): Promise<string | null> {
    const at = await this.#nextLf();
    if (at === -1) return null;
    const start = this.#start;
    const end = this.#lineEnd(start, at);
    this.#start = at + 1;
    return this.#decode(start, end);
  }

  /**
   * Reads one line as text.
   *
   * @returns The line without its line end.
   * @throws {ConnectionClosedError} At end of stream.
   * @throws {LimitError} When the line exceeds `maxLineBytes`.
   */
  async readLine(): Promise<string> {
    const line = await this.readLineOrNull();
    if (line === null) throw this.#closedError("read line");
    return line;
  }

  /** Decodes [start, end): latin1 over the whole buffered range once, sliced per line. */
  #decode(start: number, end: number): string {
    if (start === end) return "";
    const textStart = this.#textStart;
    if (this.#textEnd !== this.#end || start < textStart) {
      this.#textStart = start;
      this.#textEnd = this.#end;
      this.#highAt = -1;
      this.#text = this.#latin.latin1Slice
        ? this.#latin.latin1Slice(start, this.#end)
        : this.#latin.toString("latin1", start, this.#end);
      return this.#decode(start, end);
    }
    if (this.#highAt < start) this.#highAt = this.#findHigh(start, this.#end);
    if (this.#highAt < end) return utf8.decode(this.#buf.subarray(start, end));
    return this.#text.slice(start - textStart, end - textStart);
  }

  /**
   * Finds the first LF in [from, to). It tests four bytes per step with the
   * SWAR zero-byte trick: measured here at 2.5 GB/s against 1.0 GB/s for
   * `Uint8Array#indexOf`, whose per-call cost dominates on ~80-byte lines.
   */
  #scanLf(from: number, to: number): number {
    const bytes = this.#buf;
    let i = from;
    while (i < to && (i & 3) !== 0) {
      if (bytes[i] === LF) return i;
      i++;
    }
    if (i >= to) return -1;
    const words = this.#words;
    const lastWord = to >>> 2;
    let w = i >>> 2;
    for (; w < lastWord; w++) {
      const v = words[w]! ^ 0x0a0a0a0a;
      if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
    }
    for (i = Math.max(w << 2, from); i < to; i++) if (bytes[i] === LF) return i;
    return -1;
  }

  /**
   * Finds the first dot in [from, to), four bytes per step as `#scanLf`
   * does: message bodies have few dots, and `Uint8Array#indexOf` scans at
   * about 1 GB/s, the largest cost of a RETR.
   */
  #scanDot(from: number, to: number): number {
    const bytes = this.#buf;
    let i = from;
    while (i < to && (i & 3) !== 0) {
      if (bytes[i] === DOT) return i;
      i++;
    }
    if (i >= to) return -1;
    const words = this.#words;
    const lastWord = to >>> 2;
    let w = i >>> 2;
    for (; w < lastWord; w++) {
      const v = words[w]! ^ 0x2e2e2e2e;
      if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
    }
    for (i = Math.max(w << 2, from); i < to; i++) if (bytes[i] === DOT) return i;
    return -1;
  }

  /**
   * Finds the first byte >= 0x80 in [from, to), four bytes per step: only
   * lines holding one need a UTF-8 decode.
   */
  #findHigh(from: number, to: number): number {
    const bytes = this.#buf;
    let i = from;
    while (i < to && (i & 3) !== 0) {
      if (bytes[i]! & 0x80) return i;
      i++;
    }
    if (i >= to) return Infinity;
    const words = this.#words;
    const lastWord = to >>> 2;
    let w = i >>> 2;
    while (w < lastWord && (words[w]! & 0x80808080) === 0) w++;
    for (i = w << 2; i < to; i++) if (bytes[i]! & 0x80) return i;
    return Infinity;
  }

  /**
   * Reads exactly `n` bytes (IMAP literals, counted bodies) into a new array.
   *
   * @param n How many bytes.
   * @returns A new array of `n` bytes.
   * @throws {ConnectionClosedError} When the stream ends first.
   */
  async readExact(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let have = Math.min(n, this.#end - this.#start);
    out.set(this.#buf.subarray(this.#start, this.#start + have));
    this.#start += have;
    while (have < n) {
      // Large remainders go straight into the result: no second copy.
      const got = await withDeadline(
        this.#conn.read(out.subarray(have)),
        "read",
        this.deadline,
        () => this.#conn.close(),
      );
      if (got === null) {
        this.#eof = true;
        throw this.#closedError(`read ${n} bytes`);
      }
      have += got;
    }
    return out;
  }

  /**
   * Reads whatever arrives next, up to `max` bytes, into a new array owned by
   * the caller (for streaming bodies).
   *
   * @param max The most bytes to return.
   * @returns The bytes, or `null` at end of stream.
   */
  async readChunk(max = 65536): Promise<Uint8Array | null> {
    const buffered = this.#end - this.#start;
    if (buffered > 0) {
      const take = Math.min(max, buffered);
      const out = this.#buf.slice(this.#start, this.#start + take);
      this.#start += take;
      return out;
    }
    if (this.#eof) return null;
    const out = new Uint8Array(Math.min(max, this.#buf.byteLength));
    const got = await withDeadline(
      this.#conn.read(out),
      "read",
      this.deadline,
      () => this.#conn.close(),
    );
    if (got === null) {
      this.#eof = true;
      return null;
    }
    return got === out.byteLength ? out : out.subarray(0, got);
  }

  /**
   * Reads a dot-terminated block (POP3 RETR, NNTP ARTICLE, SMTP DATA on the
   * server side) as a stream of its bytes, dot-stuffing removed and the
   * terminating line left out. Line ends are passed on unchanged.
   *
   * @param options End-at-EOF, cancel behaviour and callbacks.
   * @returns The block's bytes as a stream.
   */
  dotBlock(options: DotBlockOptions = {}): ReadableStream<Uint8Array> {
    let lineStart = true;
    let finished = false;
    let total = 0;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      options.onDone?.(error);
    };
    const next = async (): Promise<DotScan> => {
      for (;;) {
        const scan = this.#scanDotBlock(lineStart);
        lineStart = scan.lineStart;
        if (scan.done || scan.out) return scan;
        if (!(await this.#fill())) {
          if (!options.endAtEof) throw this.#closedError("read the dot-terminated block");
          const out = this.#buf.slice(this.#start, this.#end);
          this.#start = this.#end;
          return { out, lineStart, done: true };
        }
      }
    };
    // A cancel may arrive while a pull is reading: it waits for that read, so
    // two reads never run on the connection at once.
    let inFlight: Promise<DotScan> | undefined;
    let cancelled = false;
    let ended = false;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          inFlight = next();
          const { out, done } = await inFlight;
          if (done) ended = true;
          if (cancelled) return;
          if (out && out.byteLength > 0) {
            total += out.byteLength;
            options.onProgress?.(total);
            controller.enqueue(out);
          }
          if (done) {
            controller.close();
            finish();
          }
        } catch (error) {
          if (cancelled) return;
          controller.error(error);
          finish(error);
        }
      },
      cancel: async () => {
        cancelled = true;
        if (finished) return;
        const last = await inFlight?.catch((error) => error);
        if (finished) return;
        if (last !== undefined && !("done" in (last as object))) {
          finish(last);
          return;
        }
        if (ended) {
          finish();
          return;
        }
        if (options.onCancel === "close") {
          this.#conn.close();
          finish(new ConnectionClosedError("Cannot finish the block: the reader cancelled it"));
          return;
        }
        try {
          while (!(await next()).done);
          finish();
        } catch (error) {
          finish(error);
        }
      },
    }, { highWaterMark: 0 });
  }

  /**
   * Copies the complete part of a dot block that is buffered, unstuffing dots.
   * Only a dot at a line start is special, so the scan looks for dots rather
   * than every line end.
   */
  #scanDotBlock(atLineStart: boolean): DotScan {
    const buf = this.#buf;
    const end = this.#end;
    let p = this.#start;
    if (p === end) return { lineStart: atLineStart, done: false };
    const out = new Uint8Array(end - p);
    let o = 0;
    let lineStart = atLineStart;
    let from = p;
    for (;;) {
      // Only the buffered bytes are searched, never the stale rest.
      const d = this.#scanDot(from, end);
      if (d === -1) {
        out.set(buf.subarray(p, end), o);
        o += end - p;
        lineStart = buf[end - 1] === LF;
        p = end;
        break;
      }
      const startsLine = d === this.#start ? lineStart : buf[d - 1] === LF;
      if (!startsLine) {
        from = d + 1;
        continue;
      }
      // Copy what precedes the dot; then look at what follows it.
      out.set(buf.subarray(p, d), o);
      o += d - p;
      p = d;
      if (d + 1 >= end) break;
      const after = buf[d + 1];
      if (after === CR) {
        if (d + 2 >= end) break;
        if (buf[d + 2] === LF) {
          this.#start = d + 3;
          return { out: out.subarray(0, o), lineStart: true, done: true };
        }
      } else if (after === LF && this.#allowBareLf) {
        this.#start = d + 2;
        return { out: out.subarray(0, o), lineStart: true, done: true };
      }
      // A stuffed dot: drop it, the rest of the line is content.
      p = d + 1;
      from = d + 2;
      lineStart = false;
    }
    this.#start = p;
    if (o === 0) return { lineStart, done: false };
    return { out: out.subarray(0, o), lineStart: p === end ? lineStart : true, done: false };
  }
}
