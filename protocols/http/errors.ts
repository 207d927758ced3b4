// Copyright 2026 the portline authors. MIT license.
/**
 * The HTTP error family. Each class extends the closest core error (a
 * malformed response is a `ProtocolError`, an oversized head a `LimitError`,
 * a phase timeout a `TimeoutError`) and carries a stable `code` starting with
 * `"ERR_HTTP"`; `instanceof HttpError` recognises all of them.
 *
 * @module
 */
import {
  ConnectionClosedError,
  InvalidArgumentError,
  LimitError,
  PortlineError,
  type PortlineErrorOptions,
  ProtocolError,
  TimeoutError,
} from "../_core/mod.ts";

function isHttpFamily(value: unknown): boolean {
  return value instanceof PortlineError && typeof value.code === "string" &&
    value.code.startsWith("ERR_HTTP");
}

/**
 * The base of HTTP-specific conditions, and the family check: every HTTP
 * error class (whatever core error it extends) is `instanceof HttpError`.
 *
 * @example Usage
 * ```ts
 * import { HttpError, HttpParseError } from "@portline/portline/http";
 * import { ProtocolError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const error = new HttpParseError("Cannot parse the status line: \"HTTP/9\"");
 * assert.ok(error instanceof HttpError);
 * assert.ok(error instanceof ProtocolError);
 * assert.equal(error.code, "ERR_HTTP_PARSE");
 * ```
 */
export class HttpError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpError";
  /** Always `"ERR_HTTP"` here; subclasses have their own. */
  override readonly code: string = "ERR_HTTP";

  /**
   * Recognises every error of the HTTP family (code `ERR_HTTP…`) when called
   * on `HttpError` itself, and the exact brand on subclasses.
   *
   * @param value The value to test.
   * @returns Whether `value` is an instance.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === HttpError) return isHttpFamily(value);
    return PortlineError[Symbol.hasInstance].call(this, value);
  }
}

/**
 * The server sent something that is not valid HTTP/1.1, or whose framing is
 * ambiguous (request smuggling): both Content-Length and Transfer-Encoding,
 * conflicting lengths, obs-fold, a bad chunk size. The connection is closed.
 *
 * @example Usage
 * ```ts
 * import { HttpParseError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new HttpParseError("Cannot frame the body").code, "ERR_HTTP_PARSE");
 * ```
 */
export class HttpParseError extends ProtocolError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpParseError";
  /** Always `"ERR_HTTP_PARSE"`. */
  override readonly code: string = "ERR_HTTP_PARSE";
}

/**
 * A size limit was exceeded: the response head, the number of header fields,
 * a header line, a chunk-size line, the trailers, or a response body read
 * with a limit (`bytes({ maxBytes })`, `httpFetch`'s `maxBodyBytes`).
 *
 * @example Usage
 * ```ts
 * import { HttpLimitError } from "@portline/portline/http";
 * import { LimitError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new HttpLimitError("Cannot read headers: too many") instanceof LimitError);
 * ```
 */
export class HttpLimitError extends LimitError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpLimitError";
  /** Always `"ERR_HTTP_LIMIT"`. */
  override readonly code: string = "ERR_HTTP_LIMIT";
}

/** Which wait of an exchange timed out. */
export type HttpTimeoutPhase = "connect" | "headers" | "body" | "continue";

/** Options of {@linkcode HttpTimeoutError}. */
export interface HttpTimeoutErrorOptions extends PortlineErrorOptions {
  /** The wait that expired. */
  phase: HttpTimeoutPhase;
}

/**
 * A phase of the exchange took too long: connecting, waiting for the response
 * head, or a pause in the body. The connection is closed.
 *
 * @example Usage
 * ```ts
 * import { HttpTimeoutError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const error = new HttpTimeoutError("Cannot read headers: timed out", { phase: "headers" });
 * assert.equal(error.phase, "headers");
 * assert.equal(error.code, "ERR_HTTP_TIMEOUT");
 * ```
 */
