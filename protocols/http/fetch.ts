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
import { discardHttpBody } from "./_discard.ts";
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
import type { HttpCookieJar } from "./cookies.ts";
import { bodyTooLarge, checkBodyLimit } from "./_limit.ts";

/**
 * What {@linkcode httpFetch} does with a 3xx response, as `fetch`'s
 * `redirect` option: follow it, return it as it is, or fail.
 *
 * @example
 * ```ts
 * import type { HttpRedirectMode } from "@portline/portline/http";
 *
 * const mode: HttpRedirectMode = "manual";
 * ```
 */
export type HttpRedirectMode = "follow" | "manual" | "error";

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
  redirect?: HttpRedirectMode;
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
  /**
   * A cookie jar: each request of the exchange (every redirect hop, the
   * auth retry) gets a `Cookie` field from it for its URL, unless the
   * request already has a `Cookie` field; every `Set-Cookie` of every
   * response (3xx and 401 included) is stored in it.
   */
  cookies?: HttpCookieJar;
  /**
   * The most body bytes the returned `Response` hands out (a non-negative
   * integer), counted after decompression, i.e. the bytes the caller sees:
   * when more come, its body errors with {@linkcode HttpLimitError} (the
   * bytes past the limit are not handed out) and the connection is closed,
   * not reused. With a limit, compressed bodies are decoded by streaming
   * decoders that produce at most 16 KiB at a time, so a decompression bomb
   * (1 GB of zeros gzipped to 1 MB) never grows in memory much past the
   * limit. A Content-Length over the limit on a body that is not decoded
   * fails at once: `httpFetch` rejects with `HttpLimitError` before any body
   * byte is read. No limit by default.
   */
  maxBodyBytes?: number;
}

const NORMALIZED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);
const USER_AGENT = "portline/0.1";
const NO_CODINGS: readonly string[] = [];

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

const ACCEPT = 1;
const ACCEPT_ENCODING = 2;
const USER_AGENT_FIELD = 4;
const AUTHORIZATION = 8;
const CONTENT_TYPE = 16;

/** Whether the request has a Cookie field. */
function hasCookieField(headers: HttpHeaderList): boolean {
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    if (name.length === 6 && name.toLowerCase() === "cookie") return true;
  }
  return false;
}

/** Stores each Set-Cookie field of a response, one by one. */
function storeCookies(jar: HttpCookieJar, fields: HttpHeaderList, url: URL): void {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field[0].length === 10 && field[0].toLowerCase() === "set-cookie") {
      jar.setCookie(field[1], url);
    }
  }
}

/** Which of the fields fetch fills in the caller already set (one pass, names by length). */
function present(headers: HttpHeaderList): number {
  let has = 0;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    switch (name.length) {
      case 6:
        if (name.toLowerCase() === "accept") has |= ACCEPT;
        break;
      case 15:
        if (name.toLowerCase() === "accept-encoding") has |= ACCEPT_ENCODING;
        break;
      case 10:
        if (name.toLowerCase() === "user-agent") has |= USER_AGENT_FIELD;
        break;
      case 13:
        if (name.toLowerCase() === "authorization") has |= AUTHORIZATION;
        break;
      case 12:
        if (name.toLowerCase() === "content-type") has |= CONTENT_TYPE;
        break;
    }
  }
  return has;
}

