// Copyright 2026 the portline authors. MIT license.
/**
 * The options, hooks and records of the in-process {@linkcode SmtpServer}.
 *
 * @module
 */
import type { ServerTlsOptions } from "../_core/transport.ts";
import type { SaslAccounts } from "../_core/sasl_server.ts";
import type { MailStore } from "../mail/store.ts";

/** A reply a hook scripts, e.g. `"550 5.1.1 No such user"`; nothing lets the command pass. */
export type SmtpHookResult = string | undefined | void;

/** What hooks learn about the session a command arrived on. */
export interface SmtpServerSessionInfo {
  /** The name the client gave with EHLO/HELO/LHLO. */
  readonly helo: string;
  /** Whether the connection is encrypted. */
  readonly secure: boolean;
  /** The authenticated user, if any. */
  readonly user: string | undefined;
  /** The client's address. */
  readonly remoteAddress: string;
}

/** One recipient of a transaction, with its RCPT parameters. */
export interface SmtpServerRecipient {
  /** The address as given. */
  address: string;
  /** The RCPT parameters (NOTIFY, ORCPT…), keyword upper case. */
  params: Map<string, string>;
}

/** A transaction the server accepted: envelope, parameters and the message bytes. */
export interface SmtpServerTransaction {
  /** The session it arrived on. */
  session: SmtpServerSessionInfo;
  /** The envelope sender (`""` for the null reverse path). */
  from: string;
  /** The MAIL parameters (SIZE, BODY, SMTPUTF8, RET, ENVID, REQUIRETLS…). */
  mailParams: Map<string, string>;
  /** The accepted recipients, in order. */
  recipients: SmtpServerRecipient[];
  /** The accepted recipients' addresses. */
  to: string[];
  /** The message as received (dot-stuffing removed), CRLF line ends. */
  bytes: Uint8Array;
  /** How the body came: `DATA` or `BDAT`. */
  via: "DATA" | "BDAT";
  /** The number of BDAT chunks (0 for DATA). */
  chunks: number;
}

/**
 * Scripted behaviour: each hook may return a reply line to refuse the
 * command, or nothing to let it pass. Hooks may be async.
 */
export interface SmtpServerHooks {
  /** Called for MAIL FROM. */
  mailFrom?(
    from: string,
    params: Map<string, string>,
    session: SmtpServerSessionInfo,
  ): SmtpHookResult | Promise<SmtpHookResult>;
  /** Called for each RCPT TO. */
  rcptTo?(
    address: string,
    params: Map<string, string>,
    session: SmtpServerSessionInfo,
  ): SmtpHookResult | Promise<SmtpHookResult>;
  /** Called at DATA (instead of 354) or at the first BDAT, before the content. */
  data?(
    from: string,
    to: readonly string[],
    session: SmtpServerSessionInfo,
  ): SmtpHookResult | Promise<SmtpHookResult>;
  /**
   * Called once the content arrived, before delivery: once for SMTP
   * (`recipient` undefined), once per recipient for LMTP.
   */
  message?(
    transaction: SmtpServerTransaction,
    recipient: string | undefined,
  ): SmtpHookResult | Promise<SmtpHookResult>;
}

/** Which extensions the server offers; all on by default. */
export interface SmtpServerExtensions {
  /** PIPELINING. */
  pipelining?: boolean;
  /** CHUNKING (BDAT). */
  chunking?: boolean;
  /** 8BITMIME. */
  eightBitMime?: boolean;
  /** SMTPUTF8. */
  smtpUtf8?: boolean;
  /** DSN. */
  dsn?: boolean;
  /** ENHANCEDSTATUSCODES. */
  enhancedStatusCodes?: boolean;
  /** REQUIRETLS (offered on encrypted sessions only). */
  requireTls?: boolean;
  /** SIZE. */
  size?: boolean;
  /** Answer EHLO at all (false: only HELO works, to test the fallback). */
  ehlo?: boolean;
}

/** Options of {@linkcode SmtpServer.listen}. */
export interface SmtpServerOptions {
  /** The address to bind. @default {"127.0.0.1"} */
  hostname?: string;
  /** The port; 0 picks a free one. @default {0} */
  port?: number;
  /** Where delivered mail goes; a new `MemoryMailStore` by default. */
  store?: MailStore;
  /** Maps a recipient to a mailbox; by default the address lowercased. */
  mailboxFor?: (recipient: string) => string;
  /** The server's name in the greeting and EHLO. @default {"portline.test"} */
  domain?: string;
  /** Speak LMTP (LHLO; one reply per recipient after the data). */
  lmtp?: boolean;
  /** A certificate: offers STARTTLS (or, with `implicitTls`, TLS from the first byte). */
  tls?: ServerTlsOptions;
  /** Listen with TLS from the first byte (port-465 style); needs `tls`. */
  implicitTls?: boolean;
  /** User names and passwords (or a `SaslAccounts`): offers AUTH. */
  accounts?: Record<string, string> | SaslAccounts;
  /** OAuth access tokens by user name, for XOAUTH2 and OAUTHBEARER. */
  tokens?: Record<string, string>;
  /** The AUTH mechanisms offered; every one the core implements by default. */
  authMechanisms?: readonly string[];
  /** Refuse MAIL before AUTH (530). */
  requireAuth?: boolean;
  /** The SIZE limit in bytes; 0 for none. @default {33554432} */
  maxSize?: number;
  /** The most recipients per message. @default {1000} */
  maxRecipients?: number;
  /** Extensions to leave out. */
  extensions?: SmtpServerExtensions;
  /** Mailing lists for EXPN. */
  lists?: Record<string, readonly string[]>;
  /** Scripted refusals. */
  hooks?: SmtpServerHooks;
  /** Drop the connection after this many bytes of message content (DATA or BDAT). */
  dropAfterBytes?: number;
  /** Keep a record of accepted transactions in `transactions`. @default {true} */
  record?: boolean;
  /** Called with every chunk read from a client (to see how commands arrive). */
  onRead?: (chunk: Uint8Array) => void;
  /** Idle time before a silent client is dropped, in milliseconds. @default {60000} */
  timeoutMs?: number;
  /**
   * Receives what ended a session unexpectedly: a hook or the store that
   * threw, or a server bug. A client that goes away, times out or breaks
   * the protocol is not reported. By default such errors are dropped (the
   * connection is closed and the server goes on).
   */
  onError?: (error: unknown) => void;
}
