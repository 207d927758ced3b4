// Copyright 2026 the portline authors. MIT license.
/**
 * One mail transaction on an open session: the envelope (pipelined in one
 * write when the server offers PIPELINING), then the body by DATA
 * (dot-stuffed) or BDAT (CHUNKING), streamed in large coalesced writes, and
 * per-recipient results (one DATA reply per recipient for LMTP).
 *
 * @module
 */
import type { Session } from "../_core/session.ts";
import type { Reply } from "../_core/reply.ts";
import {
  bodyChunks,
  type BodySource,
  concatBytes,
  DotStuffEncoder,
  encodeCommands,
  WriteCoalescer,
} from "../_core/writer.ts";
import type { SmtpExtensions } from "./extensions.ts";
import {
  SmtpRecipientsRefusedError,
  type SmtpRejectedRecipient,
  SmtpReplyError,
} from "./errors.ts";
import type { SmtpPlan } from "./plan.ts";

/** What a sent message came to. */
export interface SmtpSendResult {
  /** The recipients the server accepted the message for. */
  accepted: string[];
  /** The recipients it refused, with its replies. */
  rejected: SmtpRejectedRecipient[];
  /** The final reply's code (the last one for LMTP). */
  replyCode: number;
  /** The final reply's enhanced status code, if any. */
  enhancedCode: string | undefined;
  /** The final reply's text (often carries the queue id). */
  response: string;
  /** The message bytes written (after dot-stuffing and line-end normalisation). */
  bytes: number;
}

/** What a transaction needs from the client. */
export interface SmtpTransactionContext {
  /** The open session. */
  readonly session: Session;
  /** The server's extensions. */
  readonly extensions: SmtpExtensions;
  /** LMTP: one reply per recipient after the data. */
  readonly lmtp: boolean;
  /** Pipeline the envelope (the server offers PIPELINING and it is not turned off). */
  readonly pipelining: boolean;
  /** Send the body with BDAT (the server offers CHUNKING and it is not turned off). */
  readonly chunking: boolean;
  /** A transaction ran before on this session: prepend RSET to a pipelined envelope. */
  needsReset: boolean;
  /** The server answers a pipelined BDAT in two writes: send the chunk after the envelope replies. */
  splitBdat: boolean;
}

/** Progress and cancellation of one transaction. */
export interface SmtpTransactionOptions {
  /** Called with the message bytes written so far. */
  onProgress?: ((bytes: number) => void) | undefined;
}

/** The smallest BDAT chunk, and the size of DATA writes. */
const CHUNK = 256 * 1024;
/** Input slices handed to the encoder (bounds its scratch memory). */
const PIECE = 64 * 1024;

/**
 * Builds an {@linkcode SmtpReplyError} from a refusal.
 *
 * @param what The action, for `Cannot <what>`.
 * @param command The command (redacted).
 * @param reply The reply.
 * @returns The error.
 */
export function smtpReplyError(what: string, command: string, reply: Reply): SmtpReplyError {
  const text = reply.lines.join("\n");
  const enhanced = reply.enhancedCode ? `${reply.enhancedCode} ` : "";
  return new SmtpReplyError(`Cannot ${what}: ${reply.code} ${enhanced}${text}`, {
    replyCode: reply.code,
    enhancedCode: reply.enhancedCode,
    command,
    response: text,
  });
}

function rejection(address: string, reply: Reply): SmtpRejectedRecipient {
  return {
    address,
    replyCode: reply.code,
    enhancedCode: reply.enhancedCode,
    response: reply.lines.join("\n"),
    transient: reply.code >= 400 && reply.code < 500,
  };
}

async function* encoded(body: BodySource, encoder: DotStuffEncoder): AsyncGenerator<Uint8Array> {
  for await (const chunk of bodyChunks(body)) {
    for (let at = 0; at < chunk.byteLength; at += PIECE) {
      const out = encoder.push(chunk.subarray(at, at + PIECE));
      if (out.byteLength > 0) yield out;
    }
  }
  const tail = encoder.end();
  if (tail.byteLength > 0) yield tail;
}

