// Copyright 2026 the portline authors. MIT license.
/**
 * One data transfer: opening the data connection (EPSV → PASV, or EPRT →
 * PORT), the transfer command and its preliminary reply, TLS on the data
 * channel (resuming the control session where the runtime can), idle
 * timeouts, the final reply, and ABOR with resynchronisation so the control
 * connection stays usable after a cancelled transfer.
 *
 * @module
 */
import type { Conn, Listener, TlsOptions } from "../_core/transport.ts";
import { listen, startTls } from "../_core/transport.ts";
import type { Session } from "../_core/session.ts";
import type { Reply } from "../_core/reply.ts";
import { ConnectionClosedError, LimitError, TimeoutError } from "../_core/errors.ts";
import { memoryConn } from "../_core/memory_conn.ts";
import { FtpReplyError, FtpTlsSessionReuseError } from "./errors.ts";
import { readFtpReply } from "./_reply_reader.ts";
import {
  formatEprtArgument,
  formatPortArgument,
  parseEpsvReply,
  parsePasvReply,
} from "./replies.ts";
import { parseByteCount } from "./_values.ts";

/** What a transfer needs from its client. */
export interface TransferContext {
  session: Session;
  /** The server name, for TLS verification. */
  hostname: string;
  tls: TlsOptions;
  /** PROT P is in effect. */
  protect: boolean;
  passive: boolean;
  trustPasvAddress: boolean;
  activeHost: string | undefined;
  /** Where passive data connections go (unless PASV's address is trusted); the control connection's peer by default. */
  passiveHost: string | undefined;
  /** Opens a passive data connection (directly, or through the proxy). */
  connectData: (hostname: string, port: number) => Promise<Conn>;
  timeoutMs: number;
  /** The byte budget of one control reply. */
  maxReplyBytes: number;
  /** Learned fallbacks, shared across transfers. */
  caps: { epsv: boolean; eprt: boolean };
}

/** Builds an FtpReplyError from a reply. */
export function replyError(what: string, command: string, reply: Reply): FtpReplyError {
  const text = reply.lines.join(" ").trim();
  return new FtpReplyError(`Cannot ${what}: ${reply.code} ${text}`, {
    replyCode: reply.code,
    command,
    response: text,
  });
}

function plainHost(host: string): string {
  return host.replace(/^::ffff:(?=\d+\.)/i, "");
}

/** Reads the reply to `command` within the context's limits. */
function readReply(ctx: TransferContext, command: string): Promise<Reply> {
  return readFtpReply(ctx.session, command, ctx.maxReplyBytes);
}

async function expect(
  ctx: TransferContext,
  line: string,
  what: string,
  ok: (code: number) => boolean,
): Promise<Reply> {
  await ctx.session.send(line);
  const reply = await readReply(ctx, line);
  if (!ok(reply.code)) throw replyError(what, line, reply);
  return reply;
}

const PERMANENT = (code: number) => code >= 500;

async function passiveAddress(ctx: TransferContext, what: string): Promise<[string, number]> {
  const { session } = ctx;
  const controlHost = ctx.passiveHost ?? plainHost(session.conn.remoteAddr.hostname);
  if (ctx.caps.epsv) {
    await session.send("EPSV");
    const reply = await readReply(ctx, "EPSV");
    const port = reply.code === 229 ? parseEpsvReply(reply.lines.join(" ")) : null;
    if (port !== null) return [controlHost, port];
    if (!PERMANENT(reply.code)) throw replyError(what, "EPSV", reply);
    ctx.caps.epsv = false;
  }
  const reply = await expect(ctx, "PASV", what, (code) => code === 227);
  const address = parsePasvReply(reply.lines.join(" "));
  if (!address) throw replyError(what, "PASV", reply);
  // Like curl: the announced host is ignored (FTP bounce, NAT) unless trusted.
  return [ctx.trustPasvAddress ? address.host : controlHost, address.port];
}

