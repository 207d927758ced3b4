// Copyright 2026 the portline authors. MIT license.
/**
 * The POP3 client (RFC 1939) with CAPA and PIPELINING (RFC 2449), response
 * codes (RFC 3206), STLS (RFC 2595), SASL (RFC 5034) and UTF8 (RFC 6856).
 *
 * @module
 */
import type { Conn, TlsOptions } from "../_core/transport.ts";
import { splitTlsSetting, type TlsMode, type TlsSetting } from "../_core/tls_mode.ts";
import { type CallOptions, Session, type SessionOptions } from "../_core/session.ts";
import { ConnectionClosedError, ReplyError, TlsError } from "../_core/errors.ts";
import { assertSafeArgument, InvalidArgumentError } from "../_core/writer.ts";
import { Pop3Capabilities } from "./capabilities.ts";
import { parsePop3ApopTimestamp } from "./apop.ts";
import { pop3ReplyError } from "./errors.ts";
import {
  assertPop3MessageNumber,
  parsePop3ListLine,
  parsePop3Octets,
  parsePop3Stat,
  parsePop3UidlLine,
  type Pop3ListEntry,
  type Pop3Stat,
  type Pop3UidlEntry,
} from "./listing.ts";
import { choosePop3Login, type Pop3Credentials } from "./login.ts";
import type { Pop3Status } from "./response.ts";
import {
  type ParsedMail,
  parseMail,
  parseMailHeaders,
  type ParseMailOptions,
} from "../mail/parse.ts";
import type { MailHeaders } from "../mail/header.ts";
import {
  assertMaxBytes,
  expectOk,
  isDrainedLimit,
  readBody,
  readCapaLines,
  readListing,
  readStatus,
  skipBody,
} from "./_wire.ts";
import { authenticate, loginApop, loginUser } from "./_login.ts";
import { guardBody, hint } from "./_body.ts";
import { connectVia, proxyRoute } from "../http/_proxy_route.ts";

/** How to reach and greet a POP3 server. */
export interface Pop3ConnectOptions extends SessionOptions, CallOptions {
  /** The server's host name or IP address (also the name TLS verifies). */
  hostname: string;
  /** The port: 995 with `tls: "implicit"`, else 110. */
  port?: number;
  /**
   * The TLS mode, or the mode with certificate options
   * (`{ mode: "implicit", caCerts: [ca] }`; `caCerts` for test CAs):
   * - `"implicit"`: TLS from the first byte (POP3S, port 995, RFC 8314);
   * - `"starttls"`: STLS (RFC 2595) required: fails with `TlsError`,
   *   before any credentials, when the server does not offer or refuses it;
   * - `"none"`: never STLS, plaintext throughout;
   * - no mode named: implicit TLS on port 995, otherwise STLS when the
   *   server offers it (and plaintext when it does not, unless `requireTls`).
   *
   * Certificates are verified in every mode.
   *
   * @default {{}} (no mode named)
   */
  tls?: TlsSetting;
  /**
   * Refuse to go on (and send credentials) unless the connection is
   * encrypted, by implicit TLS or STLS; throws `TlsError` otherwise.
   * Cannot be combined with `tls: "none"`.
   *
   * @default {false}
   */
  requireTls?: boolean;
  /**
   * Send UTF8 (RFC 6856) when the server offers it, so user names,
   * passwords and messages may carry UTF-8.
   *
   * @default {true}
   */
  utf8?: boolean;
  /** Log in right after connecting. */
  auth?: Pop3Credentials;
  /**
   * A proxy to tunnel through: an HTTP proxy (CONNECT) as
   * `http://[user:password@]host:port`, with Basic proxy authentication or
   * Digest when the proxy asks for it; or a SOCKS5 proxy as
   * `socks5h://[user:password@]host[:port]` (the proxy resolves the
   * server's name) or `socks5://…` (resolved here), with user name and
   * password authentication when the URL has them. TLS (STLS or implicit)
   * runs end to end inside the tunnel. Not read from the environment.
   */
  proxy?: string | URL;
}

/** Progress of a retrieval. */
export interface Pop3Progress {
  /** Message bytes received so far (unstuffed). */
  bytes: number;
  /** The size the server announced in its `+OK`, when it did. */
  total: number | undefined;
}

/** Options of {@linkcode Pop3Client.retrieve} and friends. */
export interface Pop3RetrieveOptions extends CallOptions {
  /** Called after each chunk with the running byte count. */
  onProgress?: (progress: Pop3Progress) => void;
}

/** Options of the methods that read a whole message into memory. */
export interface Pop3ReadOptions extends Pop3RetrieveOptions {
  /**
   * The most bytes of the message (dot-stuffing removed) held in memory.
   * A longer message is read to its end and discarded, so the session stays
   * usable, and a `LimitError` naming the command is thrown. (One exception:
   * when the server announced a size within the limit, `+OK n octets`, and
   * then sent more, the rest cannot be read off safely and the connection is
   * closed.) The streaming `retrieve()` and `top()` have no limit.
   *
   * @default {67108864} (64 MiB, {@linkcode POP3_DEFAULT_MAX_MESSAGE_BYTES})
   */
  maxBytes?: number;
}

/**
 * The default `maxBytes` of whole-message reads: 64 MiB.
 *
 * @example Usage
 * ```ts
 * import { POP3_DEFAULT_MAX_MESSAGE_BYTES } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(POP3_DEFAULT_MAX_MESSAGE_BYTES, 64 * 1024 * 1024);
 * ```
 */
