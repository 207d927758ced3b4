// Copyright 2026 the portline authors. MIT license.
/**
 * Pure HTTP/1.1 message parsing (RFC 9112): status line, header fields,
 * body framing and chunk sizes. No I/O: the connection feeds lines in.
 *
 * @module
 */
import { HttpLimitError, HttpParseError } from "./errors.ts";

/** Header fields in arrival order, names as sent, duplicates kept. */
export type HttpHeaderList = [name: string, value: string][];

/** A parsed status line. */
export interface HttpStatusLine {
  /** `"1.1"` or `"1.0"`. */
  version: "1.0" | "1.1";
  /** The status code, 100 to 599. */
  status: number;
  /** The reason phrase (may be empty). */
  statusText: string;
}

/** A parsed response head. */
export interface HttpResponseHead extends HttpStatusLine {
  /** The header fields, in order, duplicates kept. */
  headers: HttpHeaderList;
}

/** Size limits of a response head. */
export interface HttpHeadLimits {
  /**
   * The most bytes in the status line and headers together, line ends
   * included.
   *
   * @default {65536}
   */
  maxHeaderBytes?: number;
  /**
   * The most header fields (and the most trailer fields).
   *
   * @default {100}
   */
  maxHeaderCount?: number;
}

/**
 * The default limits of {@linkcode HttpHeadLimits}.
 *
 * @example Usage
 * ```ts
 * import { HTTP_DEFAULT_LIMITS } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(HTTP_DEFAULT_LIMITS.maxHeaderCount, 100);
 * ```
 */
export const HTTP_DEFAULT_LIMITS: Readonly<Required<HttpHeadLimits>> = Object.freeze({
  maxHeaderBytes: 65536,
  maxHeaderCount: 100,
});

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// tchar lookup: faster than the regex on short header names.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[c.charCodeAt(0)] = 1;
}
// Field values: no CTL but HTAB (so no CR, LF, NUL); obs-text (0x80-0xFF) is allowed.
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether `text` is an RFC 9110 token (method names, header names).
 *
 * @example Usage
 * ```ts
 * import { isHttpToken } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isHttpToken("Content-Type"), true);
 * assert.equal(isHttpToken("Bad Name"), false);
 * ```
 *
 * @param text The text.
 * @returns True for a non-empty token.
 */
export function isHttpToken(text: string): boolean {
  return TOKEN.test(text);
}

/**
 * Whether `text` may be sent or accepted as a header field value: no CR, LF,
 * NUL or other control characters except horizontal tab.
 *
 * @example Usage
 * ```ts
 * import { isHttpFieldValue } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isHttpFieldValue("text/plain; charset=utf-8"), true);
 * assert.equal(isHttpFieldValue("a\r\nInjected: 1"), false);
 * ```
 *
 * @param text The value.
 * @returns True when it is safe.
 */
export function isHttpFieldValue(text: string): boolean {
  return !BAD_VALUE.test(text);
}

function show(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + "…" : text);
}

/**
 * Parses a status line such as `HTTP/1.1 200 OK`.
 *
 * @example Usage
 * ```ts
 * import { parseHttpStatusLine } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseHttpStatusLine("HTTP/1.1 404 Not Found"), {
 *   version: "1.1",
 *   status: 404,
 *   statusText: "Not Found",
 * });
 * ```
 *
 * @param line The line without its line end.
 * @returns The version, status and reason.
 * @throws {HttpParseError} When the line is not a valid HTTP/1.x status line.
 */
export function parseHttpStatusLine(line: string): HttpStatusLine {
  // "HTTP/1.1 200" is the shortest form; the reason (after one SP) may be empty.
  if (
    line.length < 12 || !line.startsWith("HTTP/1.") || line.charCodeAt(8) !== 32 ||
    (line.length > 12 && line.charCodeAt(12) !== 32)
  ) {
    throw new HttpParseError(`Cannot parse the status line: ${show(line)}`);
  }
  const minor = line.charCodeAt(7);
  if (minor !== 48 && minor !== 49) {
    throw new HttpParseError(`Cannot parse the status line: unsupported version in ${show(line)}`);
  }
  const d0 = line.charCodeAt(9) - 48;
  const d1 = line.charCodeAt(10) - 48;
  const d2 = line.charCodeAt(11) - 48;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
    throw new HttpParseError(`Cannot parse the status line: bad status code in ${show(line)}`);
  }
  const statusText = line.length > 13 ? line.slice(13) : "";
  if (BAD_VALUE.test(statusText)) {
    throw new HttpParseError(`Cannot parse the status line: control characters in ${show(line)}`);
  }
  return {
    version: minor === 49 ? "1.1" : "1.0",
    status: d0 * 100 + d1 * 10 + d2,
    statusText,
  };
}