async function announceActive(ctx: TransferContext, listener: Listener, what: string) {
  const { session } = ctx;
  const address = { host: plainHost(listener.addr.hostname), port: listener.addr.port };
  if (ctx.caps.eprt) {
    const line = `EPRT ${formatEprtArgument(address)}`;
    await session.send(line);
    const reply = await readReply(ctx, line);
    if (reply.code === 200) return;
    if (!PERMANENT(reply.code)) throw replyError(what, line, reply);
    ctx.caps.eprt = false;
  }
  await expect(ctx, `PORT ${formatPortArgument(address)}`, what, (code) => code === 200);
}

async function acceptFrom(listener: Listener, host: string, timeoutMs: number): Promise<Conn> {
  const timer = setTimeout(() => listener.close(), timeoutMs);
  try {
    for (;;) {
      const conn = await listener.accept();
      if (!conn) {
        throw new TimeoutError(
          `Cannot open the data connection: the server did not connect within ${timeoutMs} ms`,
        );
      }
      // Only the server may connect (a stranger could steal or inject data).
      if (plainHost(conn.remoteAddr.hostname) === host) return conn;
      conn.close();
    }
  } finally {
    clearTimeout(timer);
    listener.close();
  }
}

/** Options of {@linkcode DataTransfer.open}. */
export interface OpenOptions {
  /** REST offset. */
  offset?: number;
  /** Cancels with ABOR. */
  signal?: AbortSignal | undefined;
  /** Runs once when the transfer is over and the control connection is free. */
  onEnd: () => void;
}

