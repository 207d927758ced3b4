// Copyright 2026 the portline authors. MIT license.
/**
 * Pure request serialisation: the request line and header fields, checked so
 * nothing a caller passes can split the message (no CR, LF or NUL, tokens
 * where tokens belong).
 *
 * @module
 */
import { HttpInvalidRequestError } from "./errors.ts";
import { isHttpFieldValue, isHttpToken } from "./parse.ts";
import type { HttpHeaderList } from "./parse.ts";
import { latin1Encode } from "./_latin1.ts";

/** Header fields in any of the usual shapes. */
export type HttpHeadersInit =
  | Headers
  | HttpHeaderList
  | ReadonlyArray<readonly [string, string]>
  | Record<string, string>;

/**
 * Turns any headers shape into a list of `[name, value]` pairs.
 *
 * @example Usage
 * ```ts
 * import { toHttpHeaderList } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(toHttpHeaderList({ Accept: "*\/*" }), [["Accept", "*\/*"]]);
 * ```
 *
 * @param init The headers (a `Headers`, pairs or a record), or nothing.
 * @returns A new list.
 */
export function toHttpHeaderList(init: HttpHeadersInit | undefined | null): HttpHeaderList {
  if (init === undefined || init === null) return [];
  if (init instanceof Headers) {
    const out: HttpHeaderList = [];
    init.forEach((value, name) => {
      if (name === "set-cookie") return;
      out.push([name, value]);
    });
    for (const cookie of init.getSetCookie()) out.push(["set-cookie", cookie]);
    return out;
  }
  if (Array.isArray(init)) return init.map(([name, value]) => [String(name), String(value)]);
  return Object.entries(init as Record<string, string>).map(([name, value]) => [
    name,
    String(value),
  ]);
}

const TARGET = /^[\x21-\x7e]+$/;

/**
 * Checks one header field for sending.
 *
 * @example Usage
 * ```ts
 * import { assertHttpHeader, HttpInvalidRequestError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assertHttpHeader("X-Ok", "fine");
 * assert.throws(() => assertHttpHeader("X-Bad", "a\r\nInjected: yes"), HttpInvalidRequestError);
 * ```
 *
 * @param name The field name.
 * @param value The field value.
 * @throws {HttpInvalidRequestError} When the name is not a token or the value
 * holds CR, LF, NUL, another control character, or a char above U+00FF.
 */
export function assertHttpHeader(name: string, value: string): void {
  if (!isHttpToken(name)) {
    throw new HttpInvalidRequestError(
      `Cannot send header ${JSON.stringify(name)}: the name is not a valid token`,
    );
  }
  if (!isHttpFieldValue(value)) {
    throw new HttpInvalidRequestError(
      `Cannot send header ${
        JSON.stringify(name)
      }: the value contains CR, LF, NUL or control characters (header injection)`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0xff) {
      throw new HttpInvalidRequestError(
        `Cannot send header ${
          JSON.stringify(name)
        }: the value has characters above U+00FF; encode it first`,
      );
    }
  }
}

/**
 * Serialises a request head: request line, fields and the empty line.
 *
 * @example Usage
 * ```ts
 * import { encodeHttpRequestHead } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const head = encodeHttpRequestHead("GET", "/", [["Host", "example.org"]]);
 * assert.equal(new TextDecoder().decode(head), "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n");
 * ```
 *
 * @param method The method, a token such as `GET`.
 * @param target The request target: origin-form (`/path?q`), absolute-form
 * (proxies) or authority-form (CONNECT).
 * @param headers The fields, in order.
 * @returns The bytes.
 * @throws {HttpInvalidRequestError} When anything would break the framing.
 */
export function encodeHttpRequestHead(
  method: string,
  target: string,
  headers: HttpHeaderList,
): Uint8Array {
  return latin1Encode(formatHttpRequestHead(method, target, headers));
}

/**
 * Like {@linkcode encodeHttpRequestHead} but returns the text.
 *
 * @example Usage
 * ```ts
 * import { formatHttpRequestHead } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatHttpRequestHead("HEAD", "/x", []), "HEAD /x HTTP/1.1\r\n\r\n");
 * ```
 *
 * @param method The method.
 * @param target The request target.
 * @param headers The fields.
 * @returns The head as text (latin1: one char per byte).
 * @throws {HttpInvalidRequestError} When anything would break the framing.
 */
export function formatHttpRequestHead(
  method: string,
  target: string,
  headers: HttpHeaderList,
): string {
  if (!isHttpToken(method)) {
    throw new HttpInvalidRequestError(
      `Cannot send method ${JSON.stringify(method)}: not a valid token`,
    );
  }
  if (!TARGET.test(target)) {
    throw new HttpInvalidRequestError(
      `Cannot send request target ${JSON.stringify(target)}: spaces or control characters`,
    );
  }
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of headers) {
    assertHttpHeader(name, value);
    head += `${name}: ${value}\r\n`;
  }
  return head + "\r\n";
}
