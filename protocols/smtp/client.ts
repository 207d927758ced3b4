// Copyright 2026 the portline authors. MIT license.
/**
 * The SMTP and LMTP client: connection (plain, STARTTLS, implicit TLS, Unix
 * socket), EHLO/LHLO, AUTH, transactions and the small verbs.
 *
 * @module
 */
import { type Conn, connect, type TlsOptions } from "../_core/transport.ts";
import { splitTlsSetting, type TlsSetting } from "../_core/tls_mode.ts";
import { type CallOptions, Session, type SessionOptions } from "../_core/session.ts";
import type { Reply } from "../_core/reply.ts";
import { ConnectionClosedError, TlsError } from "../_core/errors.ts";
import { assertSafeArgument, InvalidArgumentError } from "../_core/writer.ts";
import { noSmtpExtensions, parseSmtpExtensions, type SmtpExtensions } from "./extensions.ts";
import { SmtpExtensionError, SmtpReplyError } from "./errors.ts";
import { smtpAuthenticate, type SmtpAuthOptions } from "./auth.ts";
import { planSmtpTransaction, type SmtpMail } from "./plan.ts";
import {
  runSmtpTransaction,
  smtpReplyError,
  type SmtpSendResult,
  type SmtpTransactionContext,
} from "./transaction.ts";
import { probeSmtpPort } from "./tls_probe.ts";
import { readSmtpGreeting } from "./greeting.ts";
import { connectVia, proxyRoute } from "../http/_proxy_route.ts";
import { smtpDefaultPort, smtpTlsMode } from "./_tls_defaults.ts";
import { type SmtpMessageInput, toSmtpMail } from "./message.ts";

/** Options of {@linkcode SmtpClient.connect}. */
export interface SmtpClientOptions extends SessionOptions {
  /** The server's name or address. */
  hostname?: string;
  /**
   * The TCP port.
   *
   * @default {587} (465 with implicit TLS, 24 for LMTP)
   */
  port?: number;
  /** A Unix socket path instead of TCP (LMTP servers often listen on one). */
  path?: string;
  /**
   * The TLS mode (`"implicit"`, `"starttls"`, `"none"`) or TLS options with
   * a `mode`. By default port 465 is implicit TLS and other ports use
   * STARTTLS when the server offers it. Certificates are always verified;
   * pass `caCerts` for a private CA.
   */
  tls?: TlsSetting;
  /** Fail unless the session is encrypted (no silent fallback to clear text). */
  requireTls?: boolean;
  /** The name sent with EHLO; by default the local address as a literal, e.g. `[127.0.0.1]`. */
  localName?: string;
  /** Authenticate right after connecting. */
  auth?: SmtpAuthOptions;
  /** Speak LMTP (RFC 2033): LHLO and one DATA reply per recipient. */
  lmtp?: boolean;
  /** Use PIPELINING when offered. @default {true} */
  pipelining?: boolean;
  /** Use BDAT when CHUNKING is offered. @default {true} */
  chunking?: boolean;
  /**
   * When the server stays silent this long after connecting in plain mode,
   * a second short connection checks whether the port speaks implicit TLS,
   * so a wrong mode fails at once with a clear message. 0 turns it off.
   *
   * @default {1500}
   */
  tlsProbeDelayMs?: number;
  /**
   * A proxy to tunnel through: an HTTP proxy (CONNECT) as
   * `http://[user:password@]host:port`, with Basic proxy authentication or
   * Digest when the proxy asks for it; or a SOCKS5 proxy as
   * `socks5h://[user:password@]host[:port]` (the proxy resolves the
   * server's name) or `socks5://…` (resolved here), with user name and
   * password authentication when the URL has them. TLS (STARTTLS or
   * implicit) runs end to end inside the tunnel. Not with `path`; not read
   * from the environment.
   */
  proxy?: string | URL;
  /** Aborts connecting. */
  signal?: AbortSignal;
}

/** Options of {@linkcode SmtpClient.sendMail}. */
export interface SmtpSendOptions extends CallOptions {
  /** Called with the number of message bytes written so far. */
  onProgress?: (bytes: number) => void;
}

function tlsOptions(options: SmtpClientOptions): TlsOptions {
  return splitTlsSetting(options.tls).options;
}

function addressLiteral(conn: Conn): string {
  const host = conn.localAddr.hostname;
  if (conn.localAddr.port === 0 || host === "") return "localhost";
  return host.includes(":") ? `[IPv6:${host}]` : `[${host}]`;
}

