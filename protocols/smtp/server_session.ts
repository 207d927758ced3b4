// Copyright 2026 the portline authors. MIT license.
/**
 * One client connection of the in-process {@linkcode SmtpServer}: the
 * command loop, replies batched while pipelined commands are buffered,
 * STARTTLS, AUTH, DATA (smuggling-safe) and BDAT.
 *
 * @module
 */
import { BufferedReader } from "../_core/buffered_reader.ts";
import { type Conn, startTlsServer } from "../_core/transport.ts";
import {
  ConnectionClosedError,
  LimitError,
  PortlineError,
  ProtocolError,
} from "../_core/errors.ts";
import { fromBase64, toBase64 } from "../_core/sasl.ts";
import { type SaslAccounts, SaslServerExchange } from "../_core/sasl_server.ts";
import { concatBytes } from "../_core/writer.ts";
import type { MailStore } from "../mail/store.ts";
import { parseSmtpPath } from "./envelope.ts";
import type {
  SmtpHookResult,
  SmtpServerOptions,
  SmtpServerRecipient,
  SmtpServerSessionInfo,
  SmtpServerTransaction,
} from "./server_types.ts";

/** What a session needs from its server. */
export interface SmtpServerSessionConfig {
  options: SmtpServerOptions;
  store: MailStore;
  accounts: SaslAccounts | undefined;
  mechanisms: readonly string[];
  record: (transaction: SmtpServerTransaction) => void;
}

const encoder = new TextEncoder();
/** Queued replies are written at the latest once they reach this many bytes. */
const FLUSH_AT = 64 * 1024;
const NOT_PRINTABLE = /[^\x20-\x7e]/g;

/**
 * Reply text as RFC 5321 §4.2 allows it (printable ASCII): replies echo
 * what the client sent (the EHLO name, an unknown verb), and a NUL, a bare
 * CR or a UTF-8 byte there would break the client's reply parsing.
 */
function printable(text: string): string {
  return text.replace(NOT_PRINTABLE, "?");
}
// deno-lint-ignore no-control-regex -- matching control characters is the point
const NON_ASCII = /[^\x00-\x7f]/;

/** A connection that reports each read (for tests that look at how commands arrive). */
class RecordingConn implements Conn {
  constructor(readonly inner: Conn, readonly onRead: (chunk: Uint8Array) => void) {}
  async read(buffer: Uint8Array): Promise<number | null> {
    const n = await this.inner.read(buffer);
    if (n !== null) this.onRead(buffer.slice(0, n));
    return n;
  }
  write(data: Uint8Array): Promise<void> {
    return this.inner.write(data);
  }
  closeWrite(): Promise<void> {
    return this.inner.closeWrite();
  }
  close(): void {
    this.inner.close();
  }
  get localAddr() {
    return this.inner.localAddr;
  }
  get remoteAddr() {
    return this.inner.remoteAddr;
  }
  get secure(): boolean {
    return this.inner.secure;
  }
}

/** Ends the session without a reply (dropped connection, QUIT). */
class EndSession extends Error {}

/** Handles one connection; `run()` resolves when it ends. */
export class SmtpServerSession implements SmtpServerSessionInfo {
  #config: SmtpServerSessionConfig;
  #options: SmtpServerOptions;
  #raw: Conn;
  #conn: Conn;
  #reader: BufferedReader;
  #out: string[] = [];
  #outBytes = 0;
  helo = "";
  user: string | undefined;
  #from: string | undefined;
  #mailParams = new Map<string, string>();
  #recipients: SmtpServerRecipient[] = [];
  #chunks: Uint8Array[] = [];
  #chunkBytes = 0;
  #chunkCount = 0;
  #bdatFailed: string | undefined;

  constructor(config: SmtpServerSessionConfig, conn: Conn) {
    this.#config = config;
    this.#options = config.options;
    this.#raw = conn;
    this.#conn = this.#wrap(conn);
    this.#reader = this.#newReader(this.#conn);
  }

  get secure(): boolean {
    return this.#raw.secure;
  }

  get remoteAddress(): string {
    return this.#raw.remoteAddr.hostname;
  }

  /** Closes the connection at once. */
  close(): void {
    this.#conn.close();
  }

