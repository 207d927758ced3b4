// Copyright 2026 the portline authors. MIT license.
/**
 * A request's head and body plan (pure): Host, Content-Length or chunked,
 * Expect; the caller's own framing fields checked; every field checked on
 * chars against lookup tables; and the encoded head taken from a small cache
 * (a keep-alive loop sends the same head again and again).
 *
 * @module
 */
import { HttpBodyError, HttpInvalidRequestError } from "./errors.ts";
import { prepareHttpBody } from "./body.ts";
import type { HttpRequestOptions } from "./connection.ts";
import type { BodySourceStream } from "./_upload.ts";
import { assertHttpHeader, toHttpHeaderList } from "./request_head.ts";
import { isHttpToken } from "./parse.ts";
import { latin1Encode } from "./_latin1.ts";
import { TCHAR, VCHAR } from "./_head_bytes.ts";

/** The encoded head and how the body goes out. */
export interface RequestPlan {
  head: Uint8Array;
  bytes?: Uint8Array;
  source?: BodySourceStream;
  length: number;
  chunked: boolean;
  expect: boolean;
  close: boolean;
}

const NEEDS_LENGTH = new Set(["POST", "PUT", "PATCH"]);
const TARGET = /^[\x21-\x7e]+$/;
const CL_VALUE = /^[0-9]{1,15}$/;
const CLOSE_TOKEN = /(^|,)\s*close\s*(,|$)/i;

// The last method and target that passed the checks (a loop repeats them).
let lastMethod = "";
let lastTarget = "";

// Encoded heads by text: a hit skips the encoder and the allocation.
const HEADS = new Map<string, Uint8Array>();
const MAX_HEADS = 256;
const MAX_CACHED_HEAD = 2048;

function encodeHead(text: string): Uint8Array {
  if (text.length > MAX_CACHED_HEAD) return latin1Encode(text);
  let bytes = HEADS.get(text);
  if (bytes === undefined) {
    bytes = latin1Encode(text);
    if (HEADS.size >= MAX_HEADS) HEADS.clear();
    HEADS.set(text, bytes);
  }
  return bytes;
}

/** One checked field line (the same checks as `assertHttpHeader`, on chars). */
function line(name: string, value: string): string {
  let ok = name.length > 0;
  for (let i = 0; ok && i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) ok = false;
  }
  for (let i = 0; ok && i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 255 || VCHAR[c] === 0) ok = false;
  }
  if (!ok) assertHttpHeader(name, value);
  return `${name}: ${value}\r\n`;
}

function lowerIs(name: string, lower: string): boolean {
  return name === lower || name.toLowerCase() === lower;
}

/**
 * Builds the request head: the request line, Host (first, when the caller
 * sent none), the caller's fields minus the framing ones, then Content-Type,
 * Expect and Content-Length or `Transfer-Encoding: chunked`.
 *
 * @param method The method.
 * @param target The request target.
 * @param options The request (headers, body, bodyLength, expectContinue).
 * @param host The default Host.
 * @returns The plan.
 * @throws {HttpInvalidRequestError} When a field, the method or the target is unsafe.
 * @throws {HttpBodyError} When the body contradicts a Content-Length field.
 */
export function planRequest(
  method: string,
  target: string,
  options: HttpRequestOptions,
  host: string | undefined,
): RequestPlan {
  if (method !== lastMethod) {
    if (!isHttpToken(method)) {
      throw new HttpInvalidRequestError(
        `Cannot send method ${JSON.stringify(method)}: not a valid token`,
      );
    }
    lastMethod = method;
  }
  if (target !== lastTarget) {
    if (!TARGET.test(target)) {
      throw new HttpInvalidRequestError(
        `Cannot send request target ${JSON.stringify(target)}: spaces or control characters`,
      );
    }
    lastTarget = target;
  }
  let hasHost = false;
  let userLength: number | undefined;
  let userChunked = false;
  let expect = options.expectContinue === true;
  let close = false;
  let hasContentType = false;
  let fields = "";
  const init = options.headers;
  const list = init === undefined || init === null
    ? undefined
    : Array.isArray(init)
    ? init as ReadonlyArray<readonly [string, string]>
    : toHttpHeaderList(init);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      const name = typeof entry[0] === "string" ? entry[0] : String(entry[0]);
      const value = typeof entry[1] === "string" ? entry[1] : String(entry[1]);
      switch (name.length) {
        case 4:
          if (lowerIs(name, "host")) hasHost = true;
          break;
        case 14:
          if (lowerIs(name, "content-length")) {
            const v = value.trim();
            if (!CL_VALUE.test(v)) {
              throw new HttpInvalidRequestError(
                `Cannot send Content-Length ${JSON.stringify(value)}`,
              );
            }
            userLength = Number(v);
            continue;
          }
          break;
        case 17:
          if (lowerIs(name, "transfer-encoding")) {
            if (value.trim().toLowerCase() !== "chunked") {
              throw new HttpInvalidRequestError(
                `Cannot send Transfer-Encoding ${JSON.stringify(value)}: only chunked is supported`,
              );
            }
            userChunked = true;
            continue;
          }
          break;
        case 6:
          if (lowerIs(name, "expect") && value.trim().toLowerCase() === "100-continue") {
            expect = true;
            continue;
          }
          break;
        case 10:
          if (lowerIs(name, "connection") && CLOSE_TOKEN.test(value)) close = true;
          break;
        case 12:
          if (lowerIs(name, "content-type")) hasContentType = true;
          break;
      }
      fields += line(name, value);
    }
  }
  let head = `${method} ${target} HTTP/1.1\r\n`;
  if (!hasHost && host !== undefined) head += line("Host", host);
  head += fields;
  const prepared = prepareHttpBody(options.body);
  const plan: RequestPlan = {
    head: undefined as unknown as Uint8Array,
    length: -1,
    chunked: false,
    expect: false,
    close,
  };
  if (prepared === null) {
    if (userChunked) {
      head += "Transfer-Encoding: chunked\r\n";
      plan.source = [];
      plan.chunked = true;
    } else if (userLength !== undefined || NEEDS_LENGTH.has(method)) {
      if (userLength !== undefined && userLength !== 0) {
        throw new HttpBodyError(`Cannot send Content-Length ${userLength} without a body`);
      }
      head += "Content-Length: 0\r\n";
    }
    plan.head = encodeHead(head + "\r\n");
    return plan;
  }
  if (prepared.contentType !== null && !hasContentType) {
    head += line("Content-Type", prepared.contentType);
  }
  let length = prepared.length >= 0 ? prepared.length : options.bodyLength ?? userLength ?? -1;
  if (userLength !== undefined && prepared.length >= 0 && userLength !== prepared.length) {
    throw new HttpBodyError(
      `Cannot send the body: ${prepared.length} bytes but Content-Length says ${userLength}`,
    );
  }
  if (userChunked) length = -1;
  plan.expect = expect;
  if (expect) head += "Expect: 100-continue\r\n";
  if (length >= 0) {
    head += `Content-Length: ${length}\r\n`;
    plan.length = length;
  } else {
    head += "Transfer-Encoding: chunked\r\n";
    plan.chunked = true;
  }
  plan.head = encodeHead(head + "\r\n");
  if (prepared.bytes && !plan.chunked) plan.bytes = prepared.bytes;
  else plan.source = prepared.bytes ? [prepared.bytes] : prepared.open!();
  return plan;
}