/**
 * Fetches a URL over HTTP/1.1 with this library's client: same call shape as
 * `fetch` (a `Request`, `URL` or string, and init), returns a standard
 * `Response` whose body streams. Redirects follow RFC 9110 (303 and POST on
 * 301/302 become GET, 307/308 keep method and body, credentials dropped
 * across origins); `Response.url` and `redirected` are set. Bodies from
 * strings, bytes, Blob, FormData, URLSearchParams and streams (chunked when
 * the length is unknown). gzip, deflate and br are decoded. `maxBodyBytes`
 * bounds the body the caller reads (decompression bombs included).
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
 * @example A bounded body
 * ```ts
 * import { httpFetch, HttpAgent, HttpLimitError, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("GET", "/zeros", () => ({ body: new Uint8Array(1_000_000), encoding: "gzip" }));
 * await using agent = new HttpAgent({ proxy: null });
 * const response = await httpFetch(`${server.url}zeros`, { agent, maxBodyBytes: 65536 });
 * await assert.rejects(response.arrayBuffer(), HttpLimitError);
 * ```
 *
 * @param input The URL or `Request`.
 * @param init Method, headers, body, signal, redirect mode, agent, auth, timeouts.
 * @returns The response once its head arrived.
 * @throws {TypeError} For a non-http(s) URL, a body with GET/HEAD, a forbidden method.
 * @throws {HttpRedirectError} Too many redirects, `redirect: "error"`, or a stream body to replay.
 * @throws {HttpTimeoutError} When a phase times out.
 * @throws {HttpLimitError} When `maxBodyBytes` is set and a body that is not
 * decoded has a larger Content-Length.
 * @throws {InvalidArgumentError} When `maxBodyBytes` is not a non-negative integer.
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
  let redirect: HttpRedirectMode = "follow";
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
    // A caller's URL is copied only if it has to change (credentials taken out).
    url = input instanceof URL ? input : new URL(input);
  }
  if (init.method !== undefined) method = init.method;
  if (init.headers !== undefined) headers = toHttpHeaderList(init.headers);
  if (init.body !== undefined) body = init.body;
  if (init.signal) signal = init.signal;
  if (init.redirect !== undefined) redirect = init.redirect;
  const maxBodyBytes = init.maxBodyBytes === undefined
    ? undefined
    : checkBodyLimit(init.maxBodyBytes, "maxBodyBytes");
  signal?.throwIfAborted();
  if (method !== "GET") {
    const upper = method.toUpperCase();
    if (NORMALIZED.has(upper)) method = upper;
    if (FORBIDDEN.has(upper)) throw new TypeError(`Cannot fetch with method ${method}: forbidden`);
  }
  if ((method === "GET" || method === "HEAD") && body !== null) {
    throw new TypeError(`Cannot send a body with a ${method} request`);
  }
  const protocol = url.protocol;
  if (protocol !== "http:" && protocol !== "https:") {
    throw new TypeError(`Cannot fetch ${url.href}: only http and https are supported`);
  }
  let credentials = init.auth;
  if (url.username || url.password) {
    url = new URL(url.href);
    credentials ??= {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    url.username = "";
    url.password = "";
  }
  // Credentials answer challenges from this origin only, not from redirect targets elsewhere.
  const credentialOrigin = credentials ? url.origin : "";
  const decompress = init.decompress ?? true;
  let prepared: HttpPreparedBody | null = prepareHttpBody(body);
  const has = present(headers);
  if (prepared?.contentType && (has & CONTENT_TYPE) === 0) {
    headers.push(["Content-Type", prepared.contentType]);
  }
  if ((has & ACCEPT) === 0) headers.push(["Accept", "*/*"]);
  if (decompress && (has & ACCEPT_ENCODING) === 0) {
    headers.push(["Accept-Encoding", "gzip, deflate, br"]);
  }
  if ((has & USER_AGENT_FIELD) === 0) headers.push(["User-Agent", USER_AGENT]);
  const userAuthorization = (has & AUTHORIZATION) !== 0;
  const agent = init.agent ?? httpDefaultAgent();
  const maxRedirections = init.maxRedirections ?? 20;
  let redirects = 0;
  let authorization: { origin: string; value: string } | undefined;
  let authTried = false;
  const jar = init.cookies;
  for (;;) {
    let sent = authorization && authorization.origin === url.origin && !userAuthorization
      ? [...headers, ["Authorization", authorization.value] as [string, string]]
      : headers;
    if (jar !== undefined && !hasCookieField(headers)) {
      // Recomputed per hop; `headers` itself never carries the jar's field.
      const cookie = jar.cookieHeader(url);
      if (cookie !== null) sent = [...sent, ["Cookie", cookie]];
    }
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
    if (jar !== undefined) storeCookies(jar, response.headers, url);
    if (
      response.status === 401 && credentials && !authTried && !userAuthorization &&
      url.origin === credentialOrigin &&
      (prepared === null || prepared.replayable)
    ) {
      // auth-int hashes the body: possible when it is in memory (or absent).
      const bodyBytes = prepared === null ? new Uint8Array() : prepared.bytes;
      const challenge = chooseHttpAuthChallenge(
        parseHttpAuthChallenges(response.header("www-authenticate") ?? ""),
        bodyBytes !== undefined,
      );
      if (challenge) {
        authTried = true;
        authorization = {
          origin: url.origin,
          value: httpAuthorization(challenge, {
            ...credentials,
            method,
            uri: url.pathname + url.search,
            body: bodyBytes,
          }),
        };
        await discardHttpBody(response);
        continue;
      }
    }
    if (isHttpRedirect(response.status) && redirect !== "manual") {
      const location = response.header("location");
      if (location !== null) {
        if (redirect === "error") {
          await discardHttpBody(response);
          throw new HttpRedirectError(
            `Cannot fetch ${url.href}: redirected (${response.status}) with redirect: "error"`,
          );
        }
        if (++redirects > maxRedirections) {
          await discardHttpBody(response);
          throw new HttpRedirectError(
            `Cannot fetch ${url.href}: more than ${maxRedirections} redirects`,
          );
        }
        let step;
        try {
          step = httpRedirect(response.status, location, { url, method, headers });
        } catch (error) {
          await discardHttpBody(response);
          throw error;
        }
        if (step) {
          if (!step.dropBody && prepared !== null && !prepared.replayable) {
            await discardHttpBody(response);
            throw new HttpRedirectError(
              `Cannot follow the ${response.status} redirect from ${url.href}: the body is a stream and cannot be sent again`,
            );
          }
          await discardHttpBody(response);
          url = step.url;
          method = step.method;
          headers = step.headers;
          if (step.dropBody) prepared = null;
          authTried = false;
          continue;
        }
      }
    }
    return await toResponse(response, url, redirects > 0, method, decompress, maxBodyBytes);
  }
}

