// Copyright 2026 the portline authors. MIT license.
// One connection of the in-process POP3 server: the RFC 1939 state machine
// (AUTHORIZATION, TRANSACTION, UPDATE) over a MailStore, with CAPA,
// PIPELINING, STLS, APOP, SASL, UIDL, TOP, UTF8 and RFC 3206 codes.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { BufferedReader } from "../_core/buffered_reader.ts";
import { LimitError, PortlineError } from "../_core/errors.ts";
import { startTlsServer } from "../_core/transport.ts";
import type { Conn, ServerTlsOptions } from "../_core/transport.ts";
import type { SaslAccounts } from "../_core/sasl_server.ts";
import { SaslServerExchange, type SaslServerStep } from "../_core/sasl_server.ts";
import { fromBase64, toBase64 } from "../_core/sasl.ts";
import { concatBytes, DotStuffEncoder } from "../_core/writer.ts";
import type { TranscriptEntry } from "../_core/session.ts";
import type { MailStore, StoredMessage } from "../mail/store.ts";
import { redactPop3Command } from "./command.ts";

/** What every connection of one server shares. */
export interface ServerContext {
  store: MailStore;
  accounts: SaslAccounts;
  mailboxOf: (username: string) => string;
  tls: ServerTlsOptions | undefined;
  greeting: string;
  apop: boolean;
  pipelining: boolean;
  utf8: boolean;
  mechanisms: readonly string[];
  requireTls: boolean;
  idleTimeoutMs: number;
  locked: Set<string>;
  onTranscript: ((entry: TranscriptEntry) => void) | undefined;
}

interface Entry {
  message: StoredMessage;
  deleted: boolean;
}

const encoder = new TextEncoder();
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/g;
const NOT_PRINTABLE = /[^\x20-\x7e]/g;

/**
 * A piece of a command quoted back in a reply: printable ASCII only (a
 * NUL, a bare CR or stray UTF-8 from the client must not come back).
 */
function echo(text: string): string {
  return text.slice(0, 20).replace(NOT_PRINTABLE, "?");
}
const DIGITS = /^\d{1,15}$/;
const CHUNK = 1 << 20;
const FLUSH_AT = 256 * 1024;

type Handler = (args: string[], raw: string) => void | Promise<void>;

/** Serves one connection until QUIT, EOF, timeout or close. */
export class ServerSession {
  #ctx: ServerContext;
  #conn: Conn;
  #reader: BufferedReader;
  #state: "authorization" | "transaction" | "update" = "authorization";
  #timestamp: string;
  #user: string | undefined;
  #mailbox: string | undefined;
  #entries: Entry[] = [];
  #out: Uint8Array[] = [];
  #outBytes = 0;
  #done = false;
  #handlers: Record<string, Handler>;