/**
 * An SMTP (or LMTP) client over one connection.
 *
 * @example Sending through the in-process server
 * ```ts
 * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * await using server = await SmtpServer.listen();
 * await using client = await SmtpClient.connect({ hostname: "127.0.0.1", port: server.port, tls: "none" });
 * const result = await client.sendMail({
 *   from: "ann@example.org",
 *   to: ["bob@example.org", "cy@example.org"],
 *   body: "Subject: hi\r\n\r\nHello!\r\n",
 * });
 * assert.deepEqual(result.accepted, ["bob@example.org", "cy@example.org"]);
 * ```
 */
export class SmtpClient {
  #options: SmtpClientOptions;
  #session: Session | undefined;
  #extensions: SmtpExtensions = noSmtpExtensions();
  #greeting = "";
  #hostname: string;
  #port: number;
  #user: string | undefined;
  #esmtp = true;
  #context: SmtpTransactionContext | undefined;

  /**
   * Creates an unconnected client; use {@linkcode SmtpClient.connect}.
   *
   * @param options Where and how to connect.
   */
  constructor(options: SmtpClientOptions) {
    this.#options = options;
    this.#hostname = options.path ?? options.hostname ?? "127.0.0.1";
    this.#port = smtpDefaultPort(options);
  }

  /**
   * Connects, reads the greeting, says EHLO (HELO when EHLO is refused; LHLO
   * for LMTP), starts TLS as configured and authenticates when `auth` is set.
   *
   * @example Usage
   * ```ts ignore
   * import { SmtpClient } from "@portline/portline/smtp";
   *
   * await using client = await SmtpClient.connect({
   *   hostname: "smtp.example.org",
   *   port: 587,
   *   auth: { username: "ann", password: "secret" },
   * });
   * console.log(client.extensions.auth);
   * ```
   *
   * @param options Server, TLS, credentials, timeouts and transcript hook.
   * @returns The connected client.
   * @throws {TlsError} When TLS fails, is required and not offered, or the mode does not match the port.
   * @throws {ConnectError} When the server (or the proxy) cannot be reached.
   * @throws {HttpProxyError} When an HTTP proxy refuses the tunnel.
   * @throws {SocksProxyError} When a SOCKS proxy refuses the tunnel or the
   *   credentials, or does not speak SOCKS5.
   * @throws {InvalidArgumentError} When `proxy` is no supported proxy URL,
   *   or is combined with `path`.
   * @throws {SmtpReplyError} When the server refuses the session.
   * @throws {AuthenticationError} When authentication fails.
   */
  static async connect<T extends SmtpClient>(
    this: new (options: SmtpClientOptions) => T,
    options: SmtpClientOptions,
  ): Promise<T> {
    const client = new this(options);
    await client.#open();
    return client;
  }

  /** The server's extensions from the latest EHLO. */
  get extensions(): SmtpExtensions {
    return this.#extensions;
  }

  /** The greeting line's text (after `220`). */
  get greeting(): string {
    return this.#greeting;
  }

  /** Whether the connection is encrypted. */
  get secure(): boolean {
    return this.#session?.conn.secure ?? false;
  }

  /** The user name authenticated as, if any. */
  get user(): string | undefined {
    return this.#user;
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.#session === undefined || this.#session.closed;
  }

  /** Whether this client speaks LMTP. */
  get lmtp(): boolean {
    return this.#options.lmtp === true;
  }

