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
import { concatBytes } from "./writer.ts";
import { type DeadlineOptions, Watchdog } from "./deadline.ts";

/**
 * Options of a {@linkcode BufferedReader}.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, type BufferedReaderOptions, LimitError, memoryConn } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: BufferedReaderOptions = { maxLineBytes: 16, allowBareLf: false };
 * const reader = new BufferedReader(memoryConn(["x".repeat(100) + "\r\n"]), options);
 * await assert.rejects(reader.readLine(), LimitError);
 * ```
 */
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

/**
 * Options of {@linkcode BufferedReader.dotBlock}.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, type DotBlockOptions, memoryConn } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * let bytes = 0;
 * const options: DotBlockOptions = { onCancel: "drain", onProgress: (n) => bytes = n };
 * const reader = new BufferedReader(memoryConn(["hi\r\n.\r\n"]));
 * for await (const _ of reader.dotBlock(options));
 * assert.equal(bytes, 4);
 * ```
 */
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

/**
 * Options of {@linkcode BufferedReader.readDotBlockBytes}.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, LimitError, memoryConn, type ReadDotBlockOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: ReadDotBlockOptions = { maxBytes: 4 };
 * const reader = new BufferedReader(memoryConn(["too long\r\n.\r\n"]));
 * await assert.rejects(reader.readDotBlockBytes(options), LimitError);
 * ```
 */
export interface ReadDotBlockOptions {
  /**
   * The most bytes accepted (after unstuffing); a longer block throws a
   * `LimitError` before it is buffered whole.
   *
   * @default {Infinity}
   */
  maxBytes?: number;
  /** Called with the running byte count after each piece. */
  onProgress?: (bytes: number) => void;
}

const LF = 10;
const CR = 13;
const DOT = 46;
const utf8 = new TextDecoder();
const latin1Decoder = new TextDecoder("latin1");
/** The first bulk decode window of a run of lines, doubled per decode after. */
const MIN_WINDOW = 1024;

/** One step of a dot-block scan: bytes ready, and whether the block ended. */
interface DotScan {
  out?: Uint8Array;
  lineStart: boolean;
  done: boolean;
}

/**
 * Checks a limit option: a number of at least `least` (Infinity allowed); a
 * NaN or negative limit would silently lift the bound.
 */