/**
 * Parses one header field line (`Name: value`). Leading and trailing
 * whitespace of the value is removed.
 *
 * @example Usage
 * ```ts
 * import { parseHttpHeaderLine } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseHttpHeaderLine("Content-Length:  42 "), ["Content-Length", "42"]);
 * assert.throws(() => parseHttpHeaderLine(" folded continuation"));
 * ```
 *
 * @param line The line without its line end.
 * @returns The name and value.
 * @throws {HttpParseError} On obs-fold (a line starting with whitespace), a
 * name that is not a token (including whitespace before the colon), or
 * control characters in the value.
 */
export function parseHttpHeaderLine(line: string): [string, string] {
  const first = line.charCodeAt(0);
  if (first === 32 || first === 9) {
    throw new HttpParseError(
      `Cannot parse header line ${show(line)}: obsolete line folding is not allowed`,
    );
  }
  const colon = line.indexOf(":");
  if (colon <= 0) throw new HttpParseError(`Cannot parse header line ${show(line)}: no name`);
  for (let i = 0; i < colon; i++) {
    const c = line.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) {
      throw new HttpParseError(`Cannot parse header line ${show(line)}: invalid field name`);
    }
  }
  const name = line.slice(0, colon);
  let start = colon + 1;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  const value = start === colon + 1 && end === line.length
    ? line.slice(start)
    : line.slice(start, end);
  if (BAD_VALUE.test(value)) {
    throw new HttpParseError(`Cannot parse header line ${show(line)}: control characters`);
  }
  return [name, value];
}

/**
 * Builds a response head from lines pushed one at a time, enforcing the size
 * and count limits. Informational (1xx) heads are complete heads too; the
 * caller decides whether to continue.
 *
 * @example Usage
 * ```ts
 * import { HttpHeadParser } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const parser = new HttpHeadParser();
 * for (const line of ["HTTP/1.1 204 No Content", "Server: x", ""]) {
 *   if (parser.push(line)) break;
 * }
 * assert.equal(parser.head().status, 204);
 * ```
 */
export class HttpHeadParser {
  #status: HttpStatusLine | undefined;
  #headers: HttpHeaderList = [];
  #bytes = 0;
  #done = false;
  readonly #maxBytes: number;
  readonly #maxCount: number;
  readonly #what: string;

  /**
   * Creates a parser.
   *
   * @param limits Size and count limits.
   * @param what `"headers"` or `"trailers"`, for messages; trailers have no status line.
   */
  constructor(limits: HttpHeadLimits = {}, what: "headers" | "trailers" = "headers") {
    this.#maxBytes = limits.maxHeaderBytes ?? HTTP_DEFAULT_LIMITS.maxHeaderBytes;
    this.#maxCount = limits.maxHeaderCount ?? HTTP_DEFAULT_LIMITS.maxHeaderCount;
    this.#what = what;
    if (what === "trailers") this.#status = { version: "1.1", status: 200, statusText: "" };
  }