/** Encoded body bytes grouped into BDAT chunks of at least 256 KiB. */
async function* chunks(body: BodySource): AsyncGenerator<Uint8Array[]> {
  let parts: Uint8Array[] = [];
  let size = 0;
  for await (const piece of encoded(body, new DotStuffEncoder({ stuffDots: false }))) {
    parts.push(piece);
    size += piece.byteLength;
    if (size >= CHUNK) {
      yield parts;
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield parts;
}

function sizeOf(parts: readonly Uint8Array[]): number {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return size;
}

/** Runs one transaction; state stays consistent on refusals (RSET is sent). */
class Transaction {
  readonly #ctx: SmtpTransactionContext;
  readonly #plan: SmtpPlan;
  readonly #options: SmtpTransactionOptions;
  readonly #session: Session;
  readonly #accepted: string[] = [];
  readonly #rejected: SmtpRejectedRecipient[] = [];
  #bytes = 0;

  constructor(ctx: SmtpTransactionContext, plan: SmtpPlan, options: SmtpTransactionOptions) {
    this.#ctx = ctx;
    this.#plan = plan;
    this.#options = options;
    this.#session = ctx.session;
  }

  #read(): Promise<Reply> {
    return this.#session.readReply({ enhanced: true });
  }

  #progress(bytes: number): void {
    this.#bytes += bytes;
    this.#options.onProgress?.(this.#bytes);
  }

  #logData(bytes: number): void {
    if (this.#session.onTranscript) this.#session.log("send", `<message data: ${bytes} bytes>`);
  }

  /** The envelope lines, RSET first when a transaction ran before. */
  #envelope(): string[] {
    const lines = [this.#plan.mailLine, ...this.#plan.rcptLines];
    if (this.#ctx.needsReset) lines.unshift("RSET");
    return lines;
  }

  /** Reads the envelope replies (RSET?, MAIL, every RCPT); the MAIL error, if any. */
  async #readEnvelope(withReset: boolean): Promise<SmtpReplyError | undefined> {
    if (withReset) {
      const reset = await this.#read();
      if (reset.code !== 250) {
        // Keep reading so the replies stay in step, then report.
        await this.#readMailAndRcpts();
        return smtpReplyError("reset the session", "RSET", reset);
      }
    }
    return await this.#readMailAndRcpts();
  }

  async #readMailAndRcpts(): Promise<SmtpReplyError | undefined> {
    const mail = await this.#read();
    const mailError = mail.code === 250
      ? undefined
      : smtpReplyError(`send MAIL FROM:<${this.#plan.from}>`, this.#plan.mailLine, mail);
    for (const address of this.#plan.to) this.#recordRcpt(address, await this.#read());
    return mailError;
  }

  #recordRcpt(address: string, reply: Reply): void {
    if (reply.code === 250 || reply.code === 251) this.#accepted.push(address);
    else this.#rejected.push(rejection(address, reply));
  }

  #refused(): SmtpRecipientsRefusedError {
    const first = this.#rejected[0];
    const list = this.#rejected.map((r) => `${r.address} (${r.replyCode} ${r.response})`);
    return new SmtpRecipientsRefusedError(
      `Cannot send: every recipient was refused: ${list.join(", ")}`,
      {
        replyCode: first?.replyCode ?? 554,
        enhancedCode: first?.enhancedCode,
        command: "RCPT TO",
        response: first?.response ?? "no recipients",
        rejected: [...this.#rejected],
      },
    );
  }

  /** Sends RSET after a refusal so the session is ready for the next message. */
  async #reset(): Promise<void> {
    this.#ctx.needsReset = false;
    await this.#session.send("RSET");
    const reply = await this.#read();
    if (reply.code !== 250) throw smtpReplyError("reset the session", "RSET", reply);
  }

  async #fail(error: SmtpReplyError): Promise<never> {
    if (error.replyCode === 421) {
      this.#session.destroy();
      throw error;
    }
    await this.#reset();
    throw error;
  }

  async run(): Promise<SmtpSendResult> {
    const ctx = this.#ctx;
    if (ctx.chunking) return await this.#runBdat();
    // DATA: envelope and DATA in one write when pipelining, else lock-step.
    if (ctx.pipelining) {
      const reset = ctx.needsReset;
      await this.#session.send([...this.#envelope(), "DATA"]);
      ctx.needsReset = true;
      const mailError = await this.#readEnvelope(reset);
      const data = await this.#read();
      if (data.code === 354) {
        if (mailError || this.#accepted.length === 0) {
          // The server took DATA anyway: end it empty and let it refuse.
          await this.#session.write(new TextEncoder().encode(".\r\n"));
          await this.#finalReplies();
          return await this.#fail(mailError ?? this.#refused());
        }
        return await this.#sendData();
      }
      if (mailError) return await this.#fail(mailError);
      if (this.#accepted.length === 0) return await this.#fail(this.#refused());
      return await this.#fail(smtpReplyError("start the message data (DATA)", "DATA", data));
    }
    await this.#lockStepEnvelope();
    await this.#session.send("DATA");
    const data = await this.#read();
    if (data.code !== 354) {
      return await this.#fail(smtpReplyError("start the message data (DATA)", "DATA", data));
    }
    return await this.#sendData();
  }

  async #lockStepEnvelope(): Promise<void> {
    const ctx = this.#ctx;
    if (ctx.needsReset) await this.#reset();
    ctx.needsReset = true;
    await this.#session.send(this.#plan.mailLine);
    const mail = await this.#read();
    if (mail.code !== 250) {
      return await this.#fail(
        smtpReplyError(`send MAIL FROM:<${this.#plan.from}>`, this.#plan.mailLine, mail),
      );
    }
    for (let i = 0; i < this.#plan.to.length; i++) {
      await this.#session.send(this.#plan.rcptLines[i]!);
      this.#recordRcpt(this.#plan.to[i]!, await this.#read());
    }
    if (this.#accepted.length === 0) return await this.#fail(this.#refused());
  }

  async #sendData(): Promise<SmtpSendResult> {
    const coalescer = new WriteCoalescer(async (bytes) => {
      await this.#session.write(bytes);
      this.#progress(bytes.byteLength);
    }, CHUNK);
    for await (const piece of encoded(this.#plan.body, new DotStuffEncoder())) {
      await coalescer.push(piece);
    }
    await coalescer.flush();
    this.#logData(this.#bytes);
    return await this.#finish();
  }

  /** Reads the final reply, or one per accepted recipient (LMTP). */
  async #finalReplies(): Promise<Reply[]> {
    const count = this.#ctx.lmtp ? Math.max(1, this.#accepted.length) : 1;
    const replies: Reply[] = [];
    for (let i = 0; i < count; i++) replies.push(await this.#read());
    return replies;
  }

  async #finish(): Promise<SmtpSendResult> {
    const replies = await this.#finalReplies();
    if (this.#ctx.lmtp) {
      const accepted = this.#accepted.splice(0);
      accepted.forEach((address, i) => {
        const reply = replies[i]!;
        if (reply.code === 250) this.#accepted.push(address);
        else this.#rejected.push(rejection(address, reply));
      });
      if (this.#accepted.length === 0) throw this.#refused();
    } else if (replies[0]!.code !== 250) {
      throw smtpReplyError("send the message", "DATA", replies[0]!);
    }
    const last = replies[replies.length - 1]!;
    return {
      accepted: [...this.#accepted],
      rejected: [...this.#rejected],
      replyCode: last.code,
      enhancedCode: last.enhancedCode,
      response: last.lines.join("\n"),
      bytes: this.#bytes,
    };
  }

  async #runBdat(): Promise<SmtpSendResult> {
    const ctx = this.#ctx;
    const source = chunks(this.#plan.body);
    try {
      let next = await source.next();
      const first = next.done ? [] : next.value;
      if (!next.done) next = await source.next();
      if (ctx.pipelining && next.done && !ctx.splitBdat) {
        // The whole message fits one chunk: envelope, BDAT and data in ONE write.
        const reset = ctx.needsReset;
        const size = sizeOf(first);
        const head = encodeCommands([...this.#envelope(), `BDAT ${size} LAST`]);
        if (this.#session.onTranscript) {
          for (const line of this.#envelope()) this.#session.log("send", line);
          this.#session.log("send", `BDAT ${size} LAST`);
        }
        ctx.needsReset = true;
        await this.#session.write(concatBytes([head, ...first]));
        this.#progress(size);
        this.#logData(size);
        const mailError = await this.#readEnvelope(reset);
        if (mailError || this.#accepted.length === 0) {
          await this.#finalReplies();
          return await this.#fail(mailError ?? this.#refused());
        }
        // A server that flushed the envelope replies on their own (postfix
        // does, before reading the chunk) writes the final reply as a second
        // small segment, which its Nagle algorithm holds until our delayed
        // ACK (~40 ms). From now on send the chunk only after the envelope
        // replies, so every server write follows data from us.
        if (this.#session.reader.buffered === 0) ctx.splitBdat = true;
        return await this.#finish();
      }
      if (ctx.pipelining) {
        const reset = ctx.needsReset;
        await this.#session.send(this.#envelope());
        ctx.needsReset = true;
        const mailError = await this.#readEnvelope(reset);
        if (mailError) return await this.#fail(mailError);
        if (this.#accepted.length === 0) return await this.#fail(this.#refused());
      } else {
        await this.#lockStepEnvelope();
      }
      // Chunks: each written before the previous one's reply is read.
      let current = first;
      let pending = 0;
      for (;;) {
        const last = next.done === true;
        const size = sizeOf(current);
        const line = `BDAT ${size}${last ? " LAST" : ""}`;
        this.#session.log("send", line);
        await this.#session.write(concatBytes([encodeCommands([line]), ...current]));
        this.#progress(size);
        if (next.done) break;
        pending++;
        if (pending > 1) {
          const reply = await this.#read();
          pending--;
          if (reply.code !== 250) return await this.#chunkFailed(reply, pending, false);
        }
        current = next.value;
        next = await source.next();
      }
      this.#logData(this.#bytes);
      while (pending > 0) {
        const reply = await this.#read();
        pending--;
        if (reply.code !== 250) return await this.#chunkFailed(reply, pending, true);
      }
      return await this.#finish();
    } finally {
      await source.return(undefined);
    }
  }

  /** A chunk was refused: read the replies still owed, then reset. */
  async #chunkFailed(reply: Reply, pending: number, lastSent: boolean): Promise<never> {
    for (let i = 0; i < pending; i++) await this.#read();
    // The LAST chunk of a failed transaction gets a single refusal.
    if (lastSent) await this.#read();
    return await this.#fail(smtpReplyError("send the message (BDAT)", "BDAT", reply));
  }
}

/**
 * Runs one mail transaction.
 *
 * @param ctx The session and what the server offers.
 * @param plan The checked envelope and body.
 * @param options Progress callback.
 * @returns Per-recipient results and the final reply.
 */
export function runSmtpTransaction(
  ctx: SmtpTransactionContext,
  plan: SmtpPlan,
  options: SmtpTransactionOptions = {},
): Promise<SmtpSendResult> {
  return new Transaction(ctx, plan, options).run();
}