export const POP3_DEFAULT_MAX_MESSAGE_BYTES: number = 64 * 1024 * 1024;

/** Options of the methods that read a multi-line listing (LIST, UIDL, `command()`). */
export interface Pop3ListingOptions extends CallOptions {
  /**
   * The most bytes of the listing held in memory, each line counted with
   * its CRLF. A longer listing is read to its end and discarded, so the
   * session stays usable, and a `LimitError` naming the command is thrown.
   *
   * @default {16777216} (16 MiB, {@linkcode POP3_DEFAULT_MAX_LISTING_BYTES})
   */
  maxBytes?: number;
}

/**
 * The default `maxBytes` of multi-line listings: 16 MiB (about 200 000 UIDL lines).
 *
 * @example Usage
 * ```ts
 * import { POP3_DEFAULT_MAX_LISTING_BYTES } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(POP3_DEFAULT_MAX_LISTING_BYTES, 16 * 1024 * 1024);
 * ```
 */
export const POP3_DEFAULT_MAX_LISTING_BYTES: number = 16 * 1024 * 1024;

/** One retrieved message. */
export interface Pop3Message {
  /** Its message number. */
  id: number;
  /** Its bytes: CRLF line ends, dot-stuffing removed. */
  bytes: Uint8Array;
}

/** A client's protocol state (RFC 1939 §3). */
export type Pop3State = "authorization" | "transaction" | "closed";

/** A reply of {@linkcode Pop3Client.command}. */
export interface Pop3CommandReply {
  /** The `+OK` text. */
  text: string;
  /** The lines of a multi-line reply, dot-stuffing removed. */
  lines?: string[];
}

const decoder = new TextDecoder();

/** The TLS mode once the port is known; "opportunistic" when none was named. */
type Pop3TlsMode = TlsMode | "opportunistic";

/** An unnamed mode is implicit TLS on port 995, else STLS when offered. */
function pop3TlsMode(named: TlsMode | undefined, port: number): Pop3TlsMode {
  if (named !== undefined) return named;
  return port === 995 ? "implicit" : "opportunistic";
}

/** Rejects `requireTls` with `tls: "none"`. */
function assertTlsCombination(named: TlsMode | undefined, options: Pop3ConnectOptions): void {
  if (options.requireTls && named === "none") {
    throw new InvalidArgumentError('Cannot require TLS with tls: "none"');
  }
}

/**
 * A POP3 client session.
 *
 * Commands run one at a time; `retrieve()` and `top()` return a stream that
 * holds the session until it has been read or cancelled (cancelling reads
 * the rest and throws it away, so the next command works). What is read
 * whole into memory is bounded by `maxBytes` (64 MiB per message, 16 MiB
 * per listing by default): past it, a `LimitError` names the command and
 * the rest of the reply is read off so the session goes on.
 *
 * **Deletion is only committed at QUIT.** `delete()` marks a message
 * (`markedForDeletion`); `close()` (and `await using`) sends QUIT, which
 * makes the server remove the marked messages; `reset()` unmarks them; and
 * `destroy()`, a dropped connection or a crash leave every message in place.
 *
 * @example Read and delete everything
 * ```ts ignore
 * import { Pop3Client } from "@portline/portline/pop3";
 *
 * await using client = await Pop3Client.connect({
 *   hostname: "pop.example.org",
 *   tls: "implicit",
 *   auth: { username: "ann", password: "secret" },
 * });
 * for (const { id } of await client.list()) {
 *   const text = await client.retrieveText(id);
 *   console.log(text.length);
 *   await client.delete(id);
 * }
 * // Leaving the block sends QUIT: the deletions are committed.
 * ```
 *
 * @example Against the in-process server
 * ```ts
 * import { Pop3Client, Pop3Server } from "@portline/portline/pop3";
 * import { MemoryMailStore } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryMailStore();
 * await store.deliver("ann", new TextEncoder().encode("Subject: hi\r\n\r\nhello\r\n"));
 * await using server = await Pop3Server.listen({ store, accounts: { ann: "pw" } });
 * await using client = await Pop3Client.connect({
 *   hostname: "127.0.0.1",
 *   port: server.addr.port,
 *   auth: { username: "ann", password: "pw" },
 * });
 * assert.deepEqual(await client.stat(), { count: 1, size: 22 });
 * assert.equal(await client.retrieveText(1), "Subject: hi\r\n\r\nhello\r\n");
 * ```
 */
export class Pop3Client {
  readonly #session: Session;
  readonly #port: number;
  readonly #tls: TlsOptions;
  #greeting = "";
  #timestamp: string | undefined;
  #capabilities = new Pop3Capabilities();
  #capaSupported = false;
  #state: Pop3State = "authorization";
  #marked = new Set<number>();
  #utf8 = false;
  #body: { abandon(): Promise<void> } | undefined;

  /**
   * Wraps a session whose greeting has not been read yet. Use
   * {@linkcode Pop3Client.connect} or {@linkcode Pop3Client.fromConn}.
   *
   * @param session The session over the connection.
   * @param port The server's port (OAUTHBEARER sends it).
   * @param tls Verification options for STLS.
   */
  constructor(session: Session, port: number, tls: TlsOptions = {}) {
    this.#session = session;
    this.#port = port;
    this.#tls = tls;
  }

