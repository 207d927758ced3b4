// Copyright 2026 the portline authors. MIT license.
/**
 * Which framing fields a request gets (pure): Host, Content-Length or
 * chunked, Expect; the caller's own framing fields checked.
 *
 * @module
 */
import { HttpBodyError, HttpInvalidRequestError } from "./errors.ts";
import type { HttpHeaderList } from "./parse.ts";
import { prepareHttpBody } from "./body.ts";
import type { HttpRequestOptions } from "./connection.ts";
import type { BodySourceStream } from "./_upload.ts";

/** The fields to send and how the body goes out. */
export interface HeaderPlan {
  headers: HttpHeaderList;
  bytes?: Uint8Array;
  source?: BodySourceStream;
  length: number;
  chunked: boolean;
  expect: boolean;
  close: boolean;
}

const NEEDS_LENGTH = new Set(["POST", "PUT", "PATCH"]);

/**
 * Adds Host and the framing fields, checks the caller's framing fields.
 *
 * @param list The caller's fields.
 * @param options The request (body, bodyLength, expectContinue).
 * @param method The method.
 * @param host The default Host.
 * @returns The plan.
 */
export function planHeaders(
  list: HttpHeaderList,
  options: HttpRequestOptions,
  method: string,
  host: string | undefined,
): HeaderPlan {
  let hasHost = false;
  let userLength: number | undefined;
  let userChunked = false;
  let expect = options.expectContinue === true;
  let close = false;
  const headers: HttpHeaderList = [];
  let contentType: string | undefined;
  for (const entry of list) {
    const lower = entry[0].toLowerCase();
    if (lower === "host") hasHost = true;
    else if (lower === "content-length") {
      if (!/^[0-9]{1,15}$/.test(entry[1].trim())) {
        throw new HttpInvalidRequestError(`Cannot send Content-Length ${JSON.stringify(entry[1])}`);
      }
      userLength = Number(entry[1].trim());
      continue;
    } else if (lower === "transfer-encoding") {
      if (entry[1].trim().toLowerCase() !== "chunked") {
        throw new HttpInvalidRequestError(
          `Cannot send Transfer-Encoding ${JSON.stringify(entry[1])}: only chunked is supported`,
        );
      }
      userChunked = true;
      continue;
    } else if (lower === "expect") {
      if (entry[1].trim().toLowerCase() === "100-continue") {
        expect = true;
        continue;
      }
    } else if (lower === "connection") {
      if (/(^|,)\s*close\s*(,|$)/i.test(entry[1])) close = true;
    } else if (lower === "content-type") contentType = entry[1];
    headers.push(entry);
  }
  if (!hasHost && host !== undefined) headers.unshift(["Host", host]);
  const prepared = prepareHttpBody(options.body);
  const plan: HeaderPlan = { headers, length: -1, chunked: false, expect: false, close };
  if (prepared === null) {
    if (userChunked) {
      headers.push(["Transfer-Encoding", "chunked"]);
      plan.source = [];
      plan.chunked = true;
    } else if (userLength !== undefined || NEEDS_LENGTH.has(method)) {
      if (userLength !== undefined && userLength !== 0) {
        throw new HttpBodyError(`Cannot send Content-Length ${userLength} without a body`);
      }
      headers.push(["Content-Length", "0"]);
    }
    return plan;
  }
  if (prepared.contentType !== null && contentType === undefined) {
    headers.push(["Content-Type", prepared.contentType]);
  }
  let length = prepared.length >= 0 ? prepared.length : options.bodyLength ?? userLength ?? -1;
  if (userLength !== undefined && prepared.length >= 0 && userLength !== prepared.length) {
    throw new HttpBodyError(
      `Cannot send the body: ${prepared.length} bytes but Content-Length says ${userLength}`,
    );
  }
  if (userChunked) length = -1;
  plan.expect = expect;
  if (expect) headers.push(["Expect", "100-continue"]);
  if (length >= 0) {
    headers.push(["Content-Length", String(length)]);
    plan.length = length;
  } else {
    headers.push(["Transfer-Encoding", "chunked"]);
    plan.chunked = true;
  }
  if (prepared.bytes && !plan.chunked) plan.bytes = prepared.bytes;
  else plan.source = prepared.bytes ? [prepared.bytes] : prepared.open!();
  return plan;
}
