// Copyright 2026 the portline authors. MIT license.
/**
 * A small in-process POP3 server over a `MailStore`, for tests, demos and
 * users' own tests: STLS, APOP, SASL, UIDL, TOP, PIPELINING, UTF8, RFC 3206
 * response codes, and deletions applied at QUIT only.
 *
 * @module
 */
import { listen } from "../_core/transport.ts";
import type { Conn, Listener, NetAddress, ServerTlsOptions } from "../_core/transport.ts";
import { SASL_SERVER_MECHANISMS, type SaslAccounts } from "../_core/sasl_server.ts";
import type { TranscriptEntry } from "../_core/session.ts";
import type { MailStore } from "../mail/store.ts";
import { type ConnectionLoop, serveConnections } from "../_core/serve.ts";
import { type ServerContext, ServerSession } from "./_server_session.ts";

/** Options of {@linkcode Pop3Server.listen}. */
export interface Pop3ServerOptions {
  /** Where the mail is. */
  store: MailStore;
  /**
   * Who may log in: user name → password, or a `SaslAccounts` object. With
   * a plain record the password is also accepted as the OAuth token
   * (XOAUTH2, OAUTHBEARER).
   */
  accounts: Readonly<Record<string, string>> | SaslAccounts;
  /**
   * The mailbox (store key) of a user.
   *
   * @default {(username) => username}
   */
  mailbox?: (username: string) => string;
  /** The address to bind; `127.0.0.1` by default. */
  hostname?: string;
  /** The port; 0 (the default) picks a free one. */
  port?: number;
  /** A certificate and key: STLS is offered (or, with `implicitTls`, TLS from the first byte). */
  tls?: ServerTlsOptions;
  /**
   * Implicit TLS on every connection (POP3S) instead of STLS; needs `tls`.
   *
   * @default {false}
   */
  implicitTls?: boolean;
  /**
   * Refuse USER/PASS and AUTH until the connection is encrypted.
   *
   * @default {false}
   */
  requireTls?: boolean;
  /**
   * Offer APOP (a timestamp in the greeting).
   *
   * @default {true}
   */
  apop?: boolean;
  /**
   * Announce PIPELINING.
   *
   * @default {true}
   */
  pipelining?: boolean;
  /**
   * Announce UTF8 (RFC 6856).
   *
   * @default {true}
   */
  utf8?: boolean;
  /**
   * The SASL mechanisms offered.
   *
   * @default {SASL_SERVER_MECHANISMS}
   */
  mechanisms?: readonly string[];
  /**
   * The greeting text after `+OK`.
   *
   * @default {"portline POP3 server ready"}
   */
  greeting?: string;
  /**
   * How long a connection may stay silent, in milliseconds.
   *
   * @default {600000}
   */
  idleTimeoutMs?: number;
  /** Receives each command and reply line (credentials redacted). */
  onTranscript?: (entry: TranscriptEntry) => void;
  /**
   * Receives what ended a connection unexpectedly: the store or the
   * accounts that threw, or a server bug. A client that goes away, times
   * out or breaks the protocol is not reported. By default such errors are
   * dropped (the connection is closed and the server goes on).
   */
  onError?: (error: unknown) => void;
}

function toAccounts(accounts: Pop3ServerOptions["accounts"]): SaslAccounts {
  if (typeof (accounts as SaslAccounts).password === "function") return accounts as SaslAccounts;
  const table = accounts as Readonly<Record<string, string>>;
  const password = (user: string) => Object.hasOwn(table, user) ? table[user] : undefined;
  return {
    password,
    verifyToken: (user, token) => token !== "" && password(user) === token,
  };
}

