// Copyright 2026 the portline authors. MIT license.
/**
 * The errors a POP3 `-ERR` becomes. The session stays usable after either.
 *
 * @module
 */
import { AuthenticationError, ReplyError } from "../_core/errors.ts";
import { isTransientPop3Code, type Pop3Status } from "./response.ts";

/** What a POP3 reply error carries besides its message. */
export interface Pop3ReplyErrorOptions {
  /** The refused command, secrets redacted (`PASS ***`). */
  command?: string | undefined;
  /** The server's text after `-ERR` (and the response code). */
  response: string;
  /** The RFC 2449/3206 response code, e.g. `"IN-USE"`, when the server sent one. */
  responseCode?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The server answered a command with `-ERR`. `responseCode` holds the
 * RFC 3206 code (`IN-USE`, `LOGIN-DELAY`, `SYS/TEMP`, `SYS/PERM`, `AUTH`,
 * `UTF8`) when the server sent one; `transient` is true for `IN-USE`,
 * `LOGIN-DELAY` and `SYS/TEMP`. The connection stays usable.
 *
 * A failed login with no code or the `AUTH` code is a
 * {@linkcode Pop3AuthenticationError}, which is also an instance of this
 * class (and of the core's `AuthenticationError`).
 *
 * @example Usage
 * ```ts
 * import { Pop3ReplyError } from "@portline/portline/pop3";
 * import { ReplyError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const error = new Pop3ReplyError("Cannot RETR 9: no such message", {
 *   command: "RETR 9",
 *   response: "no such message",
 * });
 * assert.ok(error instanceof ReplyError);
 * assert.equal(error.code, "ERR_POP3_REPLY");
 * assert.equal(error.transient, false);
 * ```
 */
export class Pop3ReplyError extends ReplyError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "Pop3ReplyError";
  /** Always `"ERR_POP3_REPLY"`. */
  override readonly code: string = "ERR_POP3_REPLY";
  /** The RFC 2449/3206 response code, when the server sent one. */
  readonly responseCode: string | undefined;

  /**
   * Creates a POP3 reply error.
   *
   * @param message A sentence naming the command and the reply.
   * @param options The reply's parts.
   */
  constructor(message: string, options: Pop3ReplyErrorOptions) {
    super(message, {
      replyCode: 0,
      command: options.command,
      response: options.response,
      transient: isTransientPop3Code(options.responseCode),
      cause: options.cause,
    });
    this.responseCode = options.responseCode;
  }

  /**
   * Recognises instances from any copy of the library; a
   * {@linkcode Pop3AuthenticationError} counts as a `Pop3ReplyError` too.
   *
   * @param value The value to test.
   * @returns Whether `value` is an instance of this class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (ReplyError[Symbol.hasInstance].call(this, value)) return true;
    return this === Pop3ReplyError &&
      ReplyError[Symbol.hasInstance].call(Pop3AuthenticationError, value);
  }
}

/**
 * Logging in failed: the server refused the user name, password, APOP digest
 * or SASL exchange (`-ERR` without a code, or with `[AUTH]`). It is both a
 * core `AuthenticationError` and a {@linkcode Pop3ReplyError}.
 *
 * @example Usage
 * ```ts
 * import { Pop3AuthenticationError, Pop3ReplyError } from "@portline/portline/pop3";
 * import { AuthenticationError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const error = new Pop3AuthenticationError("Cannot log in as ann", {
 *   command: "PASS ***",
 *   response: "invalid password",
 *   responseCode: "AUTH",
 * });
 * assert.ok(error instanceof AuthenticationError);
 * assert.ok(error instanceof Pop3ReplyError);
 * assert.equal(error.responseCode, "AUTH");
 * ```
 */
export class Pop3AuthenticationError extends AuthenticationError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "Pop3AuthenticationError";
  /** Always `"ERR_POP3_AUTH"`. */
  override readonly code: string = "ERR_POP3_AUTH";
  /** The RFC 2449/3206 response code, when the server sent one. */
  readonly responseCode: string | undefined;

  /**
   * Creates a POP3 authentication error.
   *
   * @param message A sentence naming the user and the reply.
   * @param options The reply's parts.
   */
  constructor(message: string, options: Pop3ReplyErrorOptions) {
    super(message, {
      replyCode: 0,
      command: options.command,
      response: options.response,
      transient: isTransientPop3Code(options.responseCode),
      cause: options.cause,
    });
    this.responseCode = options.responseCode;
  }
}

/**
 * Builds the error for a `-ERR` reply.
 *
 * @example Usage
 * ```ts
 * import { parsePop3Status, pop3ReplyError, Pop3AuthenticationError } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * const status = parsePop3Status("-ERR [AUTH] bad password")!;
 * const error = pop3ReplyError("PASS ***", status, { login: true });
 * assert.ok(error instanceof Pop3AuthenticationError);
 * assert.equal(error.message, 'Cannot PASS: the server said "[AUTH] bad password"');
 * ```
 *
 * @param command The command as shown (redacted).
 * @param status The parsed `-ERR` line.
 * @param options `login: true` for login commands: a refusal without a code
 *   or with `AUTH` becomes a {@linkcode Pop3AuthenticationError}.
 * @returns The error to throw.
 */
export function pop3ReplyError(
  command: string,
  status: Pop3Status,
  options: { login?: boolean } = {},
): Pop3ReplyError | Pop3AuthenticationError {
  const code = status.responseCode;
  const shown = code ? `[${code}] ${status.text}` : status.text;
  const what = command.replace(/ \*\*\*.*$/, "");
  const message = `Cannot ${what}: the server said "${shown}"`;
  const parts = { command, response: status.text, responseCode: code };
  if (options.login && (code === undefined || code === "AUTH" || code.startsWith("AUTH/"))) {
    return new Pop3AuthenticationError(message, parts);
  }
  return new Pop3ReplyError(message, parts);
}