function positiveLimit(value: number, what: string, name: string, least = 1): number {
  if (typeof value !== "number" || !(value >= least)) {
    throw new RangeError(`Cannot ${what}: ${name} must be a number >= ${least}, got ${value}`);
  }
  return value;
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
  // The decoded text of [#textStart, #textEnd) and the first byte >= 0x80
  // at or after the line being decoded (Infinity: none before #textEnd).
  #text = "";
  #textStart = 0;
  #textEnd = -1;
  #highAt = -1;
  // How far past a line the next decode reaches: 0 for a line read on its
  // own (a status line before a body), doubling while lines follow lines.
  #window = 0;
  // Where the line after the last text line starts (-1: not known).
  #lineNext = -1;
  // Stuffed dots found by the current #scanDotBlock step.
  #stuffed: number[] = [];
  // Bounds every read with one reusable deadline on the shared watchdog
  // timer: a new timer per read cost about 10 µs of CPU here.
  readonly #watchdog: Watchdog = new Watchdog();
  readonly #maxLine: number;
  readonly #allowBareLf: boolean;
  /** Bounds every read: set it per command. */
  deadline: DeadlineOptions = {};

  /**
   * Creates a reader.
   *
   * @param conn The connection to read from.
   * @param options Buffer size, line limit and bare-LF tolerance.
   * @throws {RangeError} When `bufferSize` is not a positive integer or
   * `maxLineBytes` is not a number of at least 1.
   */
  constructor(conn: Conn, options: BufferedReaderOptions = {}) {
    const bufferSize = options.bufferSize ?? 65536;
    if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(
        `Cannot create reader: bufferSize must be a positive integer, got ${bufferSize}`,
      );
    }
    this.#conn = conn;
    this.#buf = new Uint8Array(bufferSize);
    this.#latin = Buffer.from(this.#buf.buffer, 0, this.#buf.byteLength) as Latin1Buffer;
    this.#words = new Int32Array(this.#buf.buffer, 0, this.#buf.byteLength >>> 2);
    this.#maxLine = positiveLimit(options.maxLineBytes ?? 65536, "create reader", "maxLineBytes");
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

  /** The longest line `readLine()` accepts, line end included. */
  get maxLineBytes(): number {
    return this.#maxLine;
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
      this.#shift(this.#start);
    }
    if (this.#end === this.#buf.byteLength) this.#grow(this.#buf.byteLength * 2);
    const conn = this.#conn;
    const n = await this.#bounded(
      conn.read(this.#buf.subarray(this.#end)),
      () => `read from ${conn.remoteAddr.hostname} port ${conn.remoteAddr.port}`,
    );
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#end += n;
    return true;
  }

  /**
   * Bounds a read by `deadline` through the reader's watchdog: an expiry
   * closes the connection (its state is unknown) and rejects.
   */
  #bounded(read: Promise<number | null>, what: () => string): Promise<number | null> {
    const conn = this.#conn;
    return this.#watchdog.wait(read, what, this.deadline, () => conn.close());
  }

  #grow(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(this.#start, this.#end));
    this.#shift(this.#start);
    this.#buf = next;
    this.#latin = Buffer.from(next.buffer, 0, next.byteLength) as Latin1Buffer;
    this.#words = new Int32Array(next.buffer, 0, next.byteLength >>> 2);
  }

  /**
   * Moves every offset down by `by` after the unread bytes moved to the
   * front: the decoded text stays valid for them (positions before 0 are
   * consumed and never looked up again).
   */
  #shift(by: number): void {
    this.#start -= by;
    this.#end -= by;
    this.#textStart -= by;
    this.#textEnd -= by;
    this.#highAt -= by;
    this.#lineNext -= by;
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
    const lf = this.#scanFor(LF, this.#start, end);
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
    const line = this.#decode(start, end);
    this.#lineNext = lf + 1;
    return line;
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
    const line = this.#decode(start, end);
    this.#lineNext = at + 1;
    return line;
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

  /**
   * Decodes the line [start, end). Runs of lines are latin1-decoded in bulk,
   * once, and sliced per line; the bulk window starts at the line alone and
   * doubles while lines follow lines, so a status line before a large body
   * costs its own bytes only. Lines with a byte >= 0x80 are decoded as UTF-8.
   */
  #decode(start: number, end: number): string {
    if (start === end) return "";
    if (start < this.#textStart || end > this.#textEnd) {
      // Bytes before #end never change in place (a compaction shifts the
      // offsets), so a line inside the decoded range can use it.
      this.#window = start === this.#lineNext
        ? Math.min(Math.max(this.#window * 2, MIN_WINDOW), this.#buf.byteLength)
        : 0;
      const stop = Math.min(this.#end, Math.max(end, start + this.#window));
      this.#textStart = start;
      this.#textEnd = stop;
      this.#highAt = -1;
      this.#text = this.#latin.latin1Slice
        ? this.#latin.latin1Slice(start, stop)
        : this.#latin.toString("latin1", start, stop);
    }
    if (this.#highAt < start) this.#highAt = this.#findHigh(start, this.#textEnd);
    if (this.#highAt < end) return utf8.decode(this.#buf.subarray(start, end));
    const textStart = this.#textStart;
    return this.#text.slice(start - textStart, end - textStart);
  }

  /**
   * Finds the first `byte` in [from, to), four bytes per step with the SWAR
   * zero-byte trick: measured here at 2.5 GB/s against 1.0 GB/s for
   * `Uint8Array#indexOf`, whose per-call cost dominates on ~80-byte lines
   * (line ends) and on message bodies with few dots (dot-stuffing).
   */
  #scanFor(byte: number, from: number, to: number): number {
    const bytes = this.#buf;
    let i = from;
    while (i < to && (i & 3) !== 0) {
      if (bytes[i] === byte) return i;
      i++;
    }
    if (i >= to) return -1;
    const words = this.#words;
    const pattern = byte * 0x01010101;
    const lastWord = to >>> 2;
    let w = i >>> 2;
    for (; w < lastWord; w++) {
      const v = words[w]! ^ pattern;
      if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
    }
    for (i = Math.max(w << 2, from); i < to; i++) if (bytes[i] === byte) return i;
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
   * Discards everything through the next line end, however long the line
   * (one `readLine()` refused as too long, say), in buffer-sized steps.
   *
   * @param maxBytes The most bytes discarded before giving up.
   * @returns How many bytes were discarded (line end included) and the
   *   line's first bytes as far as they were buffered (up to 80, latin1),
   *   for transcripts and parsing.
   * @throws {LimitError} When no line end comes within `maxBytes`.
   * @throws {ConnectionClosedError} When the stream ends first.
   *
   * @example Skipping a line too long to read
   * ```ts
   * import { BufferedReader, memoryConn } from "@portline/portline/core";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufferedReader(memoryConn([`${"x".repeat(5000)}\r\nok\r\n`]), {
   *   maxLineBytes: 1024,
   * });
   * assert.equal((await reader.skipLine(1 << 20)).bytes, 5002);
   * assert.equal(await reader.readLine(), "ok");
   * ```
   */
  async skipLine(maxBytes: number): Promise<{ bytes: number; head: string }> {
    if (this.#start === this.#end && !(await this.#fill())) throw this.#closedError("skip line");
    const take = Math.min(80, this.#end - this.#start);
    const head = latin1Decoder.decode(this.#buf.subarray(this.#start, this.#start + take));
    let bytes = 0;
    for (;;) {
      const lf = this.#scanFor(LF, this.#start, this.#end);
      const upTo = lf === -1 ? this.#end : lf + 1;
      bytes += upTo - this.#start;
      this.#start = upTo;
      if (bytes > maxBytes) {
        throw new LimitError(`Cannot skip line: no line end within ${maxBytes} bytes`);
      }
      if (lf !== -1) return { bytes, head };
      if (!(await this.#fill())) throw this.#closedError("skip line");
    }
  }

  /**
   * Reads exactly `n` bytes (IMAP literals, counted bodies) into a new array.
   *
   * @param n How many bytes.
   * @returns A new array of `n` bytes.
   * @throws {ConnectionClosedError} When the stream ends first.
   * @throws {RangeError} When `n` is not a whole number from 0 to 2^31 - 1
   *   (a count taken from a peer must be bounded by the caller first).
   */
  async readExact(n: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`Cannot read ${n} bytes: not a whole number from 0 to 2^31 - 1`);
    }
    const out = new Uint8Array(n);
    let have = Math.min(n, this.#end - this.#start);
    out.set(this.#buf.subarray(this.#start, this.#start + have));
    this.#start += have;
    while (have < n) {
      // Large remainders go straight into the result: no second copy.
      const got = await this.#bounded(this.#conn.read(out.subarray(have)), () => "read");
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
    const got = await this.#bounded(this.#conn.read(out), () => "read");
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
    const endAtEof = options.endAtEof ?? false;
    const next = async (): Promise<DotScan> => {
      let scan = this.#nextDotPiece(lineStart, endAtEof);
      if (scan instanceof Promise) scan = await scan;
      lineStart = scan.lineStart;
      return scan;
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
   * The dot-unstuffing loop of {@linkcode dotBlock} and
   * {@linkcode readDotBlockBytes}: the next unstuffed piece of a block, or
   * its end. Scans what is buffered and reads more only when nothing usable
   * is there; synchronous when the buffer already holds a piece, so a block
   * that arrived whole costs no promise.
   *
   * @param lineStart Whether the next unread byte starts a line (carry the
   * returned `lineStart` into the next call).
   * @param endAtEof Whether a clean end of stream ends the block (its
   * buffered rest is the last piece) instead of throwing.
   */
  #nextDotPiece(lineStart: boolean, endAtEof: boolean): DotScan | Promise<DotScan> {
    const scan = this.#scanDotBlock(lineStart);
    return scan.done || scan.out ? scan : this.#fillDotPiece(scan.lineStart, endAtEof);
  }

  async #fillDotPiece(lineStart: boolean, endAtEof: boolean): Promise<DotScan> {
    for (;;) {
      if (!(await this.#fill())) {
        if (!endAtEof) throw this.#closedError("read the dot-terminated block");
        const out = this.#buf.slice(this.#start, this.#end);
        this.#start = this.#end;
        return { out, lineStart, done: true };
      }
      const scan = this.#scanDotBlock(lineStart);
      if (scan.done || scan.out) return scan;
      lineStart = scan.lineStart;
    }
  }

  /**
   * Takes the complete part of a dot block that is buffered, unstuffing dots,
   * into a new array of exactly its size. Only a dot at a line start is
   * special, so the scan looks for dots rather than every line end: a first
   * pass finds the stuffed dots and where the buffered part ends, a second
   * copies the runs between them.
   */
  #scanDotBlock(atLineStart: boolean): DotScan {
    const buf = this.#buf;
    const end = this.#end;
    const p = this.#start;
    if (p === end) return { lineStart: atLineStart, done: false };
    const stuffed = this.#stuffed;
    stuffed.length = 0;
    // The bytes [p, stop) are content once the stuffed dots are dropped.
    let stop = end;
    let next = end;
    let done = false;
    let from = p;
    for (;;) {
      // Only the buffered bytes are searched, never the stale rest.
      const d = this.#scanFor(DOT, from, end);
      if (d === -1) break;
      if (!(d === p ? atLineStart : buf[d - 1] === LF)) {
        from = d + 1;
        continue;
      }
      // A dot at a line start: what follows it decides.
      if (d + 1 >= end) {
        stop = next = d;
        break;
      }
      const after = buf[d + 1];
      if (after === CR) {
        if (d + 2 >= end) {
          stop = next = d;
          break;
        }
        if (buf[d + 2] === LF) {
          stop = d;
          next = d + 3;
          done = true;
          break;
        }
      } else if (after === LF && this.#allowBareLf) {
        stop = d;
        next = d + 2;
        done = true;
        break;
      }
      // A stuffed dot: drop it, the rest of the line is content.
      stuffed.push(d);
      from = d + 2;
    }
    this.#start = next;
    // Bytes held back (a dot that may end the block) start a line.
    const lineStart = stop < end ? true : buf[end - 1] === LF;
    const size = stop - p - stuffed.length;
    if (size === 0) return { lineStart: p === stop ? atLineStart : lineStart, done };
    const out = new Uint8Array(size);
    let o = 0;
    let run = p;
    for (const dot of stuffed) {
      out.set(buf.subarray(run, dot), o);
      o += dot - run;
      run = dot + 1;
    }
    out.set(buf.subarray(run, stop), o);
    return { out, lineStart, done };
  }

  /**
   * Reads a whole dot-terminated block into one array: the bytes
   * {@linkcode dotBlock} would stream, without a stream (the cheaper way to
   * take a message that fits in memory).
   *
   * @example Reading a block whole
   * ```ts
   * import { BufferedReader, memoryConn } from "@portline/portline";
   * import assert from "node:assert/strict";
   *
   * const reader = new BufferedReader(memoryConn(["a\r\n..b\r\n.\r\n+OK\r\n"]));
   * const bytes = await reader.readDotBlockBytes({ maxBytes: 1024 });
   * assert.equal(new TextDecoder().decode(bytes), "a\r\n.b\r\n");
   * assert.equal(await reader.readLine(), "+OK");
   * ```
   *
   * @param options The most bytes accepted and a progress callback.
   * @returns The block's bytes, dot-stuffing removed, terminating line left out.
   * @throws {LimitError} When the block exceeds `maxBytes`; the rest of it is
   * left unread, so the connection's state is unknown (close it).
   * @throws {ConnectionClosedError} When the stream ends before the terminator.
   * @throws {RangeError} When `maxBytes` is negative or not a number.
   */
  async readDotBlockBytes(options: ReadDotBlockOptions = {}): Promise<Uint8Array> {
    const maxBytes = positiveLimit(
      options.maxBytes ?? Infinity,
      "read the dot-terminated block",
      "maxBytes",
      0,
    );
    const onProgress = options.onProgress;
    let lineStart = true;
    let first: Uint8Array | undefined;
    let more: Uint8Array[] | undefined;
    let total = 0;
    for (;;) {
      let scan = this.#nextDotPiece(lineStart, false);
      if (scan instanceof Promise) scan = await scan;
      lineStart = scan.lineStart;
      const out = scan.out;
      if (out) {
        total += out.byteLength;
        if (total > maxBytes) {
          const { hostname } = this.#conn.remoteAddr;
          throw new LimitError(
            `Cannot read the dot-terminated block: longer than ${maxBytes} bytes from ${hostname}`,
          );
        }
        if (first === undefined) first = out;
        else (more ??= [first]).push(out);
        onProgress?.(total);
      }
      if (scan.done) break;
    }
    if (more === undefined) return first ?? new Uint8Array(0);
    return concatBytes(more, total);
  }
}