/**
 * An in-process POP3 server reading a {@linkcode MailStore}. The mailbox of
 * a user is their login name unless `mailbox` maps it. A maildrop is locked
 * while a session has it open (`-ERR [IN-USE]` for a second one). DELE
 * marks; only QUIT removes the marked messages from the store.
 *
 * @example Serve a store and read it back
 * ```ts
 * import { Pop3Client, Pop3Server } from "@portline/portline/pop3";
 * import { MemoryMailStore } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryMailStore();
 * await store.deliver("ann", new TextEncoder().encode("Subject: a\r\n\r\none\r\n"));
 * await using server = await Pop3Server.listen({ store, accounts: { ann: "pw" } });
 *
 * const client = await Pop3Client.connect({
 *   hostname: "127.0.0.1",
 *   port: server.addr.port,
 *   auth: { username: "ann", password: "pw" },
 * });
 * await client.delete(1);
 * assert.equal((await store.list("ann")).length, 1); // only marked
 * await client.close(); // QUIT commits
 * assert.equal((await store.list("ann")).length, 0);
 * ```
 */
export class Pop3Server {
  readonly #listener: Listener | undefined;
  readonly #ctx: ServerContext;
  readonly #loop: ConnectionLoop;

  /**
   * Creates a server without a listener; feed it connections with
   * {@linkcode serve}. {@linkcode Pop3Server.listen} is the usual way.
   *
   * @param options The store, accounts and features.
   * @param listener The listener to accept from, if any.
   */
  constructor(options: Pop3ServerOptions, listener?: Listener) {
    this.#listener = listener;
    this.#ctx = {
      store: options.store,
      accounts: toAccounts(options.accounts),
      mailboxOf: options.mailbox ?? ((username) => username),
      tls: options.implicitTls ? undefined : options.tls,
      greeting: options.greeting ?? "portline POP3 server ready",
      apop: options.apop ?? true,
      pipelining: options.pipelining ?? true,
      utf8: options.utf8 ?? true,
      mechanisms: (options.mechanisms ?? SASL_SERVER_MECHANISMS).map((m) => m.toUpperCase()),
      requireTls: options.requireTls ?? false,
      idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
      locked: new Set(),
      onTranscript: options.onTranscript,
    };
    const onError = options.onError;
    this.#loop = serveConnections(
      listener,
      (conn) => new ServerSession(this.#ctx, conn),
      onError ? { onError: (error) => onError(error) } : {},
    );
  }

  /**
   * Starts a server listening on `hostname:port` (127.0.0.1 and a free port
   * by default).
   *
   * @example Usage
   * ```ts
   * import { Pop3Server } from "@portline/portline/pop3";
   * import { MemoryMailStore } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const server = await Pop3Server.listen({ store: new MemoryMailStore(), accounts: {} });
   * assert.ok(server.addr.port > 0);
   * await server.close();
   * ```
   *
   * @param options The store, accounts, address and features.
   * @returns The running server.
   */
  static async listen(options: Pop3ServerOptions): Promise<Pop3Server> {
    if (options.implicitTls && !options.tls) {
      throw new TypeError("Cannot listen with implicit TLS: no certificate in `tls`");
    }
    const listener = await listen({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      ...(options.implicitTls ? { tls: options.tls } : {}),
    });
    return new Pop3Server(options, listener);
  }

  /** The bound address. */
  get addr(): NetAddress {
    if (!this.#listener) throw new TypeError("Cannot tell the address: the server has no listener");
    return this.#listener.addr;
  }

  /**
   * Serves one connection (accepted by `listen()` from the core) until it
   * ends.
   *
   * @example Usage
   * ```ts ignore
   * const server = new Pop3Server({ store, accounts });
   * for await (const conn of listener) server.serve(conn);
   * ```
   *
   * @param conn The connection.
   * @returns Resolves when the conversation is over.
   */
  serve(conn: Conn): Promise<void> {
    return this.#loop.serve(conn);
  }

  /**
   * Stops listening and ends every open connection (without UPDATE: marked
   * messages stay).
   *
   * @example Usage
   * ```ts ignore
   * await server.close();
   * ```
   */
  async close(): Promise<void> {
    await this.#loop.close();
  }

  /** Calls {@linkcode close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