/**
 * A standard `Response` whose `url` and `redirected` are this fetch's (the
 * constructor cannot set them; own getters are cheaper than
 * `Object.defineProperty` on each response).
 */
class FetchResponse extends Response {
  #url: string;
  #redirected: boolean;

  constructor(body: BodyInit | null, init: ResponseInit, url: string, redirected: boolean) {
    super(body, init);
    this.#url = url;
    this.#redirected = redirected;
  }

  override get url(): string {
    return this.#url;
  }

  override get redirected(): boolean {
    return this.#redirected;
  }

  override clone(): Response {
    const copy = super.clone();
    return new FetchResponse(
      copy.body,
      { status: copy.status, statusText: copy.statusText, headers: copy.headers },
      this.#url,
      this.#redirected,
    );
  }
}

async function toResponse(
  response: HttpResponse,
  url: URL,
  redirected: boolean,
  method: string,
  decompress: boolean,
  maxBodyBytes: number | undefined,
): Promise<Response> {
  const status = response.status;
  const fields = response.headers;
  let encoding: string | null = null;
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i]![0];
    if (name.length === 16 && name.toLowerCase() === "content-encoding") {
      const value = fields[i]![1];
      encoding = encoding === null ? value : `${encoding}, ${value}`;
    }
  }
  const nullBody = status === 204 || status === 205 || status === 304;
  let body: BodyInit | null;
  const complete = response.completeBody;
  if (complete !== undefined && (encoding === null || !decompress || method === "HEAD")) {
    // Whole and final already: bytes make a cheaper Response than a stream.
    body = (await response.bytes()) as Uint8Array<ArrayBuffer>;
    if (maxBodyBytes !== undefined && !nullBody && complete.byteLength > maxBodyBytes) {
      throw bodyTooLarge(maxBodyBytes, ` (Content-Length ${complete.byteLength})`);
    }
  } else {
    let stream = response.body;
    if (stream !== null && nullBody) {
      await stream.cancel().catch(() => {});
      stream = null;
    }
    let codings = NO_CODINGS;
    if (stream !== null && decompress && encoding !== null && method !== "HEAD") {
      codings = splitHttpCodings(encoding);
      if (!canDecodeHttpCodings(codings)) codings = NO_CODINGS;
    }
    if (stream !== null && maxBodyBytes !== undefined) {
      const framing = response.framing;
      const decoded = codings.some((c) => c !== "identity");
      if (!decoded && framing.kind === "length") {
        if (framing.length > maxBodyBytes) {
          // Fails before any body byte is read; cancelling closes the connection.
          await stream.cancel().catch(() => {});
          throw bodyTooLarge(maxBodyBytes, ` (Content-Length ${framing.length})`);
        }
        // The connection holds the body to its Content-Length: no counting needed.
      } else {
        // Counted (after the streaming decoders, when decoding) by the one
        // wrapper the decoders need anyway; past the limit it cancels the
        // body, which closes the connection.
        stream = await decodeHttpBody(stream, codings, { maxBytes: maxBodyBytes });
      }
    } else if (stream !== null && codings.length > 0) {
      stream = await decodeHttpBody(stream, codings);
    }
    body = stream;
  }
  if (body !== null && nullBody) body = null;
  const href = url.hash ? url.href.slice(0, url.href.indexOf("#")) : url.href;
  const result = new FetchResponse(
    body,
    { status, statusText: response.statusText },
    href,
    redirected,
  );
  // Appending to the response's own Headers measured cheapest (no copy, no
  // sequence conversion); a value the Headers class refuses is left out.
  const headers = result.headers;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    try {
      headers.append(field[0], field[1]);
    } catch {
      // It passed our parser, but not the Fetch API's rules.
    }
  }
  return result;
}