  /**
   * Connects, reads the greeting, asks CAPA, upgrades with STLS when offered
   * (or required), enables UTF8 when offered, and logs in when `auth` is given.
   *
   * @example Usage
   * ```ts ignore
   * import { Pop3Client } from "@portline/portline/pop3";
   *
   * const client = await Pop3Client.connect({
   *   hostname: "pop.example.org",
   *   tls: "starttls", // port 110, STLS or fail
   *   auth: { username: "ann", password: "secret" },
   * });
   * console.log(await client.stat());
   * await client.close();
   * ```
   *
   * @param options Where to connect, TLS, timeouts and credentials.
   * @returns The ready client.
   * @throws {ConnectError} When the server cannot be reached.
   * @throws {TlsError} When TLS fails, or is required (`tls: "implicit"` or
   *   `"starttls"`, `requireTls`) and not offered.
   * @throws {TypeError} When `tls` names an unknown mode.
   * @throws {InvalidArgumentError} When `requireTls` is combined with `tls: "none"`,
   *   or `proxy` is no supported proxy URL.
   * @throws {HttpProxyError} When an HTTP proxy refuses the tunnel.
   * @throws {SocksProxyError} When a SOCKS proxy refuses the tunnel or the
   *   credentials, or does not speak SOCKS5.
   * @throws {Pop3ReplyError} When the greeting is `-ERR`.
   * @throws {Pop3AuthenticationError} When the login is refused.
   */
  static async connect(options: Pop3ConnectOptions): Promise<Pop3Client> {
    const { mode: named, options: tls } = splitTlsSetting(options.tls);
    assertTlsCombination(named, options);
    const port = options.port ?? (named === "implicit" ? 995 : 110);
    const mode = pop3TlsMode(named, port);
    const route = proxyRoute(options.proxy);
    let conn: Conn;
    try {
      conn = await connectVia(route, {
        hostname: options.hostname,
        port,
        tls: mode === "implicit" ? { ...tls } : undefined,
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 30_000,
      });
    } catch (error) {
      throw hint(error, port, mode);
    }
    return await Pop3Client.fromConn(conn, { ...options, port });
  }

  /**
   * Runs the client over an open connection (a proxy tunnel, a test
   * double): reads the greeting and continues as {@linkcode connect} does.
   *
   * @example Usage
   * ```ts
   * import { Pop3Client } from "@portline/portline/pop3";
   * import { memoryConn } from "@portline/portline/core";
   * import assert from "node:assert/strict";
   *
   * const conn = memoryConn(["+OK ready <1.2@host>\r\n", "-ERR no CAPA\r\n"]);
   * const client = await Pop3Client.fromConn(conn, { hostname: "memory" });
   * assert.equal(client.apopTimestamp, "<1.2@host>");
   * client.destroy();
   * ```
   *
   * @param conn The connection.
   * @param options As for {@linkcode connect}; `hostname` names the server.
   * @returns The ready client.
   */
  static async fromConn(conn: Conn, options: Pop3ConnectOptions): Promise<Pop3Client> {
    let named: TlsMode | undefined;
    let tls: TlsOptions;
    try {
      ({ mode: named, options: tls } = splitTlsSetting(options.tls));
      assertTlsCombination(named, options);
    } catch (error) {
      conn.close();
      throw error;
    }
    const port = options.port ?? conn.remoteAddr.port;
    const mode = pop3TlsMode(named, port);
    const session = new Session(conn, options.hostname, options);
    const client = new Pop3Client(session, port, tls);
    try {
      await client.#start(options, mode);
    } catch (error) {
      client.destroy();
      throw hint(error, port, mode);
    }
    return client;
  }

  async #start(options: Pop3ConnectOptions, mode: Pop3TlsMode): Promise<void> {
    const call = options.signal ? { signal: options.signal } : {};
    const greeting = await this.#session.run(call, () => readStatus(this.#session, "greeting"));
    if (!greeting.ok) throw pop3ReplyError("greeting", greeting);
    this.#greeting = greeting.text;
    this.#timestamp = parsePop3ApopTimestamp(greeting.text);
    await this.refreshCapabilities(call);
    // STLS is required when named, or when requireTls leaves no other way.
    const required = mode === "starttls" || options.requireTls === true;
    if (!this.secure && (mode === "starttls" || mode === "opportunistic")) {
      // Without CAPA, STLS is tried blind when it is required.
      if (this.#capabilities.stls || (required && !this.#capaSupported)) {
        await this.startTls({ ...call, required });
      }
    }
    if (!this.secure && (required || mode === "implicit")) {
      throw new TlsError(
        mode === "starttls"
          ? `Cannot secure the connection to ${this.#session.hostname}: tls is "starttls" and the server does not offer STLS`
          : `Cannot continue with ${this.#session.hostname}: TLS is required and the connection is not encrypted`,
      );
    }
    if (options.utf8 !== false && this.#capabilities.utf8) await this.enableUtf8(call);
    if (options.auth) await this.login(options.auth, call);
  }

  /** The greeting text after `+OK`. */
  get greeting(): string {
    return this.#greeting;
  }

  /** The greeting's APOP timestamp, if it had one. */
  get apopTimestamp(): string | undefined {
    return this.#timestamp;
  }

  /** What the server announced in its latest CAPA (empty without CAPA). */
  get capabilities(): Pop3Capabilities {
    return this.#capabilities;
  }

