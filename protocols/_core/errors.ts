// Copyright 2026 the portline authors. MIT license.
/**
 * Typed errors shared by every protocol.
 *
 * Each class is branded with a `Symbol.for` key so `instanceof` keeps working
 * when two copies of the library are loaded (the ESM and CommonJS builds of
 * the npm package, say), as undici does.
 *
 * @module
 */

const BRAND = Symbol.for("portline.error");

function hasBrand(value: unknown, code: string): boolean {
  if (typeof value !== "object" || value === null) return false;
  const brands = (value as Record<symbol, unknown>)[BRAND];
  return Array.isArray(brands) && brands.includes(code);
}

function brandOf(proto: object | null): string[] {
  const brands: string[] = [];
  for (let p = proto; p !== null; p = Object.getPrototypeOf(p)) {
    const own = Object.getOwnPropertyDescriptor(p.constructor ?? {}, "brand");
    if (own && typeof own.value === "string") brands.push(own.value);
  }
  return brands;
}

/**
 * Options accepted by every portline error constructor.
 *
 * @example Usage
 * ```ts
 * import { ConnectError, type PortlineErrorOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: PortlineErrorOptions = { cause: new Error("ECONNREFUSED") };
 * const error = new ConnectError("Cannot connect to \"mail.example\" on port 25", options);
 * assert.equal((error.cause as Error).message, "ECONNREFUSED");
 * ```
 */
export interface PortlineErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The base class of every error portline throws.
 *
 * `code` is stable and meant for programs; `message` is for people.
 *
 * @example Usage
 * ```ts
 * import { PortlineError, TimeoutError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const error = new TimeoutError("Cannot read reply: no data for 100 ms");
 * assert.ok(error instanceof PortlineError);
 * assert.equal(error.code, "ERR_TIMEOUT");
 * ```
 */
export class PortlineError extends Error {
  /** The brand used by `instanceof` across copies of the library. */
  static readonly brand: string = "PortlineError";
  /** A stable machine-readable code such as `"ERR_REPLY"`. */
  readonly code: string = "ERR_PORTLINE";

  /**
   * Creates an error.
   *
   * @param message What went wrong, naming host, port and command when known.
   * @param options The cause, if any.
   */
  constructor(message: string, options?: PortlineErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: brandOf(new.target.prototype) });
  }

  /**
   * Recognises instances from any copy of the library.
   *
   * @param value The value to test.
   * @returns Whether `value` is an instance of this class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, this.brand);
  }
}

/**
 * The connection was closed (by the peer or by us) while an operation needed it.
 *
 * @example Usage
 * ```ts
 * import { ConnectionClosedError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ConnectionClosedError("Cannot read: closed").code, "ERR_CONNECTION_CLOSED");
 * ```
 */
export class ConnectionClosedError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "ConnectionClosedError";
  /** Always `"ERR_CONNECTION_CLOSED"`. */
  override readonly code: string = "ERR_CONNECTION_CLOSED";
}

/**
 * A network wait took longer than the configured timeout. The connection is
 * closed, because its state is no longer known.
 *
 * @example Usage
 * ```ts
 * import { TimeoutError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new TimeoutError("Cannot read: timed out").code, "ERR_TIMEOUT");
 * ```
 */
export class TimeoutError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "TimeoutError";
  /** Always `"ERR_TIMEOUT"`. */
  override readonly code: string = "ERR_TIMEOUT";
}

/**
 * The TLS handshake failed, the certificate was not trusted, or TLS was
 * required and not available.
 *
 * @example Usage
 * ```ts
 * import { TlsError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new TlsError("Cannot start TLS: refused").code, "ERR_TLS");
 * ```
 */
export class TlsError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "TlsError";
  /** Always `"ERR_TLS"`. */
  override readonly code: string = "ERR_TLS";
}

/**
 * A limit was exceeded: a line, a literal, a reply or a message too large.
 *
 * @example Usage
 * ```ts
 * import { LimitError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new LimitError("Cannot read line: longer than 8192 bytes").code, "ERR_LIMIT");
 * ```
 */
export class LimitError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "LimitError";
  /** Always `"ERR_LIMIT"`. */
  override readonly code: string = "ERR_LIMIT";
  /**
   * Set by readers that read the rest of an over-limit reply off the
   * connection before throwing (`readReply` with `drainBytes`): `true` when
   * the connection is still in step, so the next command can follow; `false`
   * when they gave up; `undefined` when nothing was drained.
   */
  inStep?: boolean;
}

/**
 * The peer sent something that does not follow the protocol.
 *
 * @example Usage
 * ```ts
 * import { ProtocolError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ProtocolError("Cannot parse reply: \"hello\"").code, "ERR_PROTOCOL");
 * ```
 */
export class ProtocolError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "ProtocolError";
  /** Always `"ERR_PROTOCOL"`. */
  override readonly code: string = "ERR_PROTOCOL";
}

