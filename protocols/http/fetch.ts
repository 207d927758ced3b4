// Copyright 2026 the portline authors. MIT license.
/**
 * `httpFetch`: the Fetch API on this client: a standard `Response` whose
 * body is a stream, with redirects, Basic/Digest auth, decompression,
 * proxies and per-phase timeouts.
 *
 * @module
 */
import { HttpAgent } from "./agent.ts";
import type { HttpTimeouts } from "./connection.ts";
import type { HttpResponse } from "./response.ts";
import { HttpRedirectError } from "./errors.ts";
import type { HttpHeaderList, HttpResponseHead } from "./parse.ts";
import { type HttpBodyInit, type HttpPreparedBody, prepareHttpBody } from "./body.ts";
import { type HttpHeadersInit, toHttpHeaderList } from "./request_head.ts";
import { httpRedirect, isHttpRedirect } from "./redirect.ts";
import {
  chooseHttpAuthChallenge,
  httpAuthorization,
  type HttpCredentials,
  parseHttpAuthChallenges,
} from "./auth.ts";
import { canDecodeHttpCodings, decodeHttpBody, splitHttpCodings } from "./decompress.ts";

/** Options of {@linkcode httpFetch}: `RequestInit` plus this client's extras. */
export interface HttpFetchInit extends HttpTimeouts {
  /** The method; standard ones are upper-cased as `fetch` does. */
  method?: string;
  /** Header fields. */
  headers?: HttpHeadersInit;
  /** The body (not with GET or HEAD). */
  body?: HttpBodyInit | null;
  /** Aborts the whole exchange, body included. */
  signal?: AbortSignal | null;
  /**
   * What to do with 3xx responses.
   *
   * @default {"follow"}
   */
  redirect?: RequestRedirect;
  /**
   * The most redirects followed.
   *
   * @default {20}
   */
  maxRedirections?: number;
  /** The agent (pool, proxy, TLS); a shared default agent otherwise. */
  agent?: HttpAgent;
  /**
   * Credentials answered to a Basic or Digest challenge (401). URL
   * userinfo (`http://user:pass@host/`) is used the same way.
   */
  auth?: HttpCredentials;
  /**
   * Ask for and decode gzip, deflate and br.
   *
   * @default {true}
   */
  decompress?: boolean;
  /** Send `Expect: 100-continue` and wait before sending the body. */
  expectContinue?: boolean;
  /** Called with each 1xx head (103 Early Hints…). */
  onInformational?: (head: HttpResponseHead) => void;
}

const NORMALIZED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);
const USER_AGENT = "portline/0.1";

let defaultAgent: HttpAgent | undefined;

/**
 * The shared agent used when `httpFetch` gets none (proxies from the
 * environment). Its idle connections do not keep the process alive.
 *
 * @example Usage
 * ```ts
 * import { httpDefaultAgent, HttpAgent } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.ok(httpDefaultAgent() instanceof HttpAgent);
 * ```
 *
 * @returns The agent.
 */
export function httpDefaultAgent(): HttpAgent {
  return defaultAgent ??= new HttpAgent();
}

function hasHeader(headers: HttpHeaderList, name: string): boolean {
  for (const [key] of headers) if (key.toLowerCase() === name) return true;
  return false;
}

/** Reads up to 64 KiB of an unwanted body to keep the connection, else drops it. */
async function discard(response: HttpResponse): Promise<void> {
  if (response.body === null) return;
  const f = response.framing;
  if (f.kind === "close" || (f.kind === "length" && f.length > 65536)) {
    await response.body.cancel().catch(() => {});
    return;
  }
  const reader = response.body.getReader();
  try {
    let total = 0;
    while (total <= 65536) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The failure closed the connection; nothing to keep.
  }
}

/**
 * Fetches a URL over HTTP/1.1 with this library's client: same call shape as
 * `fetch` (a `Request`, `URL` or string, and init), returns a standard
 * `Response` whose body streams. Redirects follow RFC 9110 (303 and POST on
 * 301/302 become GET, 307/308 keep method and body, credentials dropped
 * across origins); `Response.url` and `redirected` are set. Bodies from
 * strings, bytes, Blob, FormData, URLSearchParams and streams (chunked when
 * the length is unknown). gzip, deflate and br are decoded.
 *
 * @example Usage
 * ```ts
 * import { httpFetch, HttpAgent, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("GET", "/old", () => HttpTestServer.redirect(301, "/new"));
 * server.route("GET", "/new", () => ({ body: "moved here", encoding: "gzip" }));
 * await using agent = new HttpAgent({ proxy: null });
 * const response = await httpFetch(`${server.url}old`, { agent });
 * assert.equal(response.status, 200);
 * assert.equal(response.redirected, true);
 * assert.equal(response.url, `${server.url}new`);
 * assert.equal(await response.text(), "moved here");
 * ```
 *
 * @param input The URL or `Request`.
 * @param init Method, headers, body, signal, redirect mode, agent, auth, timeouts.
 * @returns The response once its head arrived.
 * @throws {TypeError} For a non-http(s) URL, a body with GET/HEAD, a forbidden method.
 * @throws {HttpRedirectError} Too many redirects, `redirect: "error"`, or a stream body to replay.
 * @throws {HttpTimeoutError} When a phase times out.
 */