  constructor(ctx: ServerContext, conn: Conn) {
    this.#ctx = ctx;
    this.#conn = conn;
    this.#reader = this.#newReader(conn);
    this.#timestamp = `<${randomBytes(6).toString("hex")}.${Date.now()}@portline.test>`;
    this.#handlers = {
      CAPA: () => this.#capa(),
      QUIT: () => this.#quit(),
      STLS: () => this.#stls(),
      UTF8: () => this.#utf8(),
      USER: (args) => this.#userCommand(args),
      PASS: (_args, raw) => this.#pass(raw),
      APOP: (args) => this.#apopCommand(args),
      AUTH: (args) => this.#auth(args),
      STAT: () => this.#stat(),
      LIST: (args) => this.#list(args),
      UIDL: (args) => this.#uidl(args),
      RETR: (args) => this.#retr(args),
      TOP: (args) => this.#top(args),
      DELE: (args) => this.#dele(args),
      NOOP: () => this.#ok("done"),
      RSET: () => this.#rset(),
    };
  }

  /** Runs the conversation; resolves when the connection is over. */
  async run(): Promise<void> {
    try {
      const stamp = this.#ctx.apop ? ` ${this.#timestamp}` : "";
      this.#ok(`${this.#ctx.greeting}${stamp}`);
      await this.#flush();
      while (!this.#done) {
        const line = await this.#reader.readLineOrNull().catch(async (error) => {
          // Far past RFC 2449's 255 octets the peer is not speaking POP3:
          // say so before hanging up (no UPDATE).
          if (error instanceof LimitError) {
            this.#err("Line too long");
            await this.#flush();
          }
          throw error;
        });
        if (line === null) break;
        this.#log("receive", redactPop3Command(line));
        await this.#dispatch(line);
        // Pipelined commands: answer them all in one write.
        if (this.#reader.buffered === 0 || this.#outBytes >= FLUSH_AT) await this.#flush();
      }
      await this.#flush();
    } catch (error) {
      // The client went away, timed out or broke the protocol (our typed
      // errors): no UPDATE. Anything else (the accounts or a bug) goes to
      // the server's onError.
      if (!(error instanceof PortlineError)) throw error;
    } finally {
      if (this.#mailbox !== undefined) this.#ctx.locked.delete(this.#mailbox);
      this.#conn.close();
    }
  }

  /** Ends the connection at once (server shutdown). */
  close(): void {
    this.#done = true;
    this.#conn.close();
  }

  #log(direction: "send" | "receive", line: string): void {
    this.#ctx.onTranscript?.({ direction, line });
  }

  #send(line: string): void {
    // A control character (a bare CR above all) must never reach the wire
    // inside a reply line: the client would see a line end that is not one.
    line = line.replace(CONTROL, "?");
    this.#log("send", line);
    this.#push(encoder.encode(line + "\r\n"));
  }

  #push(bytes: Uint8Array): void {
    this.#out.push(bytes);
    this.#outBytes += bytes.byteLength;
  }

  async #flush(): Promise<void> {
    if (this.#outBytes === 0) return;
    const bytes = this.#out.length === 1 ? this.#out[0]! : concatBytes(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    await this.#conn.write(bytes);
  }

  #ok(text: string): void {
    this.#send(text ? `+OK ${text}` : "+OK");
  }

  #err(text: string, code?: string): void {
    this.#send(code ? `-ERR [${code}] ${text}` : `-ERR ${text}`);
  }

  #lines(lines: readonly string[]): void {
    for (const line of lines) this.#send(line.startsWith(".") ? "." + line : line);
    this.#send(".");
  }

  async #dispatch(line: string): Promise<void> {
    const space = line.indexOf(" ");
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const raw = space === -1 ? "" : line.slice(space + 1);
    const args = raw === "" ? [] : raw.split(" ");
    const handler = Object.hasOwn(this.#handlers, verb) ? this.#handlers[verb] : undefined;
    if (!handler) return this.#err(`unknown command "${echo(verb)}"`);
    await handler(args, raw);
  }

  #inState(state: "authorization" | "transaction"): boolean {
    if (this.#state === state) return true;
    this.#err(`command not valid in the ${this.#state.toUpperCase()} state`);
    return false;
  }

  #capa(): Promise<void> {
    const ctx = this.#ctx;
    const lines = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "EXPIRE NEVER"];
    if (ctx.pipelining) lines.push("PIPELINING");
    if (this.#state === "authorization") {
      const plaintextOk = this.#conn.secure || !ctx.requireTls;
      if (ctx.tls && !this.#conn.secure) lines.push("STLS");
      if (plaintextOk) {
        lines.push("USER");
        if (ctx.mechanisms.length > 0) lines.push(`SASL ${ctx.mechanisms.join(" ")}`);
      }
      if (ctx.utf8) lines.push("UTF8 USER");
    }
    lines.push("IMPLEMENTATION portline");
    this.#ok("Capability list follows");
    this.#lines(lines);
    return Promise.resolve();
  }

  async #stls(): Promise<void> {
    const tls = this.#ctx.tls;
    if (!this.#inState("authorization")) return;
    if (!tls || this.#conn.secure) return this.#err("STLS not available");
    this.#ok("Begin TLS negotiation");
    await this.#flush();
    if (this.#reader.buffered > 0) {
      // Plaintext after STLS would be read as if it came over TLS.
      this.#done = true;
      this.#conn.close();
      return;
    }
    this.#conn = await startTlsServer(this.#conn, tls);
    // The same limits as before the upgrade (the default line limit is larger).
    this.#reader = this.#newReader(this.#conn);
  }

  #newReader(conn: Conn): BufferedReader {
    // Commands are at most 255 octets (RFC 2449); SASL responses (OAuth
    // tokens) need more, but nothing honest needs 16 KiB.
    const reader = new BufferedReader(conn, { maxLineBytes: 16384 });
    reader.deadline = { timeoutMs: this.#ctx.idleTimeoutMs };
    return reader;
  }

  #utf8(): Promise<void> {
    if (!this.#inState("authorization")) return Promise.resolve();
    if (!this.#ctx.utf8) this.#err("UTF8 not available");
    else this.#ok("UTF8 enabled");
    return Promise.resolve();
  }

  /** Whether credentials may be sent now (TLS first when required). */
  #plaintextAllowed(): boolean {
    if (this.#conn.secure || !this.#ctx.requireTls) return true;
    this.#err("log in after STLS", "AUTH");
    return false;
  }

  #userCommand(args: string[]): Promise<void> {
    if (!this.#inState("authorization") || !this.#plaintextAllowed()) return Promise.resolve();
    if (args.length !== 1 || args[0] === "") this.#err("USER needs one user name");
    else {
      this.#user = args[0];
      this.#ok("send PASS");
    }
    return Promise.resolve();
  }

  async #pass(raw: string): Promise<void> {
    if (!this.#inState("authorization")) return;
    const user = this.#user;
    this.#user = undefined;
    if (user === undefined) return this.#err("send USER first");
    const password = this.#ctx.accounts.password(user);
    if (password === undefined || !same(password, raw)) {
      return this.#err("invalid user name or password", "AUTH");
    }
    await this.#enter(user);
  }

  async #apopCommand(args: string[]): Promise<void> {
    if (!this.#inState("authorization")) return;
    if (!this.#ctx.apop) return this.#err("APOP not available");
    const [user, digest] = args;
    if (args.length !== 2 || !user || !digest) return this.#err("APOP needs a name and a digest");
    const password = this.#ctx.accounts.password(user);
    const expected = password === undefined
      ? undefined
      : createHash("md5").update(this.#timestamp + password, "utf8").digest("hex");
    if (expected === undefined || !same(expected, digest.toLowerCase())) {
      return this.#err("invalid user name or digest", "AUTH");
    }
    await this.#enter(user);
  }

  async #auth(args: string[]): Promise<void> {
    if (!this.#inState("authorization") || !this.#plaintextAllowed()) return;
    const ctx = this.#ctx;
    if (args.length === 0) {
      this.#ok("mechanisms follow");
      return this.#lines(ctx.mechanisms);
    }
    const mechanism = args[0]!.toUpperCase();
    if (!ctx.mechanisms.includes(mechanism) || args.length > 2) {
      return this.#err(`mechanism "${echo(mechanism)}" not supported`);
    }
    const exchange = new SaslServerExchange(mechanism, ctx.accounts);
    const initial = args[1];
    let step: SaslServerStep;
    try {
      step = exchange.start(
        initial === undefined ? null : initial === "=" ? new Uint8Array(0) : fromBase64(initial),
      );
      for (let round = 0; step.kind === "challenge"; round++) {
        const response = await this.#challenge(step.data);
        if (response === null || round > 16) return this.#err("authentication cancelled");
        step = exchange.respond(response);
      }
      if (step.kind === "success" && step.data && step.data.byteLength > 0) {
        // SASL success data goes in a last challenge (RFC 5034 §4).
        if ((await this.#challenge(step.data)) === null) {
          return this.#err("authentication cancelled");
        }
      }
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      return this.#err("invalid base64");
    }
    if (step.kind === "failure") return this.#err("authentication failed", "AUTH");
    await this.#enter(step.username);
  }

  /** Sends `+ challenge` and reads the answer; `null` when the client sent `*`. */
  async #challenge(data: Uint8Array): Promise<Uint8Array | null> {
    this.#send(data.byteLength === 0 ? "+ " : `+ ${toBase64(data)}`);
    await this.#flush();
    const line = await this.#reader.readLine();
    this.#log("receive", "***");
    return line === "*" ? null : fromBase64(line);
  }

  /** Logs in: locks the maildrop and takes its snapshot. */
  async #enter(user: string): Promise<void> {
    const mailbox = this.#ctx.mailboxOf(user);
    if (this.#ctx.locked.has(mailbox)) {
      return this.#err("the maildrop is in use by another session", "IN-USE");
    }
    this.#ctx.locked.add(mailbox);
    try {
      const messages = await this.#ctx.store.list(mailbox);
      this.#entries = messages.map((message) => ({ message, deleted: false }));
    } catch {
      this.#ctx.locked.delete(mailbox);
      return this.#err("cannot open the maildrop", "SYS/TEMP");
    }
    this.#mailbox = mailbox;
    this.#state = "transaction";
    const { count, size } = this.#totals();
    this.#ok(`${user}'s maildrop has ${count} messages (${size} octets)`);
  }

  #totals(): { count: number; size: number } {
    let count = 0;
    let size = 0;
    for (const entry of this.#entries) {
      if (entry.deleted) continue;
      count++;
      size += entry.message.size;
    }
    return { count, size };
  }

  /** Resolves a message-number argument, answering `-ERR` when it is bad. */
  #entry(arg: string | undefined): { id: number; entry: Entry } | undefined {
    if (arg === undefined || !DIGITS.test(arg)) {
      this.#err("invalid message number");
      return undefined;
    }
    const id = Number(arg);
    const entry = this.#entries[id - 1];
    if (!entry) this.#err(`no such message ${id}`);
    else if (entry.deleted) this.#err(`message ${id} already deleted`);
    else return { id, entry };
    return undefined;
  }

  #stat(): Promise<void> {
    if (this.#inState("transaction")) {
      const { count, size } = this.#totals();
      this.#ok(`${count} ${size}`);
    }
    return Promise.resolve();
  }

  #list(args: string[]): Promise<void> {
    return this.#scan(args, (entry) => String(entry.message.size));
  }

  #uidl(args: string[]): Promise<void> {
    return this.#scan(args, (entry) => String(entry.message.uid));
  }

  #scan(args: string[], value: (entry: Entry) => string): Promise<void> {
    if (!this.#inState("transaction")) return Promise.resolve();
    if (args.length > 0) {
      const found = this.#entry(args[0]);
      if (found) this.#ok(`${found.id} ${value(found.entry)}`);
      return Promise.resolve();
    }
    const { count, size } = this.#totals();
    this.#ok(`${count} messages (${size} octets)`);
    const lines: string[] = [];
    this.#entries.forEach((entry, i) => {
      if (!entry.deleted) lines.push(`${i + 1} ${value(entry)}`);
    });
    this.#lines(lines);
    return Promise.resolve();
  }

  async #retr(args: string[]): Promise<void> {
    if (!this.#inState("transaction")) return;
    const found = this.#entry(args[0]);
    if (!found) return;
    const bytes = found.entry.message.bytes;
    this.#ok(`${bytes.byteLength} octets`);
    await this.#body(bytes);
  }

  async #top(args: string[]): Promise<void> {
    if (!this.#inState("transaction")) return;
    const lines = args[1];
    if (args.length !== 2 || lines === undefined || !DIGITS.test(lines)) {
      return this.#err("TOP needs a message number and a line count");
    }
    const found = this.#entry(args[0]);
    if (!found) return;
    this.#ok("top of message follows");
    await this.#body(topOf(found.entry.message.bytes, Number(lines)));
  }

  /** A dot-stuffed body and its terminating line, in large writes. */
  async #body(bytes: Uint8Array): Promise<void> {
    const stuffer = new DotStuffEncoder();
    for (let at = 0; at < bytes.byteLength; at += CHUNK) {
      this.#push(stuffer.push(bytes.subarray(at, at + CHUNK)));
      if (this.#outBytes >= FLUSH_AT) await this.#flush();
    }
    this.#push(stuffer.end());
  }

  #dele(args: string[]): Promise<void> {
    if (this.#inState("transaction")) {
      const found = this.#entry(args[0]);
      if (found) {
        found.entry.deleted = true;
        this.#ok(`message ${found.id} deleted`);
      }
    }
    return Promise.resolve();
  }

  #rset(): Promise<void> {
    if (this.#inState("transaction")) {
      for (const entry of this.#entries) entry.deleted = false;
      const { count, size } = this.#totals();
      this.#ok(`maildrop has ${count} messages (${size} octets)`);
    }
    return Promise.resolve();
  }

  async #quit(): Promise<void> {
    this.#done = true;
    if (this.#state !== "transaction") return this.#ok("bye");
    this.#state = "update";
    const gone = this.#entries.filter((entry) => entry.deleted).map((entry) => entry.message.uid);
    try {
      if (gone.length > 0) await this.#ctx.store.delete(this.#mailbox!, gone);
    } catch {
      return this.#err("some deleted messages were not removed", "SYS/TEMP");
    }
    this.#ok(`bye (${gone.length} messages deleted)`);
  }
}

/** The header, the blank line and the first `n` body lines. */
function topOf(bytes: Uint8Array, n: number): Uint8Array {
  let at = 0;
  let inBody = false;
  let bodyLines = 0;
  while (at < bytes.byteLength) {
    if (inBody && bodyLines >= n) break;
    const lf = bytes.indexOf(10, at);
    const end = lf === -1 ? bytes.byteLength : lf + 1;
    const empty = end - at <= 2 && (bytes[at] === 13 || bytes[at] === 10);
    if (inBody) bodyLines++;
    else if (empty) inBody = true;
    at = end;
  }
  return bytes.subarray(0, at);
}

function same(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  return x.byteLength === y.byteLength && timingSafeEqual(x, y);
}