/**
 * What a {@linkcode ReplyError} carries besides its message.
 *
 * @example Usage
 * ```ts
 * import { ReplyError, type ReplyErrorOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: ReplyErrorOptions = {
 *   replyCode: 550,
 *   enhancedCode: "5.1.1",
 *   command: "RCPT TO:<nobody@example.org>",
 *   response: "no such user",
 * };
 * const error = new ReplyError("RCPT refused", options);
 * assert.equal(error.transient, false);
 * assert.equal(error.enhancedCode, "5.1.1");
 * ```
 */
export interface ReplyErrorOptions extends PortlineErrorOptions {
  /** The numeric reply code (SMTP, FTP, NNTP, HTTP), or 0 where there is none. */
  replyCode: number;
  /** The enhanced status code (RFC 3463), e.g. `"5.1.1"`, when the server sent one. */
  enhancedCode?: string | undefined;
  /** The command that was refused, with secrets redacted. */
  command?: string | undefined;
  /** The server's reply text. */
  response: string;
  /** Whether the failure is temporary; defaults to `replyCode` being 4xx. */
  transient?: boolean;
}

/**
 * The server answered a command with a refusal.
 *
 * @example Usage
 * ```ts
 * import { ReplyError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const error = new ReplyError("RCPT refused", {
 *   replyCode: 450,
 *   command: "RCPT TO:<a@example.org>",
 *   response: "mailbox busy",
 * });
 * assert.equal(error.transient, true);
 * ```
 */
export class ReplyError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "ReplyError";
  /** Always `"ERR_REPLY"`. */
  override readonly code: string = "ERR_REPLY";
  /** The numeric reply code, or 0 where the protocol has none. */
  readonly replyCode: number;
  /** The enhanced status code, when the server sent one. */
  readonly enhancedCode: string | undefined;
  /** The refused command, secrets redacted. */
  readonly command: string | undefined;
  /** The server's reply text. */
  readonly response: string;
  /** True for temporary failures (4xx, 421): the caller may retry later. */
  readonly transient: boolean;

  /**
   * Creates a reply error.
   *
   * @param message A sentence naming the command and the reply.
   * @param options The reply's parts.
   */
  constructor(message: string, options: ReplyErrorOptions) {
    super(message, options);
    this.replyCode = options.replyCode;
    this.enhancedCode = options.enhancedCode;
    this.command = options.command;
    this.response = options.response;
    this.transient = options.transient ??
      (options.replyCode >= 400 && options.replyCode < 500);
  }
}

/**
 * Authentication failed: wrong credentials, or no mechanism both sides know.
 *
 * @example Usage
 * ```ts
 * import { AuthenticationError, ReplyError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const error = new AuthenticationError("Cannot log in", { replyCode: 535, response: "bad" });
 * assert.ok(error instanceof ReplyError);
 * assert.equal(error.code, "ERR_AUTH");
 * ```
 */
export class AuthenticationError extends ReplyError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "AuthenticationError";
  /** Always `"ERR_AUTH"`. */
  override readonly code: string = "ERR_AUTH";
}

/**
 * A connection could not be made: refused, unreachable, or a name that does
 * not resolve.
 *
 * @example Usage
 * ```ts
 * import { ConnectError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ConnectError("Cannot connect").code, "ERR_CONNECT");
 * ```
 */
export class ConnectError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "ConnectError";
  /** Always `"ERR_CONNECT"`. */
  override readonly code: string = "ERR_CONNECT";
}

/**
 * What a {@linkcode SocksProxyError} carries besides its message.
 *
 * @example Usage
 * ```ts
 * import { SocksProxyError, type SocksProxyErrorOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: SocksProxyErrorOptions = { reply: 5 };
 * const error = new SocksProxyError("Cannot open a SOCKS tunnel: connection refused", options);
 * assert.equal(error.reply, 5);
 * ```
 */
export interface SocksProxyErrorOptions extends PortlineErrorOptions {
  /** The proxy's reply code (RFC 1928 §6) when it refused the CONNECT request. */
  reply?: number | undefined;
}

/**
 * A SOCKS proxy did not open the tunnel: it refused the CONNECT request
 * (`reply` holds its reply code), refused the credentials or every offered
 * authentication method, closed the connection, or answered with bytes that
 * are not SOCKS5 (then `reply` is `undefined`). Messages never hold the
 * proxy password.
 *
 * @example Usage
 * ```ts
 * import { PortlineError, SocksProxyError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const refused = new SocksProxyError("Cannot open a SOCKS tunnel: host unreachable", { reply: 4 });
 * assert.ok(refused instanceof PortlineError);
 * assert.equal(refused.code, "ERR_SOCKS_PROXY");
 * assert.equal(new SocksProxyError("Cannot open a SOCKS tunnel: garbage").reply, undefined);
 * ```
 */
export class SocksProxyError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "SocksProxyError";
  /** Always `"ERR_SOCKS_PROXY"`. */
  override readonly code: string = "ERR_SOCKS_PROXY";
  /** The SOCKS reply code of a refused CONNECT (1 to 255), else `undefined`. */
  readonly reply: number | undefined;

  /**
   * Creates a SOCKS proxy error.
   *
   * @param message What failed, naming the target and the proxy (never its password).
   * @param options The reply code and cause, if any.
   */
  constructor(message: string, options: SocksProxyErrorOptions = {}) {
    super(message, options);
    this.reply = options.reply;
  }
}