  /** Whether the connection is encrypted (implicit TLS or STLS). */
  get secure(): boolean {
    return this.#session.conn.secure;
  }

  /** `"authorization"` before login, `"transaction"` after, `"closed"` at the end. */
  get state(): Pop3State {
    return this.#session.closed ? "closed" : this.#state;
  }

  /** Whether UTF8 mode (RFC 6856) is on. */
  get utf8(): boolean {
    return this.#utf8;
  }

  /**
   * The message numbers marked by `delete()` in this session. The server
   * removes them only when QUIT succeeds (`close()`); `reset()` clears them
   * and `destroy()` abandons them.
   */
  get markedForDeletion(): ReadonlySet<number> {
    return new Set(this.#marked);
  }

  /** Refuses commands after close. */
  #open(what: string): void {
    if (this.#session.closed) {
      throw new ConnectionClosedError(
        `Cannot ${what}: the session with ${this.#session.hostname} is closed`,
      );
    }
  }

  /** Refuses commands after close and outside their state. */
  #need(state: Pop3State, what: string): void {
    this.#open(what);
    if (this.#state !== state) {
      throw new Error(`Cannot ${what}: the session is in the ${this.#state} state`);
    }
  }

  /** Runs a command under the lock; a transport failure ends the session. */
  async #call<T>(options: CallOptions, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.#session.run(options, fn);
    } catch (error) {
      this.#fatal(error);
      throw error;
    }
  }

  /** Ends the session unless the error left the conversation in a known state. */
  #fatal(error: unknown): void {
    if (error instanceof ReplyError || error instanceof InvalidArgumentError) return;
    if (isDrainedLimit(error)) return;
    this.#session.destroy();
  }

  /** One command, one status line; throws on `-ERR`. */
  #simple(line: string, options: CallOptions): Promise<Pop3Status> {
    return this.#call(options, async () => {
      await this.#session.send(line);
      return await expectOk(this.#session, line);
    });
  }

  /** One command, a status line and a bounded multi-line block. */
  #multi(line: string, options: Pop3ListingOptions): Promise<string[]> {
    const maxBytes = options.maxBytes ?? POP3_DEFAULT_MAX_LISTING_BYTES;
    assertMaxBytes(maxBytes, line);
    return this.#call(options, async () => {
      await this.#session.send(line);
      await expectOk(this.#session, line);
      return await readListing(this.#session, { maxBytes, command: line });
    });
  }

  /**
   * Asks CAPA again (RFC 2449). A server without CAPA leaves the
   * capabilities empty.
   *
   * @example Usage
   * ```ts ignore
   * const capabilities = await client.refreshCapabilities();
   * console.log(capabilities.names);
   * ```
   *
   * @param options The call's signal.
   * @returns The capabilities.
   */
  async refreshCapabilities(options: CallOptions = {}): Promise<Pop3Capabilities> {
    this.#open("send CAPA");
    const lines = await this.#call(options, async () => {
      await this.#session.send("CAPA");
      const status = await readStatus(this.#session, "CAPA");
      return status.ok ? await readCapaLines(this.#session) : undefined;
    });
    this.#capaSupported = lines !== undefined;
    this.#capabilities = Pop3Capabilities.parse(lines ?? []);
    return this.#capabilities;
  }

  /**
   * Switches to TLS with STLS (RFC 2595) and asks CAPA again. Plaintext the
   * server sent after its `+OK` (STLS injection) fails the upgrade.
   *
   * @example Usage
   * ```ts ignore
   * if (client.capabilities.stls) await client.startTls();
   * ```
   *
   * @param options The call's signal; `required: false` makes a refused
   *   STLS return `false` instead of throwing.
   * @returns Whether the connection is now encrypted.
   * @throws {TlsError} When the server refuses STLS or the handshake fails.
   */
  async startTls(options: CallOptions & { required?: boolean } = {}): Promise<boolean> {
    this.#need("authorization", "send STLS");
    if (this.secure) return true;
    const refused = await this.#call(options, async () => {
      await this.#session.send("STLS");
      const status = await readStatus(this.#session, "STLS");
      if (!status.ok) return status;
      try {
        await this.#session.upgradeTls(this.#tls);
      } catch (error) {
        this.#session.destroy();
        throw error;
      }
      return undefined;
    });
    if (refused) {
      if (options.required === false) return false;
      throw new TlsError(
        `Cannot start TLS with ${this.#session.hostname}: the server said "${refused.text}"`,
      );
    }
    await this.refreshCapabilities(options);
    return true;
  }

  /**
   * Turns on UTF8 mode (RFC 6856): user names, passwords and message
   * headers may then be UTF-8. Only before login.
   *
   * @example Usage
   * ```ts ignore
   * if (client.capabilities.utf8) await client.enableUtf8();
   * ```
   *
   * @param options The call's signal.
   * @throws {Pop3ReplyError} When the server refuses.
   */
  async enableUtf8(options: CallOptions = {}): Promise<void> {
    this.#need("authorization", "send UTF8");
    await this.#simple("UTF8", options);
    this.#utf8 = true;
  }

  /**
   * Logs in. `method: "auto"` (the default) picks SASL with the strongest
   * mechanism offered in CAPA (SCRAM-SHA-256 first; OAUTHBEARER/XOAUTH2 for
   * an `accessToken`), else APOP when the greeting had a timestamp, else
   * USER/PASS; APOP is preferred to a cleartext mechanism on an unencrypted
   * connection.
   *
   * @example Usage
   * ```ts ignore
   * await client.login({ username: "ann", password: "secret", mechanism: "CRAM-MD5" });
   * ```
   *
   * @param credentials The user name and password or token, and the method.
   * @param options The call's signal.
   * @throws {Pop3AuthenticationError} When the server refuses the credentials.
   * @throws {Pop3ReplyError} For `[IN-USE]`, `[LOGIN-DELAY]` or `[SYS/…]` refusals.
   */
  async login(credentials: Pop3Credentials, options: CallOptions = {}): Promise<void> {
    this.#need("authorization", "log in");
    assertSafeArgument(credentials.username, "user name");
    if (credentials.password !== undefined) assertSafeArgument(credentials.password, "password");
    const plan = choosePop3Login(credentials, {
      capabilities: this.#capabilities,
      apopTimestamp: this.#timestamp,
      secure: this.secure,
    });
    const { username, password } = credentials;
    await this.#call(options, async () => {
      if (plan.method === "user") await loginUser(this.#session, username, password!);
      else if (plan.method === "apop") {
        await loginApop(this.#session, this.#timestamp!, username, password!);
      } else {
        await authenticate(this.#session, plan.mechanism!, credentials, {
          host: this.#session.hostname,
          port: this.#port,
        });
      }
    });
    this.#state = "transaction";
    // Capabilities may differ after login (RFC 2449 §5): PIPELINING, EXPIRE…
    if (this.#capaSupported) await this.refreshCapabilities(options);
  }

  /**
   * STAT: how many messages and how many octets (marked ones excluded).
   *
   * @example Usage
   * ```ts ignore
   * const { count, size } = await client.stat();
   * ```
   *
   * @param options The call's signal.
   * @returns The count and total size.
   */
  async stat(options: CallOptions = {}): Promise<Pop3Stat> {
    this.#need("transaction", "send STAT");
    return parsePop3Stat((await this.#simple("STAT", options)).text);
  }

  /**
   * LIST: every message's number and size.
   *
   * @example Usage
   * ```ts ignore
   * for (const { id, size } of await client.list()) console.log(id, size);
   * ```
   *
   * @param options The call's signal and `maxBytes` (16 MiB by default).
   * @returns The entries, in message-number order.
   * @throws {LimitError} When the listing exceeds `maxBytes` (read off and discarded: the session goes on).
   */
  async list(options: Pop3ListingOptions = {}): Promise<Pop3ListEntry[]> {
    this.#need("transaction", "send LIST");
    return (await this.#multi("LIST", options)).map(parsePop3ListLine);
  }

  /**
   * LIST n: one message's size.
   *
   * @example Usage
   * ```ts ignore
   * const { size } = await client.listOne(1);
   * ```
   *
   * @param id The message number.
   * @param options The call's signal.
   * @returns The entry.
   * @throws {Pop3ReplyError} When there is no such message.
   */
  async listOne(id: number, options: CallOptions = {}): Promise<Pop3ListEntry> {
    assertPop3MessageNumber(id);
    this.#need("transaction", "send LIST");
    return parsePop3ListLine((await this.#simple(`LIST ${id}`, options)).text);
  }

  /**
   * UIDL: every message's unique id, stable across sessions.
   *
   * @example Usage
   * ```ts ignore
   * const seen = new Set<string>();
   * for (const { id, uid } of await client.uidl()) if (!seen.has(uid)) console.log(id);
   * ```
   *
   * @param options The call's signal and `maxBytes` (16 MiB by default).
   * @returns The entries, in message-number order.
   * @throws {LimitError} When the listing exceeds `maxBytes` (read off and discarded: the session goes on).
   */
  async uidl(options: Pop3ListingOptions = {}): Promise<Pop3UidlEntry[]> {
    this.#need("transaction", "send UIDL");
    return (await this.#multi("UIDL", options)).map(parsePop3UidlLine);
  }

  /**
   * UIDL n: one message's unique id.
   *
   * @example Usage
   * ```ts ignore
   * const { uid } = await client.uidlOne(1);
   * ```
   *
   * @param id The message number.
   * @param options The call's signal.
   * @returns The entry.
   */
  async uidlOne(id: number, options: CallOptions = {}): Promise<Pop3UidlEntry> {
    assertPop3MessageNumber(id);
    this.#need("transaction", "send UIDL");
    return parsePop3UidlLine((await this.#simple(`UIDL ${id}`, options)).text);
  }

  /**
   * RETR: the message as a stream of its bytes (CRLF line ends,
   * dot-stuffing removed); it never sits in memory whole. The stream holds
   * the session until read to the end or cancelled (other commands wait
   * for it); cancelling reads the rest and discards it.
   *
   * @example Save a message to a file
   * ```ts ignore
   * const file = await Deno.open("message.eml", { write: true, create: true });
   * await (await client.retrieve(1)).pipeTo(file.writable);
   * ```
   *
   * @param id The message number.
   * @param options The call's signal and a progress callback.
   * @returns The message bytes.
   * @throws {Pop3ReplyError} When there is no such message.
   */
  retrieve(id: number, options: Pop3RetrieveOptions = {}): Promise<ReadableStream<Uint8Array>> {
    assertPop3MessageNumber(id);
    this.#need("transaction", "send RETR");
    return this.#openBody(`RETR ${id}`, options);
  }

  /**
   * TOP: the header and the first `lines` lines of the body, as a stream.
   *
   * @example Headers only
   * ```ts ignore
   * const headers = await new Response(await client.top(1, 0)).text();
   * ```
   *
   * @param id The message number.
   * @param lines How many body lines (0 for the header alone).
   * @param options The call's signal and a progress callback.
   * @returns The bytes.
   */
  top(id: number, lines: number, options: Pop3RetrieveOptions = {}): Promise<
    ReadableStream<Uint8Array>
  > {
    assertPop3MessageNumber(id);
    if (!Number.isSafeInteger(lines) || lines < 0) {
      throw new RangeError(`Cannot send TOP: line count ${lines} is not a non-negative integer`);
    }
    this.#need("transaction", "send TOP");
    return this.#openBody(`TOP ${id} ${lines}`, options);
  }

  /**
   * RETR into one array.
   *
   * @example Usage
   * ```ts ignore
   * const bytes = await client.retrieveBytes(1);
   * ```
   *
   * @param id The message number.
   * @param options The call's signal, a progress callback and `maxBytes` (64 MiB by default).
   * @throws {LimitError} When the message exceeds `maxBytes` (see {@linkcode Pop3ReadOptions.maxBytes}).
   * @returns The message bytes.
   */
  retrieveBytes(id: number, options: Pop3ReadOptions = {}): Promise<Uint8Array> {
    assertPop3MessageNumber(id);
    this.#need("transaction", "send RETR");
    return this.#readWhole(`RETR ${id}`, options);
  }

  /**
   * RETR decoded as UTF-8 (invalid bytes become U+FFFD).
   *
   * @example Usage
   * ```ts ignore
   * const text = await client.retrieveText(1);
   * ```
   *
   * @param id The message number.
   * @param options The call's signal, a progress callback and `maxBytes` (64 MiB by default).
   * @throws {LimitError} When the message exceeds `maxBytes` (see {@linkcode Pop3ReadOptions.maxBytes}).
   * @returns The message text.
   */
  async retrieveText(id: number, options: Pop3ReadOptions = {}): Promise<string> {
    return decoder.decode(await this.retrieveBytes(id, options));
  }

  /**
   * RETR parsed as a mail message (RFC 5322 + MIME): subject, addresses,
   * text and HTML bodies, attachments.
   *
   * @example Usage
   * ```ts
   * import { Pop3Client, Pop3Server } from "@portline/portline/pop3";
   * import { MemoryMailStore } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const store = new MemoryMailStore();
   * const raw = "From: Jörg <j@example.org>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\nHallo\r\n";
   * await store.deliver("ann", new TextEncoder().encode(raw));
   * await using server = await Pop3Server.listen({ store, accounts: { ann: "pw" } });
   * await using client = await Pop3Client.connect({
   *   hostname: "127.0.0.1",
   *   port: server.addr.port,
   *   auth: { username: "ann", password: "pw" },
   * });
   * const mail = await client.retrieveParsed(1);
   * assert.equal(mail.subject, "Grüße");
   * assert.equal(mail.from[0]!.name, "Jörg");
   * assert.equal(mail.text, "Hallo\n");
   * ```
   *
   * @param id The message number.
   * @param options The call's signal, a progress callback, `maxBytes` (64 MiB by default) and
   *   parser limits.
   * @returns The parsed message.
   * @throws {LimitError} When the message exceeds `maxBytes` or a parser limit.
   */
  async retrieveParsed(
    id: number,
    options: Pop3ReadOptions & ParseMailOptions = {},
  ): Promise<ParsedMail> {
    return parseMail(await this.retrieveBytes(id, options), options);
  }

  /**
   * The header of a message, parsed, fetched with `TOP id 0` (the body
   * stays on the server).
   *
   * @example Usage
   * ```ts ignore
   * const headers = await client.retrieveHeaders(1);
   * console.log(headers.get("subject"));
   * ```
   *
   * @param id The message number.
   * @param options The call's signal and `maxBytes` for the header (64 MiB by default).
   * @returns The header fields.
   * @throws {LimitError} When the header exceeds `maxBytes`.
   */
  async retrieveHeaders(
    id: number,
    options: CallOptions & { maxBytes?: number } = {},
  ): Promise<MailHeaders> {
    return parseMailHeaders(await this.topBytes(id, 0, options));
  }

  /**
   * TOP into one array.
   *
   * @example Usage
   * ```ts ignore
   * const header = new TextDecoder().decode(await client.topBytes(1, 0));
   * ```
   *
   * @param id The message number.
   * @param lines How many body lines.
   * @param options The call's signal, a progress callback and `maxBytes` (64 MiB by default).
   * @throws {LimitError} When the reply exceeds `maxBytes` (see {@linkcode Pop3ReadOptions.maxBytes}).
   * @returns The bytes.
   */
  topBytes(id: number, lines: number, options: Pop3ReadOptions = {}): Promise<Uint8Array> {
    assertPop3MessageNumber(id);
    if (!Number.isSafeInteger(lines) || lines < 0) {
      throw new RangeError(`Cannot send TOP: line count ${lines} is not a non-negative integer`);
    }
    this.#need("transaction", "send TOP");
    return this.#readWhole(`TOP ${id} ${lines}`, options);
  }

  /**
   * Retrieves many messages. With PIPELINING every RETR goes out in one
   * write and the replies are read in order; without it, one at a time.
   * Messages are yielded as they arrive; a `-ERR` for one of them does not
   * stop the others and is thrown at the end. Breaking out of the loop reads
   * and discards what is still in flight. The session is held while the
   * loop runs: finish or break it (an iterator left suspended holds it).
   *
   * @example Usage
   * ```ts ignore
   * const ids = (await client.list()).map((entry) => entry.id);
   * for await (const { id, bytes } of client.retrieveMany(ids)) console.log(id, bytes.length);
   * ```
   *
   * @param ids The message numbers.
   * @param options The call's signal and `maxBytes`, the limit of each message (64 MiB by
   *   default); a longer message is read off and discarded, the others still come, and the
   *   `LimitError` is thrown at the end.
   * @returns The messages, in the order asked.
   */
  async *retrieveMany(
    ids: Iterable<number>,
    options: CallOptions & { maxBytes?: number } = {},
  ): AsyncGenerator<Pop3Message, void, undefined> {
    const list = [...ids];
    list.forEach(assertPop3MessageNumber);
    const maxBytes = options.maxBytes ?? POP3_DEFAULT_MAX_MESSAGE_BYTES;
    assertMaxBytes(maxBytes, "RETR");
    this.#need("transaction", "send RETR");
    if (list.length === 0) return;
    const session = this.#session;
    const release = await session.acquire(options);
    const pipelined = this.#capabilities.pipelining;
    let read = 0;
    let failure: unknown;
    let broken = false;
    let writing: Promise<void> | undefined;
    try {
      if (pipelined) {
        writing = session.send(list.map((id) => `RETR ${id}`));
        writing.catch(() => {});
      }
      while (read < list.length) {
        const id = list[read]!;
        const command = `RETR ${id}`;
        if (!pipelined) await session.send(command);
        const status = await readStatus(session, command);
        if (!status.ok) {
          read++;
          failure ??= pop3ReplyError(command, status);
          continue;
        }
        let bytes: Uint8Array;
        try {
          bytes = await readBody(session, {
            maxBytes,
            command,
            announced: parsePop3Octets(status.text),
          });
        } catch (error) {
          if (!isDrainedLimit(error)) throw error;
          // Read off and discarded: the others still come.
          read++;
          failure ??= error;
          continue;
        }
        read++;
        yield { id, bytes };
      }
      await writing;
    } catch (error) {
      broken = true;
      this.#fatal(error);
      throw error;
    } finally {
      if (!broken && read < list.length && pipelined) {
        // The caller stopped early: the rest is in flight; read it off.
        try {
          for (; read < list.length; read++) {
            if ((await readStatus(session, `RETR ${list[read]}`)).ok) await skipBody(session);
          }
          await writing;
        } catch {
          session.destroy();
        }
      }
      release();
    }
    if (failure) throw failure;
  }

  /**
   * DELE: marks a message for deletion. Nothing is removed until QUIT
   * (`close()`); `reset()` unmarks.
   *
   * @example Usage
   * ```ts ignore
   * await client.delete(1);
   * await client.close(); // now it is gone
   * ```
   *
   * @param id The message number.
   * @param options The call's signal.
   * @throws {Pop3ReplyError} When there is no such message or it is already marked.
   */
  async delete(id: number, options: CallOptions = {}): Promise<void> {
    assertPop3MessageNumber(id);
    this.#need("transaction", "send DELE");
    await this.#simple(`DELE ${id}`, options);
    this.#marked.add(id);
  }

  /**
   * Marks many messages, pipelined in one write when the server offers
   * PIPELINING. Every reply is read; the first refusal is thrown at the end
   * and the others stay marked.
   *
   * @example Usage
   * ```ts ignore
   * await client.deleteMany([1, 2, 3]);
   * ```
   *
   * @param ids The message numbers.
   * @param options The call's signal.
   * @throws {Pop3ReplyError} The first refusal.
   */
  async deleteMany(ids: Iterable<number>, options: CallOptions = {}): Promise<void> {
    const list = [...ids];
    list.forEach(assertPop3MessageNumber);
    this.#need("transaction", "send DELE");
    const commands = list.map((id) => `DELE ${id}`);
    const statuses = await this.#pipeline(commands, options);
    let failure: unknown;
    statuses.forEach((status, i) => {
      if (status.ok) this.#marked.add(list[i]!);
      else failure ??= pop3ReplyError(commands[i]!, status);
    });
    if (failure) throw failure;
  }

  /**
   * NOOP: keeps the connection alive.
   *
   * @example Usage
   * ```ts ignore
   * await client.noop();
   * ```
   *
   * @param options The call's signal.
   */
  async noop(options: CallOptions = {}): Promise<void> {
    this.#need("transaction", "send NOOP");
    await this.#simple("NOOP", options);
  }

  /**
   * RSET: unmarks every message marked for deletion.
   *
   * @example Usage
   * ```ts ignore
   * await client.delete(1);
   * await client.reset();
   * ```
   *
   * @param options The call's signal.
   */
  async reset(options: CallOptions = {}): Promise<void> {
    this.#need("transaction", "send RSET");
    await this.#simple("RSET", options);
    this.#marked.clear();
  }

  /**
   * Sends any other command (LAST, XTND…) and reads its reply.
   *
   * @example Usage
   * ```ts ignore
   * const { lines } = await client.command("XTND XLST", { multiline: true });
   * ```
   *
   * @param line The command, without line end.
   * @param options `multiline: true` when a `+OK` is followed by a dot-terminated block, and
   *   `maxBytes` for that block (16 MiB by default).
   * @returns The reply.
   * @throws {Pop3ReplyError} On `-ERR`.
   * @throws {LimitError} When the block exceeds `maxBytes` (read off and discarded).
   */
  async command(
    line: string,
    options: Pop3ListingOptions & { multiline?: boolean } = {},
  ): Promise<Pop3CommandReply> {
    assertSafeArgument(line, "command");
    const maxBytes = options.maxBytes ?? POP3_DEFAULT_MAX_LISTING_BYTES;
    const shown = line.split(" ", 1)[0]!;
    assertMaxBytes(maxBytes, shown);
    this.#open("send a command");
    return await this.#call(options, async () => {
      await this.#session.send(line);
      const status = await expectOk(this.#session, line);
      if (!options.multiline) return { text: status.text };
      const lines = await readListing(this.#session, { maxBytes, command: shown });
      return { text: status.text, lines };
    });
  }

  /**
   * QUIT: the server removes the marked messages (UPDATE state) and the
   * connection closes.
   *
   * @example Usage
   * ```ts ignore
   * const removed = await client.quit();
   * ```
   *
   * @param options The call's signal.
   * @returns The message numbers the server removed.
   * @throws {Pop3ReplyError} When the server could not remove them all.
   */
  async quit(options: CallOptions = {}): Promise<number[]> {
    this.#open("send QUIT");
    await this.#body?.abandon();
    const committed = this.#state === "transaction" ? [...this.#marked].sort((a, b) => a - b) : [];
    const status = await this.#call(options, async () => {
      await this.#session.send("QUIT");
      return await readStatus(this.#session, "QUIT");
    });
    this.#session.destroy();
    this.#marked.clear();
    if (!status.ok) throw pop3ReplyError("QUIT", status);
    return committed;
  }

  /**
   * Says QUIT, which commits the deletions, then closes. An unfinished
   * RETR/TOP stream is read off first (its reader gets an error). Transport
   * errors are ignored unless messages were marked for deletion: then the
   * caller learns the commit is not confirmed.
   *
   * @example Usage
   * ```ts ignore
   * await client.delete(1);
   * await client.close();
   * ```
   *
   * @param options The call's signal.
   * @throws {Pop3ReplyError} When the server could not remove the marked messages.
   */
  async close(options: CallOptions = {}): Promise<void> {
    if (this.#session.closed) return;
    const pending = this.#state === "transaction" && this.#marked.size > 0;
    try {
      await this.quit(options);
    } catch (error) {
      this.destroy();
      if (pending || error instanceof ReplyError) throw error;
    }
  }

  /**
   * Drops the connection without QUIT: messages marked for deletion stay
   * on the server (RFC 1939 §6).
   *
   * @example Usage
   * ```ts ignore
   * client.destroy();
   * ```
   */
  destroy(): void {
    this.#session.destroy();
    this.#marked.clear();
  }

  /** Calls {@linkcode close}, so `await using` sends QUIT. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Sends commands (one write with PIPELINING) and reads one status each. */
  #pipeline(commands: string[], options: CallOptions): Promise<Pop3Status[]> {
    return this.#call(options, async () => {
      const session = this.#session;
      const statuses: Pop3Status[] = [];
      if (commands.length === 0) return statuses;
      if (this.#capabilities.pipelining) {
        const writing = session.send(commands);
        writing.catch(() => {});
        for (const command of commands) statuses.push(await readStatus(session, command));
        await writing;
      } else {
        for (const command of commands) {
          await session.send(command);
          statuses.push(await readStatus(session, command));
        }
      }
      return statuses;
    });
  }

  /** A body read whole, with the `+OK n octets` size as progress total. */
  #readWhole(command: string, options: Pop3ReadOptions): Promise<Uint8Array> {
    const maxBytes = options.maxBytes ?? POP3_DEFAULT_MAX_MESSAGE_BYTES;
    assertMaxBytes(maxBytes, command.split(" ", 1)[0]!);
    return this.#call(options, async () => {
      await this.#session.send(command);
      const status = await expectOk(this.#session, command);
      const onProgress = options.onProgress;
      const total = parsePop3Octets(status.text);
      return await readBody(this.#session, {
        maxBytes,
        command,
        announced: total,
        onProgress: onProgress ? (bytes) => onProgress({ bytes, total }) : undefined,
      });
    });
  }

  /** A body as a stream that holds the lock until it ends. */
  async #openBody(command: string, options: Pop3RetrieveOptions): Promise<
    ReadableStream<Uint8Array>
  > {
    const session = this.#session;
    const release = await session.acquire(options);
    let status: Pop3Status;
    try {
      await session.send(command);
      status = await readStatus(session, command);
    } catch (error) {
      release();
      this.#fatal(error);
      throw error;
    }
    if (!status.ok) {
      release();
      throw pop3ReplyError(command, status);
    }
    const total = parsePop3Octets(status.text);
    const onProgress = options.onProgress;
    const inner = session.reader.dotBlock({
      ...(onProgress ? { onProgress: (bytes: number) => onProgress({ bytes, total }) } : {}),
      onDone: (error) => {
        if (error !== undefined) this.#fatal(error);
        this.#body = undefined;
        release();
      },
    }).getReader();
    const { stream, abandon } = guardBody(inner, command);
    this.#body = { abandon };
    return stream;
  }
}