  /**
   * Adds the next line (without its line end).
   *
   * @param line The line.
   * @returns True once the empty line that ends the head was pushed.
   * @throws {HttpParseError} On a malformed line.
   * @throws {HttpLimitError} When a limit is exceeded.
   */
  push(line: string): boolean {
    if (this.#done) throw new HttpParseError(`Cannot add a line: the ${this.#what} are complete`);
    this.#bytes += line.length + 2;
    if (this.#bytes > this.#maxBytes) {
      throw new HttpLimitError(
        `Cannot read the response ${this.#what}: larger than ${this.#maxBytes} bytes`,
      );
    }
    if (this.#status === undefined) {
      this.#status = parseHttpStatusLine(line);
      return false;
    }
    if (line.length === 0) {
      this.#done = true;
      return true;
    }
    if (this.#headers.length >= this.#maxCount) {
      throw new HttpLimitError(
        `Cannot read the response ${this.#what}: more than ${this.#maxCount} fields`,
      );
    }
    this.#headers.push(parseHttpHeaderLine(line));
    return false;
  }

  /**
   * The parsed head.
   *
   * @returns The status line and headers.
   * @throws {HttpParseError} When the head is not complete.
   */
  head(): HttpResponseHead {
    if (!this.#done || this.#status === undefined) {
      throw new HttpParseError(`Cannot use the ${this.#what}: incomplete`);
    }
    return { ...this.#status, headers: this.#headers };
  }
}

/**
 * Parses a whole response head from text (CRLF or LF line ends), for tests
 * and tools.
 *
 * @example Usage
 * ```ts
 * import { parseHttpResponseHead } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const head = parseHttpResponseHead("HTTP/1.1 200 OK\r\nA: 1\r\na: 2\r\n\r\n");
 * assert.deepEqual(head.headers, [["A", "1"], ["a", "2"]]);
 * ```
 *
 * @param text The head, ending with an empty line.
 * @param limits Size and count limits.
 * @returns The head.
 * @throws {HttpParseError} When it is malformed or incomplete.
 * @throws {HttpLimitError} When a limit is exceeded.
 */
export function parseHttpResponseHead(text: string, limits?: HttpHeadLimits): HttpResponseHead {
  const parser = new HttpHeadParser(limits);
  let at = 0;
  for (;;) {
    const lf = text.indexOf("\n", at);
    if (lf === -1) throw new HttpParseError("Cannot parse the response head: incomplete");
    const line = text.slice(at, lf > at && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
    at = lf + 1;
    if (line.includes("\r")) throw new HttpParseError("Cannot parse the response head: bare CR");
    if (parser.push(line)) return parser.head();
  }
}

/**
 * The value of a header: all fields with that name (case-insensitive) joined
 * with `", "`, or `null`.
 *
 * @example Usage
 * ```ts
 * import { httpHeaderValue } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(httpHeaderValue([["Vary", "a"], ["vary", "b"]], "VARY"), "a, b");
 * ```
 *
 * @param headers The header list.
 * @param name The name, any case.
 * @returns The combined value, or `null` when absent.
 */
export function httpHeaderValue(headers: HttpHeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  let out: string | null = null;
  for (const [key, value] of headers) {
    if (key.length === lower.length && key.toLowerCase() === lower) {
      out = out === null ? value : `${out}, ${value}`;
    }
  }
  return out;
}

/** How a response body is delimited. */
export interface HttpFraming {
  /**
   * `none` (HEAD, 1xx, 204, 304), `length` (Content-Length), `chunked`, or
   * `close` (read until the server closes).
   */
  kind: "none" | "length" | "chunked" | "close";
  /** The Content-Length for `length`, else -1. */
  length: number;
  /** Transfer codings applied before `chunked` (e.g. `["gzip"]`), in order. */
  codings: string[];
  /** Whether the connection may carry another request afterwards. */
  keepAlive: boolean;
  /** The server's `Keep-Alive: timeout=N` in milliseconds, if sent. */
  keepAliveTimeoutMs?: number;
}

const DIGITS = /^[0-9]+$/;

function parseContentLength(values: string[]): number {
  if (values.length === 1 && DIGITS.test(values[0]!) && values[0]!.length <= 15) {
    return Number(values[0]);
  }
  let length = -1;
  for (const field of values) {
    for (const part of field.split(",")) {
      const text = part.trim();
      if (!DIGITS.test(text) || text.length > 15) {
        throw new HttpParseError(`Cannot frame the body: invalid Content-Length ${show(field)}`);
      }
      const n = Number(text);
      if (length !== -1 && n !== length) {
        throw new HttpParseError(
          `Cannot frame the body: conflicting Content-Length values ${show(values.join(", "))}`,
        );
      }
      length = n;
    }
  }
  return length;
}

/**
 * Decides how a response body is framed (RFC 9112 §6.3), refusing every
 * ambiguous case a request smuggler relies on: both Content-Length and
 * Transfer-Encoding, differing or malformed Content-Lengths, a final transfer
 * coding other than chunked, chunked twice, Transfer-Encoding in HTTP/1.0.
 *
 * @example Usage
 * ```ts
 * import { httpBodyFraming, parseHttpResponseHead } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const head = parseHttpResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
 * assert.equal(httpBodyFraming(head, "GET").length, 5);
 * assert.equal(httpBodyFraming(head, "HEAD").kind, "none");
 * ```
 *
 * @param head The response head.
 * @param method The request method (HEAD responses have no body).
 * @returns The framing and whether the connection can be reused.
 * @throws {HttpParseError} When the framing is ambiguous or invalid.
 */
export function httpBodyFraming(head: HttpResponseHead, method: string): HttpFraming {
  let lengths: string[] | undefined;
  let encodings: string[] | undefined;
  let connection: string | undefined;
  let keepAliveHeader: string | undefined;
  for (const [name, value] of head.headers) {
    const n = name.length;
    if (n !== 14 && n !== 17 && n !== 10) continue;
    const lower = name.toLowerCase();
    if (lower === "content-length") (lengths ??= []).push(value);
    else if (lower === "transfer-encoding") (encodings ??= []).push(value);
    else if (lower === "connection") connection = connection ? `${connection},${value}` : value;
    else if (lower === "keep-alive") keepAliveHeader = value;
  }
  let keepAlive = head.version === "1.1";
  if (connection !== undefined) {
    for (const token of connection.toLowerCase().split(",")) {
      const t = token.trim();
      if (t === "close") keepAlive = false;
      else if (t === "keep-alive" && head.version === "1.0") keepAlive = true;
    }
  }
  const framing: HttpFraming = { kind: "none", length: -1, codings: [], keepAlive };
  if (keepAliveHeader !== undefined) {
    const match = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i.exec(keepAliveHeader);
    if (match) framing.keepAliveTimeoutMs = Number(match[1]) * 1000;
  }
  const status = head.status;
  // Even without a body, a bad framing header means the server is confused.
  if (encodings !== undefined && lengths !== undefined) {
    throw new HttpParseError(
      "Cannot frame the body: both Content-Length and Transfer-Encoding (possible request smuggling)",
    );
  }
  const length = lengths === undefined ? -1 : parseContentLength(lengths);
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return framing;
  if (encodings !== undefined) {
    if (head.version === "1.0") {
      throw new HttpParseError("Cannot frame the body: Transfer-Encoding in an HTTP/1.0 response");
    }
    const codings = encodings.join(",").split(",").map((c) => c.trim().toLowerCase()).filter((c) =>
      c.length > 0
    );
    const chunked = codings.filter((c) => c === "chunked").length;
    if (codings[codings.length - 1] !== "chunked" || chunked !== 1) {
      throw new HttpParseError(
        `Cannot frame the body: Transfer-Encoding ${
          show(encodings.join(", "))
        } does not end with a single chunked`,
      );
    }
    for (const c of codings) {
      if (c !== "chunked" && !isHttpToken(c)) {
        throw new HttpParseError(`Cannot frame the body: invalid transfer coding ${show(c)}`);
      }
    }
    framing.kind = "chunked";
    framing.codings = codings.slice(0, -1);
    return framing;
  }
  if (length !== -1) {
    framing.kind = "length";
    framing.length = length;
    return framing;
  }
  framing.kind = "close";
  framing.keepAlive = false;
  return framing;
}

const HEX = /^[0-9A-Fa-f]+$/;

/**
 * Parses a chunk-size line (`1a;name=value`); chunk extensions are accepted
 * and ignored.
 *
 * @example Usage
 * ```ts
 * import { parseHttpChunkSize } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseHttpChunkSize("1A; foo=bar"), 26);
 * assert.throws(() => parseHttpChunkSize("-1"));
 * ```
 *
 * @param line The line without its line end.
 * @returns The chunk size in bytes.
 * @throws {HttpParseError} When the size is missing, not hexadecimal, or too large.
 */
export function parseHttpChunkSize(line: string): number {
  let end = line.indexOf(";");
  if (end === -1) end = line.length;
  else if (BAD_VALUE.test(line.slice(end))) {
    throw new HttpParseError(`Cannot parse chunk size ${show(line)}: control characters`);
  }
  // BWS before the extension.
  let sizeEnd = end;
  while (
    sizeEnd > 0 && (line.charCodeAt(sizeEnd - 1) === 32 || line.charCodeAt(sizeEnd - 1) === 9)
  ) {
    sizeEnd--;
  }
  const digits = line.slice(0, sizeEnd);
  if (!HEX.test(digits)) throw new HttpParseError(`Cannot parse chunk size ${show(line)}`);
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  if (digits.length - i > 13) {
    throw new HttpParseError(`Cannot parse chunk size ${show(line)}: too large`);
  }
  return parseInt(digits.slice(i), 16);
}