  #sessionOrThrow(): Session {
    const session = this.#session;
    if (!session || session.closed) {
      throw new ConnectionClosedError(`Cannot use ${this.#hostname}: the client is closed`);
    }
    return session;
  }

  async #open(): Promise<void> {
    const options = this.#options;
    const mode = smtpTlsMode(options, this.#port);
    if (options.requireTls && mode === "none") {
      throw new InvalidArgumentError('Cannot require TLS with tls: "none"');
    }
    if (options.localName !== undefined) assertSafeArgument(options.localName, "localName");
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (options.proxy !== undefined && options.path !== undefined) {
      throw new InvalidArgumentError("Cannot connect to a Unix socket through a proxy");
    }
    const route = proxyRoute(options.proxy);
    const tls = mode === "implicit" ? { ...tlsOptions(options) } : undefined;
    let conn: Conn;
    try {
      conn = options.path !== undefined
        ? await connect({ path: options.path, tls, signal: options.signal, timeoutMs })
        : await connectVia(route, {
          hostname: this.#hostname,
          port: this.#port,
          tls,
          signal: options.signal,
          timeoutMs,
        });
    } catch (error) {
      // The probe connects directly: never around a proxy.
      if (
        mode === "implicit" && error instanceof TlsError && options.path === undefined &&
        route === undefined
      ) {
        const kind = await probeSmtpPort(this.#hostname, this.#port, {
          timeoutMs: Math.min(timeoutMs, 3000),
          signal: options.signal,
        });
        if (kind === "plain") {
          throw new TlsError(
            `Cannot start implicit TLS with "${this.#hostname}": port ${this.#port} speaks plain SMTP; use tls: 'starttls'`,
            { cause: error },
          );
        }
      }
      throw error;
    }
    const session = new Session(conn, options.path ?? this.#hostname, options);
    this.#session = session;
    try {
      await session.run({ signal: options.signal }, async () => {
        this.#greeting = await readSmtpGreeting(session, {
          hostname: this.#hostname,
          port: this.#port,
          probeDelayMs: mode === "implicit" || options.path !== undefined || route !== undefined
            ? 0
            : options.tlsProbeDelayMs ?? 1500,
          timeoutMs,
        });
        await this.#hello(session);
        if (mode === "starttls") {
          if (this.#extensions.startTls) await this.#startTls(session);
          else if (this.#tlsRequired()) {
            throw new TlsError(
              `Cannot secure the connection to "${this.#hostname}": the server does not offer STARTTLS`,
            );
          }
        }
        if (options.auth) await this.#authenticate(session, options.auth);
      });
    } catch (error) {
      session.destroy();
      throw error;
    }
  }

  async #hello(session: Session): Promise<void> {
    const name = this.#options.localName ?? addressLiteral(session.conn);
    const verb = this.lmtp ? "LHLO" : "EHLO";
    await session.send(`${verb} ${name}`);
    const reply = await session.readReply({ enhanced: true });
    if (reply.code === 250) {
      this.#extensions = parseSmtpExtensions(reply.lines);
      this.#esmtp = true;
    } else if (!this.lmtp && reply.code >= 500 && reply.code !== 521) {
      await session.send(`HELO ${name}`);
      const helo = await session.readReply({ enhanced: true });
      if (helo.code !== 250) throw smtpReplyError("say HELO", `HELO ${name}`, helo);
      this.#extensions = noSmtpExtensions(helo.lines[0]?.split(" ")[0]);
      this.#esmtp = false;
    } else {
      throw smtpReplyError(`say ${verb}`, `${verb} ${name}`, reply);
    }
    this.#context = undefined;
  }

  async #startTls(session: Session): Promise<void> {
    await session.send("STARTTLS");
    const reply = await session.readReply({ enhanced: true });
    if (reply.code !== 220) {
      if (this.#tlsRequired()) {
        throw new TlsError(
          `Cannot start TLS with "${this.#hostname}": ${reply.code} ${reply.lines.join(" ")}`,
        );
      }
      return;
    }
    await session.upgradeTls(tlsOptions(this.#options));
    // RFC 3207 §4.2: forget everything learnt before TLS and say EHLO again.
    await this.#hello(session);
  }

  /** TLS is required, or STARTTLS was asked for by name (no silent clear text then). */
  #tlsRequired(): boolean {
    const tls = this.#options.tls;
    const mode = typeof tls === "string" ? tls : tls?.mode;
    return this.#options.requireTls === true || mode === "starttls";
  }

  async #authenticate(session: Session, auth: SmtpAuthOptions): Promise<void> {
    if (this.#extensions.auth.length === 0) {
      throw new SmtpExtensionError(
        "AUTH",
        `Cannot authenticate to "${this.#hostname}": the server offers no AUTH${
          this.secure || !this.#extensions.startTls ? "" : " before STARTTLS"
        }`,
      );
    }
    await smtpAuthenticate(session, this.#extensions.auth, auth, {
      host: this.#hostname,
      port: this.#port,
    });
    this.#user = auth.username;
  }

  /**
   * Says EHLO (or LHLO) again and refreshes {@linkcode SmtpClient.extensions}.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * assert.equal((await client.ehlo()).pipelining, true);
   * ```
   *
   * @param options The call's signal.
   * @returns The extensions.
   */
  async ehlo(options: CallOptions = {}): Promise<SmtpExtensions> {
    const session = this.#sessionOrThrow();
    await session.run(options, () => this.#hello(session));
    return this.#extensions;
  }

  /**
   * Authenticates with the strongest mechanism the server offers for the
   * credentials (or `credentials.mechanism`). Credentials never reach the
   * transcript (`AUTH PLAIN ****`); SCRAM's server signature is verified.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen({ accounts: { ann: "secret" } });
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * await client.authenticate({ username: "ann", password: "secret" });
   * assert.equal(client.user, "ann");
   * ```
   *
   * @param credentials User name and password or access token, optionally a mechanism.
   * @param options The call's signal.
   * @throws {AuthenticationError} When the server refuses the credentials.
   * @throws {SmtpExtensionError} When the server offers no AUTH.
   */
  async authenticate(credentials: SmtpAuthOptions, options: CallOptions = {}): Promise<void> {
    const session = this.#sessionOrThrow();
    await session.run(options, () => this.#authenticate(session, credentials));
  }

  #transactionContext(session: Session): SmtpTransactionContext {
    if (!this.#context || this.#context.session !== session) {
      const ext = this.#extensions;
      this.#context = {
        session,
        extensions: ext,
        lmtp: this.lmtp,
        pipelining: ext.pipelining && this.#options.pipelining !== false,
        chunking: ext.chunking && this.#options.chunking !== false,
        needsReset: false,
        splitBdat: false,
      };
    }
    return this.#context;
  }

  /**
   * Sends one message. With PIPELINING the envelope (and DATA) go in one
   * write; with CHUNKING a message under 256 KiB goes out in a single write
   * with its envelope (`BDAT n LAST`). The body is streamed, dot-stuffed
   * (DATA) and line ends normalised to CRLF on the way.
   *
   * Refused recipients are listed in `rejected` while the message goes to
   * the others; when every recipient is refused a
   * {@linkcode SmtpRecipientsRefusedError} is thrown. After any refusal the
   * session is reset and stays usable.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen({
   *   hooks: { rcptTo: (address) => address.startsWith("nobody@") ? "550 5.1.1 No such user" : undefined },
   * });
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * const result = await client.sendMail({
   *   from: "ann@example.org",
   *   to: ["bob@example.org", "nobody@example.org"],
   *   body: "Subject: test\n\n.leading dot\n",
   * });
   * assert.deepEqual(result.accepted, ["bob@example.org"]);
   * assert.equal(result.rejected[0]!.replyCode, 550);
   * ```
   *
   * @param mail Sender, recipients, body and envelope options.
   * @param options Signal and progress callback.
   * @returns Per-recipient results and the server's final reply.
   * @throws {SmtpRecipientsRefusedError} When every recipient was refused.
   * @throws {SmtpReplyError} When the server refuses the sender or the message.
   * @throws {SmtpExtensionError} When the message needs an extension the server lacks.
   * @throws {LimitError} When the message exceeds the server's SIZE limit.
   */
  async sendMail(mail: SmtpMail, options: SmtpSendOptions = {}): Promise<SmtpSendResult> {
    const session = this.#sessionOrThrow();
    const plan = planSmtpTransaction(mail, this.#extensions, this.secure);
    return await session.run(options, async () => {
      try {
        return await runSmtpTransaction(this.#transactionContext(session), plan, {
          onProgress: options.onProgress,
        });
      } catch (error) {
        // A refusal leaves the session in step; anything else leaves it unknown.
        if (!(error instanceof SmtpReplyError)) session.destroy();
        throw error;
      }
    });
  }

  /**
   * Sends a composed message, taking the envelope from it (From/Sender,
   * To/Cc/Bcc) like smtplib's `send_message`; Bcc is never written.
   * SMTPUTF8, 8BITMIME and SIZE follow what the message needs. Takes the
   * mail module's `MailMessage` (or anything with its members), or a
   * `MailInit` to build one.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * const result = await client.sendMessage({
   *   from: "ann@example.org",
   *   to: "bob@example.org",
   *   bcc: "hidden@example.org",
   *   subject: "Grüße",
   *   text: "Hello!",
   * });
   * assert.deepEqual(result.accepted, ["bob@example.org", "hidden@example.org"]);
   * const [stored] = await server.store.list("hidden@example.org");
   * assert.ok(!new TextDecoder().decode(stored!.bytes).includes("hidden@"));
   * ```
   *
   * @param message A `MailMessage` (or look-alike), or a `MailInit`.
   * @param options Envelope overrides (`from`, `to`, DSN, REQUIRETLS), signal and progress.
   * @returns Per-recipient results.
   */
  async sendMessage(
    message: SmtpMessageInput,
    options: SmtpSendOptions & Partial<Omit<SmtpMail, "body">> = {},
  ): Promise<SmtpSendResult> {
    return await this.sendMail(toSmtpMail(message, options), options);
  }

  /**
   * Sends a command and returns its reply, whatever the code: the raw layer
   * (smtplib's `docmd`).
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * assert.equal((await client.command("NOOP")).code, 250);
   * ```
   *
   * @param line The command line without line end.
   * @param options The call's signal.
   * @returns The reply.
   * @throws {InvalidArgumentError} When the line contains CR, LF or NUL.
   */
  async command(line: string, options: CallOptions = {}): Promise<Reply> {
    assertSafeArgument(line, "command");
    const session = this.#sessionOrThrow();
    return await session.run(options, async () => {
      try {
        await session.send(line);
        const reply = await session.readReply({ enhanced: true });
        if (reply.code === 421) session.destroy();
        return reply;
      } catch (error) {
        session.destroy();
        throw error;
      }
    });
  }

  async #expect(line: string, ok: (code: number) => boolean, options: CallOptions): Promise<Reply> {
    const reply = await this.command(line, options);
    if (!ok(reply.code)) throw smtpReplyError(`send ${line.split(" ")[0]}`, line, reply);
    return reply;
  }

  /**
   * Sends NOOP (keeps the connection alive, checks it works).
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * await client.noop();
   * ```
   *
   * @param options The call's signal.
   * @throws {SmtpReplyError} When refused.
   */
  async noop(options: CallOptions = {}): Promise<void> {
    await this.#expect("NOOP", (code) => code === 250, options);
  }

  /**
   * Sends RSET: abandons the current transaction.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * await client.rset();
   * ```
   *
   * @param options The call's signal.
   * @throws {SmtpReplyError} When refused.
   */
  async rset(options: CallOptions = {}): Promise<void> {
    await this.#expect("RSET", (code) => code === 250, options);
    if (this.#context) this.#context.needsReset = false;
  }

  /**
   * Asks the server to verify an address (VRFY). Many servers answer 252
   * ("cannot verify, will try delivery"), which counts as success here.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * assert.equal((await client.vrfy("bob@example.org")).code, 252);
   * ```
   *
   * @param address The address or name.
   * @param options The call's signal.
   * @returns The reply (250, 251 or 252).
   * @throws {SmtpReplyError} When the server refuses (550 unknown, 502 disabled).
   */
  async vrfy(address: string, options: CallOptions = {}): Promise<Reply> {
    assertSafeArgument(address, "address");
    return await this.#expect(`VRFY ${address}`, (c) => c >= 250 && c <= 252, options);
  }

  /**
   * Asks the server to expand a mailing list (EXPN).
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen({ lists: { team: ["ann@example.org", "bob@example.org"] } });
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * assert.deepEqual(await client.expn("team"), ["<ann@example.org>", "<bob@example.org>"]);
   * ```
   *
   * @param list The list's name.
   * @param options The call's signal.
   * @returns One line per member.
   * @throws {SmtpReplyError} When the server refuses.
   */
  async expn(list: string, options: CallOptions = {}): Promise<string[]> {
    assertSafeArgument(list, "list");
    return (await this.#expect(`EXPN ${list}`, (c) => c === 250, options)).lines;
  }

  /**
   * Asks for help (HELP), optionally about a command.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * assert.ok((await client.help()).length > 0);
   * ```
   *
   * @param topic A command name.
   * @param options The call's signal.
   * @returns The help text lines.
   * @throws {SmtpReplyError} When refused.
   */
  async help(topic?: string, options: CallOptions = {}): Promise<string[]> {
    if (topic !== undefined) assertSafeArgument(topic, "topic");
    const line = topic === undefined ? "HELP" : `HELP ${topic}`;
    return (await this.#expect(line, (c) => c === 211 || c === 214, options)).lines;
  }

  /**
   * Says QUIT and closes the connection. Safe to call twice.
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * const client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * await client.close();
   * assert.equal(client.closed, true);
   * ```
   *
   * @param options The call's signal.
   */
  async close(options: CallOptions = {}): Promise<void> {
    const session = this.#session;
    if (!session || session.closed) return;
    try {
      await session.run(options, async () => {
        await session.send("QUIT");
        await session.readReply();
      });
    } catch {
      // Closing anyway: a server that vanished needs no goodbye.
    } finally {
      session.destroy();
    }
  }

  /**
   * Closes the connection at once, without QUIT (a transaction in progress
   * is abandoned; the server delivers nothing from it).
   *
   * @example Usage
   * ```ts
   * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * const client = await SmtpClient.connect({ port: server.port, tls: "none" });
   * client.destroy();
   * assert.equal(client.closed, true);
   * ```
   */
  destroy(): void {
    this.#session?.destroy();
  }

  /** Calls {@linkcode SmtpClient.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Whether the server answered EHLO (false after a HELO fallback). */
  get esmtp(): boolean {
    return this.#esmtp;
  }
}