export class HttpTimeoutError extends TimeoutError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpTimeoutError";
  /** Always `"ERR_HTTP_TIMEOUT"`. */
  override readonly code: string = "ERR_HTTP_TIMEOUT";
  /** The wait that expired. */
  readonly phase: HttpTimeoutPhase;

  /**
   * Creates the error.
   *
   * @param message What timed out.
   * @param options The phase and cause.
   */
  constructor(message: string, options: HttpTimeoutErrorOptions) {
    super(message, options);
    this.phase = options.phase;
  }
}

/**
 * A request could not be sent as given: a header name or value with CR, LF,
 * NUL or other invalid characters, a method that is not a token, a URL that
 * is not http(s).
 *
 * @example Usage
 * ```ts
 * import { HttpInvalidRequestError } from "@portline/portline/http";
 * import { InvalidArgumentError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const error = new HttpInvalidRequestError("Cannot send header \"x\": it contains CR");
 * assert.ok(error instanceof InvalidArgumentError);
 * ```
 */
export class HttpInvalidRequestError extends InvalidArgumentError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpInvalidRequestError";
  /** Always `"ERR_HTTP_INVALID_REQUEST"`. */
  override readonly code: string = "ERR_HTTP_INVALID_REQUEST";
}

/**
 * The connection closed before the response head or the whole body arrived.
 *
 * @example Usage
 * ```ts
 * import { HttpPrematureCloseError } from "@portline/portline/http";
 * import { ConnectionClosedError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new HttpPrematureCloseError("Cannot read body") instanceof ConnectionClosedError);
 * ```
 */
export class HttpPrematureCloseError extends ConnectionClosedError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpPrematureCloseError";
  /** Always `"ERR_HTTP_PREMATURE_CLOSE"`. */
  override readonly code: string = "ERR_HTTP_PREMATURE_CLOSE";
}

/**
 * A redirect could not be followed: too many, `redirect: "error"`, a
 * non-http(s) location, or a body that cannot be sent twice.
 *
 * @example Usage
 * ```ts
 * import { HttpRedirectError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new HttpRedirectError("Cannot follow: too many").code, "ERR_HTTP_REDIRECT");
 * ```
 */
export class HttpRedirectError extends HttpError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpRedirectError";
  /** Always `"ERR_HTTP_REDIRECT"`. */
  override readonly code: string = "ERR_HTTP_REDIRECT";
}

/**
 * A request body could not be sent: its length did not match the declared
 * Content-Length, or it could not be read.
 *
 * @example Usage
 * ```ts
 * import { HttpBodyError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new HttpBodyError("Cannot send body").code, "ERR_HTTP_BODY");
 * ```
 */
export class HttpBodyError extends HttpError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpBodyError";
  /** Always `"ERR_HTTP_BODY"`. */
  override readonly code: string = "ERR_HTTP_BODY";
}

/** Options of {@linkcode HttpProxyError}. */
export interface HttpProxyErrorOptions extends PortlineErrorOptions {
  /** The proxy's status code, 0 when it sent none. */
  status: number;
}

/**
 * The proxy refused to open a tunnel (CONNECT answered with a non-2xx status)
 * or misbehaved.
 *
 * @example Usage
 * ```ts
 * import { HttpProxyError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const error = new HttpProxyError("Cannot open a tunnel: 407", { status: 407 });
 * assert.equal(error.status, 407);
 * ```
 */
export class HttpProxyError extends HttpError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "HttpProxyError";
  /** Always `"ERR_HTTP_PROXY"`. */
  override readonly code: string = "ERR_HTTP_PROXY";
  /** The proxy's status code, 0 when it sent none. */
  readonly status: number;

  /**
   * Creates the error.
   *
   * @param message What the proxy did.
   * @param options The status and cause.
   */
  constructor(message: string, options: HttpProxyErrorOptions) {
    super(message, options);
    this.status = options.status;
  }
}