export async function httpFetch(
  input: Request | URL | string,
  init: HttpFetchInit = {},
): Promise<Response> {
  let url: URL;
  let method = "GET";
  let headers: HttpHeaderList = [];
  let body: HttpBodyInit | null = null;
  let signal: AbortSignal | undefined;
  let redirect: RequestRedirect = "follow";
  if (input instanceof Request) {
    url = new URL(input.url);
    method = input.method;
    headers = toHttpHeaderList(input.headers);
    signal = input.signal;
    redirect = input.redirect;
    if (input.body !== null && init.body === undefined) {
      body = new Uint8Array(await input.arrayBuffer());
    }
  } else {
    url = new URL(String(input));
  }
  if (init.method !== undefined) method = init.method;
  if (init.headers !== undefined) headers = toHttpHeaderList(init.headers);
  if (init.body !== undefined) body = init.body;
  if (init.signal) signal = init.signal;
  if (init.redirect !== undefined) redirect = init.redirect;
  signal?.throwIfAborted();
  const upper = method.toUpperCase();
  if (NORMALIZED.has(upper)) method = upper;
  if (FORBIDDEN.has(upper)) throw new TypeError(`Cannot fetch with method ${method}: forbidden`);
  if ((method === "GET" || method === "HEAD") && body !== null) {
    throw new TypeError(`Cannot send a body with a ${method} request`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Cannot fetch ${url.href}: only http and https are supported`);
  }
  let credentials = init.auth;
  if (url.username || url.password) {
    credentials ??= {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    url.username = "";
    url.password = "";
  }
  // Credentials answer challenges from this origin only, not from redirect targets elsewhere.
  const credentialOrigin = url.origin;
  const decompress = init.decompress ?? true;
  let prepared: HttpPreparedBody | null = prepareHttpBody(body);
  if (prepared?.contentType && !hasHeader(headers, "content-type")) {
    headers.push(["Content-Type", prepared.contentType]);
  }
  if (!hasHeader(headers, "accept")) headers.push(["Accept", "*/*"]);
  if (decompress && !hasHeader(headers, "accept-encoding")) {
    headers.push(["Accept-Encoding", "gzip, deflate, br"]);
  }
  if (!hasHeader(headers, "user-agent")) headers.push(["User-Agent", USER_AGENT]);
  const userAuthorization = hasHeader(headers, "authorization");
  const agent = init.agent ?? httpDefaultAgent();
  const maxRedirections = init.maxRedirections ?? 20;
  let redirects = 0;
  let authorization: { origin: string; value: string } | undefined;
  let authTried = false;
  for (;;) {
    const sent = authorization && authorization.origin === url.origin && !userAuthorization
      ? [...headers, ["Authorization", authorization.value] as [string, string]]
      : headers;
    const response = await agent.request(url, {
      method,
      headers: sent,
      body: prepared,
      signal,
      headersTimeoutMs: init.headersTimeoutMs,
      bodyTimeoutMs: init.bodyTimeoutMs,
      expectContinue: init.expectContinue,
      onInformational: init.onInformational,
    });
    if (
      response.status === 401 && credentials && !authTried && !userAuthorization &&
      url.origin === credentialOrigin &&
      (prepared === null || prepared.replayable)
    ) {
      const challenge = chooseHttpAuthChallenge(
        parseHttpAuthChallenges(response.header("www-authenticate") ?? ""),
      );
      if (challenge) {
        authTried = true;
        authorization = {
          origin: url.origin,
          value: httpAuthorization(challenge, {
            ...credentials,
            method,
            uri: url.pathname + url.search,
          }),
        };
        await discard(response);
        continue;
      }
    }
    if (isHttpRedirect(response.status) && redirect !== "manual") {
      const location = response.header("location");
      if (location !== null) {
        if (redirect === "error") {
          await discard(response);
          throw new HttpRedirectError(
            `Cannot fetch ${url.href}: redirected (${response.status}) with redirect: "error"`,
          );
        }
        if (++redirects > maxRedirections) {
          await discard(response);
          throw new HttpRedirectError(
            `Cannot fetch ${url.href}: more than ${maxRedirections} redirects`,
          );
        }
        let step;
        try {
          step = httpRedirect(response.status, location, { url, method, headers });
        } catch (error) {
          await discard(response);
          throw error;
        }
        if (step) {
          if (!step.dropBody && prepared !== null && !prepared.replayable) {
            await discard(response);
            throw new HttpRedirectError(
              `Cannot follow the ${response.status} redirect from ${url.href}: the body is a stream and cannot be sent again`,
            );
          }
          await discard(response);
          url = step.url;
          method = step.method;
          headers = step.headers;
          if (step.dropBody) prepared = null;
          authTried = false;
          continue;
        }
      }
    }
    return await toResponse(response, url, redirects > 0, method, decompress);
  }
}

async function toResponse(
  response: HttpResponse,
  url: URL,
  redirected: boolean,
  method: string,
  decompress: boolean,
): Promise<Response> {
  const headers = new Headers();
  let encoding: string | null = null;
  for (const [name, value] of response.headers) {
    try {
      headers.append(name, value);
    } catch {
      // A value the Headers class refuses (it passed our parser): leave it out.
    }
    if (name.length === 16 && name.toLowerCase() === "content-encoding") {
      encoding = encoding === null ? value : `${encoding}, ${value}`;
    }
  }
  let body = response.body;
  if (
    body !== null && (response.status === 204 || response.status === 205 || response.status === 304)
  ) {
    await body.cancel().catch(() => {});
    body = null;
  }
  if (body !== null && decompress && encoding !== null && method !== "HEAD") {
    const codings = splitHttpCodings(encoding);
    if (canDecodeHttpCodings(codings)) body = await decodeHttpBody(body, codings);
  }
  const result = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  const href = url.hash ? url.href.slice(0, url.href.indexOf("#")) : url.href;
  Object.defineProperty(result, "url", { value: href, enumerable: true });
  if (redirected) Object.defineProperty(result, "redirected", { value: true, enumerable: true });
  return result;
}
