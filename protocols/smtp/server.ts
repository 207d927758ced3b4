// Copyright 2026 the portline authors. MIT license.
/**
 * A small SMTP/LMTP server for tests and demos, delivering into a
 * `MailStore` that the POP3 and IMAP servers read.
 *
 * @module
 */
import { type Conn, listen, type Listener } from "../_core/transport.ts";
import { type ConnectionLoop, serveConnections } from "../_core/serve.ts";
import { SASL_SERVER_MECHANISMS, type SaslAccounts } from "../_core/sasl_server.ts";
import { InvalidArgumentError } from "../_core/writer.ts";
import { type MailStore, MemoryMailStore } from "../mail/store.ts";
import { SmtpServerSession } from "./server_session.ts";
import type { SmtpServerOptions, SmtpServerTransaction } from "./server_types.ts";

function toAccounts(options: SmtpServerOptions): SaslAccounts | undefined {
  const { accounts, tokens } = options;
  if (!accounts && !tokens) return undefined;
  const base: SaslAccounts = accounts && typeof accounts.password === "function"
    ? accounts as SaslAccounts
    : {
      password: (user) => {
        const table = (accounts ?? {}) as Record<string, string>;
        return Object.hasOwn(table, user) ? table[user] : undefined;
      },
    };
  if (!tokens) return base;
  return {
    password: (user) => base.password(user),
    verifyToken: (user, token) =>
      (Object.hasOwn(tokens, user) && tokens[user] === token) ||
      (base.verifyToken?.(user, token) ?? false),
  };
}

/**
 * An in-process SMTP (or LMTP) server: STARTTLS or implicit TLS, AUTH with
 * every SASL mechanism of the core, PIPELINING, CHUNKING/BDAT, SIZE,
 * 8BITMIME, SMTPUTF8, DSN, ENHANCEDSTATUSCODES, scripted refusals and
 * dropped connections. Accepted messages go into `store` (mailbox = the
 * recipient lowercased, or `mailboxFor`) and are recorded in
 * `transactions`. Use it in your own tests.
 *
 * Message data with a bare CR or LF is refused and the connection closed,
 * so `\n.\r\n` can never smuggle a second message through it.
 *
 * @example A test server that refuses one recipient
 * ```ts
 * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * await using server = await SmtpServer.listen({
 *   hooks: { rcptTo: (to) => to === "gone@example.org" ? "550 5.1.1 No such user" : undefined },
 * });
 * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
 * await client.sendMail({
 *   from: "ann@example.org",
 *   to: ["bob@example.org", "gone@example.org"],
 *   body: "Subject: hi\r\n\r\nhello\r\n",
 * });
 * assert.deepEqual(server.transactions[0]!.to, ["bob@example.org"]);
 * const [stored] = await server.store.list("bob@example.org");
 * assert.equal(new TextDecoder().decode(stored!.bytes), "Subject: hi\r\n\r\nhello\r\n");
 * ```
 */
export class SmtpServer {
  /** Where accepted messages are delivered. */
  readonly store: MailStore;
  /** Every accepted transaction, in order (unless `record: false`). */
  readonly transactions: SmtpServerTransaction[] = [];
  #listener: Listener;
  #loop: ConnectionLoop;
  #options: SmtpServerOptions;
  #accounts: SaslAccounts | undefined;
  #mechanisms: readonly string[];

  private constructor(listener: Listener, options: SmtpServerOptions) {
    this.#listener = listener;
    this.#options = options;
    this.store = options.store ?? new MemoryMailStore();
    this.#accounts = toAccounts(options);
    this.#mechanisms = (options.authMechanisms ?? SASL_SERVER_MECHANISMS).map((m) =>
      m.toUpperCase()
    );
    const onError = options.onError;
    this.#loop = serveConnections(
      listener,
      (conn) => this.#session(conn),
      onError ? { onError: (error) => onError(error) } : {},
    );
  }

  /**
   * Starts a server on `hostname:port` (127.0.0.1 and a free port by default).
   *
   * @example Usage
   * ```ts
   * import { SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * const server = await SmtpServer.listen({ port: 0 });
   * assert.ok(server.port > 0);
   * await server.close();
   * ```
   *
   * @param options Address, store, TLS, accounts, extensions and hooks.
   * @returns The running server.
   * @throws {ConnectError} When the address cannot be bound.
   */
  static async listen(options: SmtpServerOptions = {}): Promise<SmtpServer> {
    if (options.implicitTls && !options.tls) {
      throw new InvalidArgumentError("Cannot listen with implicit TLS: no tls certificate given");
    }
    const listener = await listen({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      tls: options.implicitTls ? options.tls : undefined,
    });
    return new SmtpServer(listener, options);
  }

  /** The bound port. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** The bound address. */
  get hostname(): string {
    return this.#listener.addr.hostname;
  }

  /**
   * Serves one connection accepted elsewhere (a Unix socket, say), as if it
   * came through the listener.
   *
   * @example Usage
   * ```ts ignore
   * server.handle(conn); // conn: any portline Conn
   * ```
   *
   * @param conn The connection.
   * @returns Resolves when the session ends.
   */
  handle(conn: Conn): Promise<void> {
    return this.#loop.serve(conn);
  }

  #session(conn: Conn): SmtpServerSession {
    return new SmtpServerSession({
      options: this.#options,
      store: this.store,
      accounts: this.#accounts,
      mechanisms: this.#accounts ? this.#mechanisms : [],
      record: (transaction) => {
        if (this.#options.record !== false) this.transactions.push(transaction);
      },
    }, conn);
  }

  /**
   * Stops listening and closes every open session.
   *
   * @example Usage
   * ```ts
   * import { SmtpServer } from "@portline/portline/smtp";
   *
   * const server = await SmtpServer.listen();
   * await server.close();
   * ```
   */
  async close(): Promise<void> {
    await this.#loop.close();
  }

  /** Calls {@linkcode SmtpServer.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
