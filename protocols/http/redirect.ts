// Copyright 2026 the portline authors. MIT license.
/**
 * Redirect rules (pure), RFC 9110 §15.4 as the Fetch standard applies them.
 *
 * @module
 */
import { HttpRedirectError } from "./errors.ts";
import type { HttpHeaderList } from "./parse.ts";

/** The request being redirected. */
export interface HttpRedirectFrom {
  /** Its URL. */
  url: URL;
  /** Its method. */
  method: string;
  /** Its header fields. */
  headers: HttpHeaderList;
}

/** The request to send next. */
export interface HttpRedirectStep {
  /** Where to go (fragment inherited when the Location has none). */
  url: URL;
  /** The method: GET after 303 and after 301/302 for POST, else unchanged. */
  method: string;
  /** Whether the body must be dropped (the method became GET). */
  dropBody: boolean;
  /** The header fields to send: body fields dropped with the body, credentials dropped across origins. */
  headers: HttpHeaderList;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_FIELDS = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
  "transfer-encoding",
]);
const CREDENTIAL_FIELDS = new Set(["authorization", "cookie", "proxy-authorization"]);

/**
 * Whether a status code is a redirect that carries a Location to follow.
 *
 * @example Usage
 * ```ts
 * import { isHttpRedirect } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isHttpRedirect(308), true);
 * assert.equal(isHttpRedirect(304), false);
 * ```
 *
 * @param status The status code.
 * @returns True for 301, 302, 303, 307 and 308.
 */
export function isHttpRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/**
 * Computes the next request of a redirect: 303 turns any method but HEAD
 * into GET, 301/302 turn POST into GET, 307/308 keep method and body.
 * Crossing origins drops Authorization, Cookie and Proxy-Authorization; a
 * caller-set Host is always dropped.
 *
 * @example Usage
 * ```ts
 * import { httpRedirect } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const step = httpRedirect(303, "/done", {
 *   url: new URL("http://a.example/form"),
 *   method: "POST",
 *   headers: [["Content-Type", "text/plain"], ["Authorization", "Basic eA=="]],
 * })!;
 * assert.equal(step.url.href, "http://a.example/done");
 * assert.equal(step.method, "GET");
 * assert.deepEqual(step.headers, [["Authorization", "Basic eA=="]]);
 * ```
 *
 * @param status The response status.
 * @param location The Location header, or `null`.
 * @param from The request that got the redirect.
 * @returns The next request, or `null` when the response is not a redirect to follow.
 * @throws {HttpRedirectError} When the location is invalid or not http(s).
 */
export function httpRedirect(
  status: number,
  location: string | null,
  from: HttpRedirectFrom,
): HttpRedirectStep | null {
  if (!REDIRECTS.has(status) || location === null) return null;
  let url: URL;
  try {
    url = new URL(location, from.url);
  } catch (error) {
    throw new HttpRedirectError(
      `Cannot follow redirect to ${JSON.stringify(location)}: invalid URL`,
      {
        cause: error,
      },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpRedirectError(`Cannot follow redirect to ${url.href}: not an http(s) URL`);
  }
  if (url.hash === "" && from.url.hash !== "") url.hash = from.url.hash;
  const toGet = (status === 303 && from.method !== "HEAD") ||
    ((status === 301 || status === 302) && from.method === "POST");
  const crossOrigin = url.origin !== from.url.origin;
  const headers = from.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    if (lower === "host") return false;
    if (toGet && BODY_FIELDS.has(lower)) return false;
    if (crossOrigin && CREDENTIAL_FIELDS.has(lower)) return false;
    return true;
  });
  return { url, method: toGet ? "GET" : from.method, dropBody: toGet, headers };
}
