// Copyright 2026 the portline authors. MIT license.
/**
 * What every line-based client shares: one connection, its reader, a command
 * lock (one command or body at a time), deadlines, the transcript hook and
 * the STARTTLS upgrade with its injection check.
 *
 * @module
 */
import { BufferedReader, type BufferedReaderOptions } from "./buffered_reader.ts";
import type { Conn, TlsOptions } from "./transport.ts";
import { startTls } from "./transport.ts";
import { type DeadlineOptions, Watchdog, withDeadline } from "./deadline.ts";
import { ConnectionClosedError, TlsError } from "./errors.ts";
import { encodeCommands } from "./writer.ts";
import { readReply, type ReadReplyOptions, type Reply } from "./reply.ts";

/**
 * One line of a transcript.
 *
 * @example Usage
 * ```ts
 * import { memoryConn, Session, type TranscriptEntry } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const transcript: TranscriptEntry[] = [];
 * const session = new Session(memoryConn(["250 ok\r\n"]), "memory", {
 *   onTranscript: (entry) => transcript.push(entry),
 * });
 * await session.command("NOOP");
 * assert.deepEqual(transcript, [
 *   { direction: "send", line: "NOOP" },
 *   { direction: "receive", line: "250 ok" },
 * ]);
 * ```
 */
export interface TranscriptEntry {
  /** `"send"` for what we wrote, `"receive"` for what the server wrote. */
  direction: "send" | "receive";
  /** The line, credentials redacted. */
  line: string;
}

/**
 * Options every client takes.
 *
 * @example Usage
 * ```ts
 * import { memoryConn, Session, type SessionOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: SessionOptions = { timeoutMs: 10_000, maxLineBytes: 4096 };
 * const session = new Session(memoryConn([]), "memory", options);
 * assert.equal(session.timeoutMs, 10_000);
 * ```
 */
export interface SessionOptions extends BufferedReaderOptions {
  /**
   * The longest any single network wait may take, in milliseconds.
   *
   * @default {30000}
   */
  timeoutMs?: number;
  /** Receives each command and reply line, credentials redacted. */
  onTranscript?: (entry: TranscriptEntry) => void;
}

/**
 * Options every client method takes.
 *
 * @example Usage
 * ```ts
 * import { type CallOptions, memoryConn, Session } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const session = new Session(memoryConn(["250 ok\r\n"]), "memory");
 * const controller = new AbortController();
 * const options: CallOptions = { signal: controller.signal };
 * assert.equal((await session.command("NOOP", options)).code, 250);
 * controller.abort(new Error("stop"));
 * await assert.rejects(session.command("NOOP", options), /stop/);
 * ```
 */
export interface CallOptions {
  /** Aborts the call; it rejects with `signal.reason` and the connection closes. */
  signal?: AbortSignal;
}

/**
 * A mutual-exclusion lock: commands (and the body streams they return) run
 * one at a time on a connection.
 *
 * @example Usage
 * ```ts
 * import { Lock } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const lock = new Lock();
 * const release = await lock.acquire();
 * assert.equal(lock.locked, true);
 * release();
 * assert.equal(lock.locked, false);
 * ```
 */
export class Lock {
  #tail: Promise<void> = Promise.resolve();
  #held = 0;

  /** Whether someone holds or waits for the lock. */
  get locked(): boolean {
    return this.#held > 0;
  }

  /**
   * Takes the lock at once if nobody holds or waits for it.
   *
   * @returns The release function, or `undefined` when the lock is busy.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.#held > 0) return undefined;
    this.#held++;
    let release!: () => void;
    // Later acquire() calls queue behind this holder.
    this.#tail = new Promise<void>((resolve) => release = resolve);
    return this.#releaser(release);
  }

  /**
   * Waits for the lock.
   *
   * @returns A function that releases it (safe to call twice).
   */
  async acquire(): Promise<() => void> {
    this.#held++;
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => release = resolve);
    await previous;
    return this.#releaser(release);
  }

  /** The holder's release function: lets the next waiter in, once. */
  #releaser(release: () => void): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      release();
    };
  }
}

/**
 * A line-protocol session over one connection.
 *
 * @example Usage
 * ```ts
 * import { memoryConn, Session } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const conn = memoryConn(["250 ok\r\n"]);
 * const session = new Session(conn, "memory");
 * const reply = await session.command("NOOP");
 * assert.equal(reply.code, 250);
 * assert.equal(conn.writtenText(), "NOOP\r\n");
 * ```
 */
export class Session {
  #conn: Conn;
  /** The reader over the current connection. */
  readonly reader: BufferedReader;
  /** One command (or body stream) at a time. */
  readonly lock: Lock = new Lock();
  /** The server's name, for TLS verification and messages. */
  readonly hostname: string;
  /** The bound on each network wait, in milliseconds. */
  readonly timeoutMs: number;
  /** The transcript hook, if any. */
  readonly onTranscript: ((entry: TranscriptEntry) => void) | undefined;
  #closed = false;
  // Bounds each write with one reusable deadline (reads have the reader's).
  readonly #writes: Watchdog = new Watchdog();