  #wrap(conn: Conn): Conn {
    const onRead = this.#options.onRead;
    return onRead ? new RecordingConn(conn, onRead) : conn;
  }

  #newReader(conn: Conn): BufferedReader {
    const reader = new BufferedReader(conn, { maxLineBytes: 16384, allowBareLf: false });
    reader.deadline = { timeoutMs: this.#options.timeoutMs ?? 60_000 };
    return reader;
  }

  #ext(name: keyof NonNullable<SmtpServerOptions["extensions"]>): boolean {
    return this.#options.extensions?.[name] !== false;
  }

  /** Queues a reply; `code` may carry an enhanced code in `text` ("2.0.0 Ok"). */
  #reply(code: number, text: string): void {
    const plain = this.#ext("enhancedStatusCodes")
      ? text
      : text.replace(/^\d\.\d{1,3}\.\d{1,3} /, "");
    this.#queue(`${code} ${printable(plain)}\r\n`);
  }

  #replyLines(code: number, lines: readonly string[]): void {
    lines.forEach((line, i) =>
      this.#queue(`${code}${i === lines.length - 1 ? " " : "-"}${printable(line)}\r\n`)
    );
  }

  #queue(line: string): void {
    this.#out.push(line);
    this.#outBytes += line.length;
  }

  /** Queues a scripted reply line such as "550 5.1.1 No such user". */
  #scripted(line: string): void {
    const match = /^([2-5]\d\d)[ -]?(.*)$/.exec(line);
    if (match) this.#reply(Number(match[1]), match[2]!);
    else this.#reply(554, `5.0.0 ${line}`);
  }

  async #flush(): Promise<void> {
    if (this.#out.length === 0) return;
    const text = this.#out.join("");
    this.#out = [];
    this.#outBytes = 0;
    await this.#conn.write(encoder.encode(text));
  }

  async run(): Promise<void> {
    try {
      const domain = this.#options.domain ?? "portline.test";
      this.#reply(220, `${domain} ${this.#options.lmtp ? "LMTP" : "ESMTP"} portline ready`);
      for (;;) {
        // Replies wait while pipelined commands are buffered, but not without
        // bound: a client that streams commands (never pausing on a line
        // end) and reads nothing would grow them for ever.
        if (this.#reader.buffered === 0 || this.#outBytes >= FLUSH_AT) await this.#flush();
        let line: string | null;
        try {
          line = await this.#reader.readLineOrNull();
        } catch (error) {
          if (error instanceof ProtocolError) {
            this.#reply(500, "5.5.2 Bare LF is not a line end here");
            await this.#flush();
          } else if (error instanceof LimitError) {
            // RFC 5321 §4.5.3.1.4: a command line is at most 512 octets; far
            // past that the peer is not speaking SMTP. Say so, then hang up.
            this.#reply(500, "5.5.6 Line too long");
            await this.#flush();
          }
          return;
        }
        if (line === null) return;
        await this.#command(line);
      }
    } catch (error) {
      // A client that left, timed out or broke the protocol ends the session
      // quietly (our typed errors); anything else (a hook or the store that
      // threw, a bug) goes to the server's onError.
      if (!(error instanceof EndSession) && !(error instanceof PortlineError)) throw error;
    } finally {
      try {
        await this.#flush();
      } catch {
        // The peer is gone.
      }
      this.#conn.close();
    }
  }

  async #command(line: string): Promise<void> {
    const space = line.indexOf(" ");
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const arg = space === -1 ? "" : line.slice(space + 1);
    const lmtp = this.#options.lmtp === true;
    switch (verb) {
      case "EHLO":
      case "HELO":
      case "LHLO":
        return this.#hello(verb, arg, lmtp);
      case "STARTTLS":
        return await this.#startTls();
      case "AUTH":
        return await this.#auth(arg);
      case "MAIL":
        return await this.#mail(arg);
      case "RCPT":
        return await this.#rcpt(arg);
      case "DATA":
        return await this.#data();
      case "BDAT":
        return await this.#bdat(arg);
      case "RSET":
        this.#resetTransaction();
        return this.#reply(250, "2.0.0 Ok");
      case "NOOP":
        return this.#reply(250, "2.0.0 Ok");
      case "VRFY":
        return arg === "" ? this.#reply(501, "5.5.4 Syntax: VRFY address") : this.#reply(
          252,
          "2.1.5 Cannot VRFY user, but will accept message and attempt delivery",
        );
      case "EXPN":
        return this.#expn(arg);
      case "HELP":
        return this.#replyLines(214, [
          "2.0.0 Commands: EHLO HELO LHLO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY EXPN HELP QUIT",
          "2.0.0 End of HELP info",
        ]);
      case "QUIT":
        this.#reply(221, "2.0.0 Bye");
        await this.#flush();
        throw new EndSession();
      default:
        return this.#reply(500, `5.5.1 Unknown command "${verb.slice(0, 20)}"`);
    }
  }

  #hello(verb: string, arg: string, lmtp: boolean): void {
    if (lmtp !== (verb === "LHLO")) {
      return this.#reply(500, `5.5.1 ${lmtp ? "This is LMTP: use LHLO" : "LHLO is for LMTP"}`);
    }
    if (arg.trim() === "") return this.#reply(501, `5.5.4 Syntax: ${verb} hostname`);
    if (verb === "EHLO" && !this.#ext("ehlo")) {
      return this.#reply(502, "5.5.1 EHLO not implemented");
    }
    this.helo = arg.trim();
    this.#resetTransaction();
    const domain = this.#options.domain ?? "portline.test";
    if (verb === "HELO") return this.#reply(250, domain);
    const lines = [`${domain} greets ${this.helo}`];
    if (this.#ext("pipelining")) lines.push("PIPELINING");
    const max = this.#options.maxSize ?? 32 * 1024 * 1024;
    if (this.#ext("size")) lines.push(max > 0 ? `SIZE ${max}` : "SIZE");
    if (this.#ext("eightBitMime")) lines.push("8BITMIME");
    if (this.#ext("smtpUtf8")) lines.push("SMTPUTF8");
    if (this.#ext("dsn")) lines.push("DSN");
    if (this.#ext("enhancedStatusCodes")) lines.push("ENHANCEDSTATUSCODES");
    if (this.#ext("chunking")) lines.push("CHUNKING");
    if (this.#options.tls && !this.secure && !this.#options.implicitTls) lines.push("STARTTLS");
    if (this.#ext("requireTls") && this.secure) lines.push("REQUIRETLS");
    if (this.#config.accounts && this.#config.mechanisms.length > 0 && this.user === undefined) {
      lines.push(`AUTH ${this.#config.mechanisms.join(" ")}`);
    }
    lines.push("HELP");
    this.#replyLines(250, lines);
  }

  async #startTls(): Promise<void> {
    const tls = this.#options.tls;
    if (!tls || this.secure || this.#options.implicitTls) {
      return this.#reply(502, "5.5.1 STARTTLS not available");
    }
    this.#reply(220, "2.0.0 Ready to start TLS");
    await this.#flush();
    // Commands pipelined after STARTTLS would cross into the TLS session (RFC 3207 §5).
    if (this.#reader.buffered > 0) throw new EndSession();
    const secure = await startTlsServer(this.#raw, tls);
    this.#raw = secure;
    this.#conn = this.#wrap(secure);
    this.#reader = this.#newReader(this.#conn);
    this.helo = "";
    this.user = undefined;
    this.#resetTransaction();
  }

  async #readAuthLine(): Promise<string> {
    await this.#flush();
    return await this.#reader.readLine();
  }

  async #auth(arg: string): Promise<void> {
    const accounts = this.#config.accounts;
    if (!accounts) return this.#reply(502, "5.5.1 AUTH not available");
    if (this.helo === "") return this.#reply(503, "5.5.1 Say EHLO first");
    if (this.user !== undefined) return this.#reply(503, "5.5.1 Already authenticated");
    if (this.#from !== undefined) {
      return this.#reply(503, "5.5.1 AUTH not allowed in a transaction");
    }
    const [name = "", initialText] = arg.split(" ");
    const mechanism = name.toUpperCase();
    if (!this.#config.mechanisms.includes(mechanism)) {
      return this.#reply(504, "5.5.4 Unrecognized authentication type");
    }
    const exchange = new SaslServerExchange(mechanism, accounts);
    let step;
    try {
      step = exchange.start(
        initialText === undefined
          ? null
          : initialText === "="
          ? new Uint8Array(0)
          : fromBase64(initialText),
      );
      for (;;) {
        if (step.kind === "failure") {
          return this.#reply(535, "5.7.8 Authentication credentials invalid");
        }
        if (step.kind === "success" && step.data === undefined) break;
        this.#reply(334, toBase64(step.kind === "challenge" ? step.data : step.data!));
        const line = await this.#readAuthLine();
        if (line === "*") return this.#reply(501, "5.0.0 Authentication cancelled");
        if (step.kind === "success") break;
        step = exchange.respond(fromBase64(line));
      }
    } catch (error) {
      if (error instanceof SyntaxError) return this.#reply(501, "5.5.2 Cannot decode the response");
      throw error;
    }
    this.user = step.username;
    this.#reply(235, "2.7.0 Authentication successful");
  }

  #resetTransaction(): void {
    this.#from = undefined;
    this.#mailParams = new Map();
    this.#recipients = [];
    this.#chunks = [];
    this.#chunkBytes = 0;
    this.#chunkCount = 0;
    this.#bdatFailed = undefined;
  }

  /** Checks MAIL parameters against the offered extensions: a refusal, or undefined. */
  #checkMailParams(address: string, params: Map<string, string>): string | undefined {
    const max = this.#options.maxSize ?? 32 * 1024 * 1024;
    for (const [key, value] of params) {
      switch (key) {
        case "SIZE":
          if (!this.#ext("size") || !/^\d+$/.test(value)) return "501 5.5.4 Bad SIZE parameter";
          if (max > 0 && Number(value) > max) return "552 5.3.4 Message size exceeds fixed limit";
          break;
        case "BODY":
          if (!["7BIT", "8BITMIME", "BINARYMIME"].includes(value.toUpperCase())) {
            return "501 5.5.4 Bad BODY parameter";
          }
          if (value.toUpperCase() === "8BITMIME" && !this.#ext("eightBitMime")) {
            return "555 5.5.4 BODY=8BITMIME not supported";
          }
          if (value.toUpperCase() === "BINARYMIME") {
            return "555 5.5.4 BODY=BINARYMIME not supported";
          }
          break;
        case "SMTPUTF8":
          if (!this.#ext("smtpUtf8")) return "555 5.5.4 SMTPUTF8 not supported";
          break;
        case "REQUIRETLS":
          if (!this.#ext("requireTls") || !this.secure) return "555 5.7.10 REQUIRETLS needs TLS";
          break;
        case "RET":
          if (!this.#ext("dsn") || !/^(FULL|HDRS)$/i.test(value)) {
            return "501 5.5.4 Bad RET parameter";
          }
          break;
        case "ENVID":
          if (!this.#ext("dsn") || value === "") return "501 5.5.4 Bad ENVID parameter";
          break;
        case "AUTH":
          break;
        default:
          return `555 5.5.4 Unsupported parameter ${key}`;
      }
    }
    if (NON_ASCII.test(address) && !params.has("SMTPUTF8")) {
      return "553 5.6.7 Non-ASCII address needs SMTPUTF8";
    }
    return undefined;
  }

  async #mail(arg: string): Promise<void> {
    if (this.helo === "") return this.#reply(503, "5.5.1 Say EHLO first");
    if (this.#from !== undefined) return this.#reply(503, "5.5.1 Nested MAIL command");
    if (this.#options.requireAuth && this.user === undefined) {
      return this.#reply(530, "5.7.0 Authentication required");
    }
    if (!/^FROM:/i.test(arg)) return this.#reply(501, "5.5.4 Syntax: MAIL FROM:<address>");
    const path = parseSmtpPath(arg.slice(5));
    if (!path) return this.#reply(501, "5.1.7 Bad sender address syntax");
    const refusal = this.#checkMailParams(path.address, path.params) ??
      await this.#options.hooks?.mailFrom?.(path.address, path.params, this);
    if (refusal) return this.#scripted(refusal);
    this.#from = path.address;
    this.#mailParams = path.params;
    this.#reply(250, "2.1.0 Ok");
  }

  async #rcpt(arg: string): Promise<void> {
    if (this.#from === undefined) return this.#reply(503, "5.5.1 Need MAIL before RCPT");
    if (!/^TO:/i.test(arg)) return this.#reply(501, "5.5.4 Syntax: RCPT TO:<address>");
    const path = parseSmtpPath(arg.slice(3));
    if (!path || path.address === "") return this.#reply(501, "5.1.3 Bad recipient address syntax");
    for (const key of path.params.keys()) {
      if ((key !== "NOTIFY" && key !== "ORCPT") || !this.#ext("dsn")) {
        return this.#reply(555, `5.5.4 Unsupported parameter ${key}`);
      }
    }
    if (NON_ASCII.test(path.address) && !this.#mailParams.has("SMTPUTF8")) {
      return this.#reply(553, "5.6.7 Non-ASCII address needs SMTPUTF8");
    }
    if (this.#recipients.length >= (this.#options.maxRecipients ?? 1000)) {
      return this.#reply(452, "4.5.3 Too many recipients");
    }
    const refusal = await this.#options.hooks?.rcptTo?.(path.address, path.params, this);
    if (refusal) return this.#scripted(refusal);
    this.#recipients.push({ address: path.address, params: path.params });
    this.#reply(250, "2.1.5 Ok");
  }

  async #dataRefusal(): Promise<SmtpHookResult> {
    if (this.#from === undefined) return "503 5.5.1 Need MAIL command";
    if (this.#recipients.length === 0) return "554 5.5.1 No valid recipients";
    return await this.#options.hooks?.data?.(this.#from, this.#to(), this);
  }

  #to(): string[] {
    return this.#recipients.map((r) => r.address);
  }

  async #data(): Promise<void> {
    if (this.#chunkCount > 0) return this.#reply(503, "5.5.1 DATA after BDAT");
    const refusal = await this.#dataRefusal();
    if (refusal) {
      this.#resetIfNoTransaction();
      return this.#scripted(refusal);
    }
    this.#reply(354, "End data with <CR><LF>.<CR><LF>");
    await this.#flush();
    const max = this.#options.maxSize ?? 32 * 1024 * 1024;
    const drop = this.#options.dropAfterBytes;
    const parts: Uint8Array[] = [];
    let total = 0;
    let bareLineEnd = false;
    let previous = 0;
    const block = this.#reader.dotBlock({ onCancel: "close" });
    for await (const chunk of block) {
      // A bare CR or LF could smuggle a second message past other MTAs (`\n.\r\n`).
      for (let i = 0; i < chunk.byteLength; i++) {
        const b = chunk[i]!;
        if ((b === 10 && previous !== 13) || (previous === 13 && b !== 10)) bareLineEnd = true;
        previous = b;
      }
      total += chunk.byteLength;
      if (drop !== undefined && total >= drop) throw new EndSession();
      if (max === 0 || total <= max) parts.push(chunk);
    }
    if (previous === 13) bareLineEnd = true;
    if (bareLineEnd) {
      // Whatever follows may be a smuggled command: answer and hang up (as postfix does).
      this.#reply(554, "5.5.2 Bare CR or LF in message data; closing");
      await this.#flush();
      throw new EndSession();
    }
    if (max > 0 && total > max) {
      this.#resetTransaction();
      return this.#reply(552, "5.3.4 Message size exceeds fixed limit");
    }
    await this.#complete(concatBytes(parts, total), "DATA", 0);
  }

  #resetIfNoTransaction(): void {
    if (this.#from === undefined) this.#resetTransaction();
  }

  async #bdat(arg: string): Promise<void> {
    const match = /^(\d+)(?: +(LAST))?\s*$/i.exec(arg);
    if (!match || !this.#ext("chunking")) {
      // Without a size the chunk cannot be skipped: the session is out of step.
      this.#reply(501, "5.5.4 Syntax: BDAT size [LAST]");
      await this.#flush();
      throw new EndSession();
    }
    const size = Number(match[1]);
    const last = match[2] !== undefined;
    if (size > 0x7fffffff) {
      // Past what an array holds (or a number counts exactly): the chunk can
      // be neither read nor skipped, so the session is out of step.
      this.#reply(552, "5.3.4 Message size exceeds fixed limit");
      await this.#flush();
      throw new EndSession();
    }
    const drop = this.#options.dropAfterBytes;
    if (drop !== undefined && this.#chunkBytes + size >= drop) {
      await this.#reader.readExact(Math.max(0, drop - this.#chunkBytes));
      throw new EndSession();
    }
    if (this.#chunkCount === 0 && this.#bdatFailed === undefined) {
      this.#bdatFailed = (await this.#dataRefusal()) || undefined;
    }
    const max = this.#options.maxSize ?? 32 * 1024 * 1024;
    if (this.#bdatFailed === undefined && max > 0 && this.#chunkBytes + size > max) {
      this.#bdatFailed = "552 5.3.4 Message size exceeds fixed limit";
      this.#chunks = [];
    }
    this.#chunkCount++;
    if (this.#bdatFailed !== undefined) {
      // Decide before reading, and skip a refused chunk rather than hold it:
      // the client's declared size must not decide the server's memory.
      await this.#skip(size);
      const refusal = this.#bdatFailed;
      // Without a transaction nothing is pending: the next MAIL starts afresh.
      if (last || this.#from === undefined) this.#resetTransaction();
      return this.#scripted(refusal);
    }
    this.#chunks.push(await this.#reader.readExact(size));
    this.#chunkBytes += size;
    if (!last) return this.#reply(250, `2.0.0 ${size} octets received`);
    await this.#complete(concatBytes(this.#chunks, this.#chunkBytes), "BDAT", this.#chunkCount);
  }

  /** Reads and drops `size` bytes, a piece at a time. */
  async #skip(size: number): Promise<void> {
    for (let left = size; left > 0;) {
      const piece = await this.#reader.readChunk(Math.min(left, 65536));
      if (piece === null) throw new ConnectionClosedError("Cannot read the BDAT chunk: closed");
      left -= piece.byteLength;
    }
  }

  /** Delivers the message and queues the final reply (one per recipient for LMTP). */
  async #complete(bytes: Uint8Array, via: "DATA" | "BDAT", chunks: number): Promise<void> {
    const transaction: SmtpServerTransaction = {
      session: {
        helo: this.helo,
        secure: this.secure,
        user: this.user,
        remoteAddress: this.remoteAddress,
      },
      from: this.#from!,
      mailParams: this.#mailParams,
      recipients: this.#recipients,
      to: this.#to(),
      bytes,
      via,
      chunks,
    };
    this.#resetTransaction();
    const hook = this.#options.hooks?.message;
    const mailboxFor = this.#options.mailboxFor ?? ((r: string) => r.toLowerCase());
    const store = this.#config.store;
    if (this.#options.lmtp) {
      const delivered: SmtpServerRecipient[] = [];
      for (const recipient of transaction.recipients) {
        const refusal = await hook?.(transaction, recipient.address);
        if (refusal) {
          this.#scripted(refusal);
          continue;
        }
        await store.deliver(mailboxFor(recipient.address), bytes);
        delivered.push(recipient);
        this.#reply(250, `2.0.0 <${recipient.address}> delivered`);
      }
      if (delivered.length > 0) {
        this.#config.record({
          ...transaction,
          recipients: delivered,
          to: delivered.map((r) => r.address),
        });
      }
      return;
    }
    const refusal = await hook?.(transaction, undefined);
    if (refusal) return this.#scripted(refusal);
    for (const recipient of transaction.to) await store.deliver(mailboxFor(recipient), bytes);
    this.#config.record(transaction);
    this.#reply(250, `2.0.0 Ok: ${bytes.byteLength} bytes queued`);
  }

  #expn(arg: string): void {
    const lists = this.#options.lists ?? {};
    const name = arg.trim();
    // Own keys only: `EXPN constructor` must not find Object.prototype's.
    const members = Object.hasOwn(lists, name) ? lists[name] : undefined;
    if (!members) return this.#reply(550, "5.1.1 Not a mailing list");
    this.#replyLines(250, members.map((m) => `<${m}>`));
  }
}