/** An open data connection and the control-side state of its transfer. */
export class DataTransfer {
  readonly #ctx: TransferContext;
  readonly #command: string;
  readonly #what: string;
  #conn: Conn;
  #ended = false;
  /** The final reply was already read (a 2xx without 1xx). */
  #finished = false;
  readonly #signal: AbortSignal | undefined;
  readonly #onEnd: () => void;
  /** The size the server announced in its 150 reply, if it did. */
  readonly size: number | undefined;
  #ending: Promise<void> | undefined;
  #aborted = false;
  #timedOut = false;
  /** When the pending network wait began; 0 when none is pending. */
  #waitingSince = 0;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #onAbort = () => {
    this.#aborted = true;
    this.#conn.close();
    // End at once: nobody may be reading the stream any more.
    this.#ending ??= this.#abortSync();
    this.#ending.catch(() => {});
    this.onAborted?.();
  };
  /** Called when the signal aborts the transfer. */
  onAborted: (() => void) | undefined;

  private constructor(
    ctx: TransferContext,
    command: string,
    what: string,
    conn: Conn,
    reply: Reply,
    options: OpenOptions,
  ) {
    this.#ctx = ctx;
    this.#command = command;
    this.#what = what;
    this.#conn = conn;
    this.#signal = options.signal;
    this.#onEnd = options.onEnd;
    const size = /\((\d+) bytes\)/i.exec(reply.lines.join(" "));
    this.size = size ? parseByteCount(size[1]!) : undefined;
    const interval = Math.max(10, Math.min(1000, ctx.timeoutMs / 4));
    if (ctx.timeoutMs > 0 && ctx.timeoutMs < Infinity) {
      // Only waits on the network count: a slow consumer is not a timeout.
      this.#watchdog = setInterval(() => {
        const since = this.#waitingSince;
        if (since === 0 || Date.now() - since <= ctx.timeoutMs) return;
        this.#timedOut = true;
        this.#conn.close();
      }, interval);
    }
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (options.signal?.aborted) this.#onAbort();
  }

  /**
   * Opens the data connection and sends `command` (RETR, STOR, LIST…). The
   * caller holds the session lock.
   *
   * @returns The transfer, after the server's preliminary reply.
   */
  static async open(
    ctx: TransferContext,
    command: string,
    what: string,
    options: OpenOptions,
  ): Promise<DataTransfer> {
    const { session } = ctx;
    let data: Conn | undefined;
    let listener: Listener | undefined;
    let sent = false;
    const tlsOptions = () => ({
      ...ctx.tls,
      hostname: ctx.hostname,
      session: session.conn.tlsSession?.(),
    });
    try {
      if (ctx.passive) {
        const [host, port] = await passiveAddress(ctx, what);
        data = await ctx.connectData(host, port);
      } else {
        const host = ctx.activeHost ?? plainHost(session.conn.localAddr.hostname);
        listener = await listen({ hostname: host, port: 0 });
        await announceActive(ctx, listener, what);
      }
      if (options.offset) {
        await expect(ctx, `REST ${options.offset}`, what, (code) => code === 350);
      }
      options.signal?.throwIfAborted();
      await session.send(command);
      sent = true;
      const reply = await readReply(ctx, command);
      if (reply.code >= 200) {
        // No 1xx: a refusal, or (rarely) a completion with no data at all.
        if (reply.code >= 300 || /^(STOR|APPE|STOU) /.test(command)) {
          throw replyError(what, command, reply);
        }
        data?.close();
        listener?.close();
        const empty = new DataTransfer(ctx, command, what, memoryConn([]), reply, options);
        empty.#finished = true;
        return empty;
      }
      if (listener) {
        data = await acceptFrom(
          listener,
          plainHost(session.conn.remoteAddr.hostname),
          ctx.timeoutMs,
        );
      }
      // Servers start TLS on the data connection after their 1xx reply; like
      // ftplib, we start ours then too.
      if (ctx.protect) {
        try {
          data = await startTls(data!, tlsOptions());
        } catch (error) {
          // Often the server refuses the handshake and says why on the control connection.
          data!.close();
          const final = await readReply(ctx, command).catch(() => undefined);
          if (final && final.code >= 400) {
            throw DataTransfer.#refusal(ctx, what, command, final, undefined);
          }
          throw error;
        }
      }
      return new DataTransfer(ctx, command, what, data!, reply, options);
    } catch (error) {
      data?.close();
      listener?.close();
      // A reply too large to read after the transfer command: whether the
      // transfer started is unknown, so the connection cannot be kept in step.
      if (sent && error instanceof LimitError) session.destroy();
      throw error;
    }
  }

  static #refusal(
    ctx: TransferContext,
    what: string,
    command: string,
    reply: Reply,
    data: Conn | undefined,
  ): FtpReplyError {
    const reused = data?.tlsSessionReused?.() ?? false;
    if (!ctx.protect || reused || (reply.code !== 425 && reply.code !== 522)) {
      return replyError(what, command, reply);
    }
    const text = reply.lines.join(" ").trim();
    const canResume = ctx.session.conn.tlsSession?.() !== undefined;
    const why = canResume
      ? "the data connection did not resume the control connection's TLS session"
      : "this runtime's TLS (Deno) cannot resume TLS sessions, and the server requires the data connection to resume the control connection's session";
    return new FtpTlsSessionReuseError(
      `Cannot ${what}: the server refused the encrypted data connection (${reply.code} ${text}): ${why}. ` +
        "Run under Node (which resumes sessions), or relax the server: vsftpd require_ssl_reuse=NO, " +
        "proftpd TLSOptions NoSessionReuseRequired, FileZilla Server: allow data connections without TLS session resumption",
      { replyCode: reply.code, command, response: text },
    );
  }

  /** Whether the signal aborted the transfer. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /**
   * Reads data bytes.
   *
   * @param buffer Where to put them.
   * @returns The count, or `null` at the end of the data (or after an abort).
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    this.#waitingSince = Date.now();
    try {
      return await this.#conn.read(buffer);
    } finally {
      this.#waitingSince = 0;
    }
  }

  /**
   * Writes data bytes.
   *
   * @param bytes The bytes.
   */
  async write(bytes: Uint8Array): Promise<void> {
    this.#waitingSince = Date.now();
    try {
      await this.#conn.write(bytes);
    } finally {
      this.#waitingSince = 0;
    }
  }

  /**
   * Ends a successful transfer: for uploads, closes the data connection
   * cleanly (TLS close_notify, FIN) and waits for the server to close; then
   * reads the final reply.
   *
   * @param upload Whether we were sending.
   * @throws {FtpReplyError} When the final reply is not 2xx.
   */
  complete(upload: boolean): Promise<void> {
    this.#ending ??= this.#complete(upload);
    return this.#ending;
  }

  async #complete(upload: boolean): Promise<void> {
    try {
      if (this.#aborted || this.#timedOut) return await this.#abortSync();
      if (upload) {
        await this.#conn.closeWrite().catch(() => {});
        // Wait for the server to close its side: it has then stored everything.
        const sink = new Uint8Array(1024);
        while ((await this.read(sink).catch(() => null)) !== null);
      }
      this.#conn.close();
      if (this.#timedOut) return await this.#abortSync();
      if (this.#finished) return;
      const session = this.#ctx.session;
      session.reader.deadline = { timeoutMs: this.#ctx.timeoutMs };
      const reply = await readReply(this.#ctx, this.#command);
      if (reply.code >= 300) {
        throw DataTransfer.#refusal(this.#ctx, this.#what, this.#command, reply, this.#conn);
      }
    } catch (error) {
      // The reply reader stays in step after a LimitError; other failures
      // leave the connection in an unknown state.
      if (!(error instanceof FtpReplyError) && !(error instanceof LimitError)) {
        this.#ctx.session.destroy();
      }
      throw error;
    } finally {
      this.#end();
    }
  }

  /**
   * Ends a transfer whose data connection failed: resynchronises the control
   * connection and reports the most useful error (the server's reply when it
   * refused, the abort reason, a timeout, or `error`).
   *
   * @param error What the data side threw.
   * @returns The error to throw.
   */
  async failure(error: unknown): Promise<unknown> {
    this.#ending ??= this.#abortSync(error);
    try {
      await this.#ending;
    } catch (reason) {
      return reason;
    }
    return error;
  }

  /** Cancels the transfer (the consumer lost interest): ABOR, resync. */
  async cancel(): Promise<void> {
    this.#aborted = true;
    this.#conn.close();
    this.#ending ??= this.#abortSync(null);
    await this.#ending.catch(() => {});
  }

  /**
   * Sends ABOR and NOOP in one write and reads replies up to NOOP's 200:
   * whatever the server answers to the transfer and to ABOR (426, 226, 225…)
   * is consumed, so the connection is in step again.
   */
  async #abortSync(cause?: unknown): Promise<void> {
    this.#conn.close();
    const session = this.#ctx.session;
    let refusal: FtpReplyError | undefined;
    try {
      session.reader.deadline = { timeoutMs: this.#ctx.timeoutMs };
      await session.send(["ABOR", "NOOP"]);
      for (let i = 0; i < 8; i++) {
        const reply = await readReply(this.#ctx, "ABOR");
        if (reply.code === 200) break;
        if (i === 0 && reply.code >= 400 && reply.code !== 426 && !this.#aborted) {
          refusal = DataTransfer.#refusal(this.#ctx, this.#what, this.#command, reply, this.#conn);
        }
        if (i === 7) throw new ConnectionClosedError("Cannot resynchronise after ABOR");
      }
    } catch {
      session.destroy();
    } finally {
      this.#end();
    }
    if (this.#aborted && this.#signal?.aborted) throw this.#signal.reason;
    if (this.#timedOut) {
      throw new TimeoutError(
        `Cannot ${this.#what}: no data for ${this.#ctx.timeoutMs} ms (transfer aborted)`,
      );
    }
    // A limit we enforced is why the transfer stopped: the server's complaint
    // about the data connection we then closed (proftpd: 425) is not news.
    if (refusal && !(cause instanceof LimitError)) throw refusal;
    if (cause !== undefined && cause !== null) throw cause;
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#conn.close();
    this.#onEnd();
  }
}