  /**
   * Wraps a connection.
   *
   * @param conn The connection.
   * @param hostname The server's name (for TLS verification and messages).
   * @param options Timeouts, transcript hook and reader limits.
   */
  constructor(conn: Conn, hostname: string, options: SessionOptions = {}) {
    this.#conn = conn;
    this.hostname = hostname;
    this.reader = new BufferedReader(conn, options);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.onTranscript = options.onTranscript;
    this.reader.deadline = { timeoutMs: this.timeoutMs };
  }

  /** The current connection (changes after STARTTLS). */
  get conn(): Conn {
    return this.#conn;
  }

  /** Whether the session was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The deadline of the current call. */
  deadline(options: CallOptions = {}): DeadlineOptions {
    return { signal: options.signal, timeoutMs: this.timeoutMs };
  }

  /**
   * Runs `fn` holding the lock, with every read bounded by the call's signal
   * and the session's timeout.
   *
   * @param options The call's signal.
   * @param fn The work.
   * @returns What `fn` returns.
   */
  async run<T>(options: CallOptions, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Takes the lock for a call that returns a stream; the caller releases it
   * when the stream ends.
   *
   * @param options The call's signal.
   * @returns The release function.
   * @throws {ConnectionClosedError} When the session is closed.
   */
  async acquire(options: CallOptions = {}): Promise<() => void> {
    // The lock is free for most calls: no promise race and no timer then.
    const release = this.lock.tryAcquire() ?? await this.#waitForLock(options);
    if (options.signal?.aborted) {
      release();
      throw options.signal.reason;
    }
    if (this.#closed) {
      release();
      throw new ConnectionClosedError(`Cannot send to ${this.hostname}: the session is closed`);
    }
    this.reader.deadline = this.deadline(options);
    return release;
  }

  async #waitForLock(options: CallOptions): Promise<() => void> {
    const waiting = this.lock.acquire();
    try {
      return await withDeadline(waiting, "wait for the connection", { signal: options.signal });
    } catch (error) {
      // Aborted while queued: pass the lock on as soon as it arrives.
      waiting.then((release) => release());
      throw error;
    }
  }

  /**
   * Logs a line to the transcript.
   *
   * @param direction Sent or received.
   * @param line The line (already redacted).
   */
  log(direction: "send" | "receive", line: string): void {
    this.onTranscript?.({ direction, line });
  }

  /**
   * Writes raw bytes under the current deadline.
   *
   * @param bytes The bytes.
   */
  async write(bytes: Uint8Array): Promise<void> {
    const conn = this.#conn;
    await this.#writes.wait(
      conn.write(bytes),
      () => `write to ${this.hostname}`,
      this.reader.deadline,
      () => conn.close(),
    );
  }

  /**
   * Sends command lines in one write.
   *
   * @param lines The commands.
   * @param shown What the transcript shows instead (credentials redacted).
   */
  async send(lines: string | readonly string[], shown?: string | readonly string[]): Promise<void> {
    const list = typeof lines === "string" ? [lines] : lines;
    const bytes = encodeCommands(list);
    if (this.onTranscript) {
      const display = shown === undefined ? list : typeof shown === "string" ? [shown] : shown;
      for (const line of display) this.log("send", line);
    }
    await this.write(bytes);
  }

  /**
   * Reads one line, logged.
   *
   * @returns The line.
   */
  async readLine(): Promise<string> {
    const line = await this.reader.readLine();
    if (this.onTranscript) this.log("receive", line);
    return line;
  }

  /**
   * Reads one numeric reply, logged.
   *
   * @param options Enhanced codes and limits.
   * @returns The reply.
   */
  readReply(options: ReadReplyOptions = {}): Promise<Reply> {
    const onLine = this.onTranscript ? (line: string) => this.log("receive", line) : undefined;
    return readReply(this.reader, onLine ? { ...options, onLine } : options);
  }

  /**
   * Sends one command and reads its numeric reply, holding the lock.
   *
   * @param line The command.
   * @param options The call's signal, plus reply options.
   * @returns The reply, whatever its code.
   */
  command(line: string, options: CallOptions & ReadReplyOptions = {}): Promise<Reply> {
    return this.run(options, async () => {
      await this.send(line);
      return await this.readReply(options);
    });
  }

  /**
   * Upgrades the connection to TLS after the server's go-ahead. Bytes the
   * server sent after its go-ahead are an attack (STARTTLS injection): the
   * connection is closed and a `TlsError` thrown.
   *
   * @param tls Verification options.
   * @throws {TlsError} On injected plaintext or a failed handshake.
   */
  async upgradeTls(tls: TlsOptions = {}): Promise<void> {
    if (this.reader.buffered > 0) {
      this.destroy();
      throw new TlsError(
        `Cannot start TLS with ${this.hostname}: the server sent data before the handshake (possible STARTTLS injection)`,
      );
    }
    const conn = this.#conn;
    const secure = await withDeadline(
      startTls(conn, { ...tls, hostname: this.hostname }),
      `start TLS with ${this.hostname}`,
      this.reader.deadline,
      () => conn.close(),
    );
    this.#conn = secure;
    this.reader.conn = secure;
  }

  /** Closes the connection at once. */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#conn.close();
  }
}
