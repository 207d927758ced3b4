// Copyright 2026 the portline authors. MIT license.
/**
 * `HttpTestServer`: a small in-process HTTP/1.1 server on the core's
 * `listen` (so it runs under Deno and Node) for tests, demos and users' own
 * tests. Routes return plain response descriptions; knobs make it misbehave
 * on purpose (split writes, raw bytes, slow heads, early close, both framing
 * headers, 100-continue choices, compression, auth challenges) and it can act
 * as a forward / CONNECT proxy.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  BufferedReader,
  concatBytes,
  type Conn,
  connect,
  type ConnectionLoop,
  LimitError,
  listen,
  type Listener,
  PortlineError,
  ProtocolError,
  serveConnections,
  type ServerTlsOptions,
} from "../_core/mod.ts";
import {
  type HttpHeaderList,
  httpHeaderValue,
  parseHttpChunkSize,
  parseHttpHeaderLine,
} from "./parse.ts";
import type { HttpHeadersInit } from "./request_head.ts";
import {
  type HttpAuthChallenge,
  httpBasicAuthorization,
  type HttpCredentials,
  httpDigestAuthorization,
  parseHttpAuthChallenges,
} from "./auth.ts";
import { HttpConnection } from "./connection.ts";
import { latin1Decode } from "./_latin1.ts";
import { serializeTestResponse } from "./_server_response.ts";

/** A request as the test server received it. */
export interface HttpTestRequest {
  /** The method. */
  method: string;
  /** The request target as sent (`/path?q`, or absolute form through a proxy). */
  target: string;
  /** The target resolved against the server's origin. */
  url: URL;
  /** The header fields as received. */
  headers: HttpHeaderList;
  /** The body (de-chunked). */
  body: Uint8Array;
  /** Trailer fields of a chunked body. */
  trailers: HttpHeaderList;
  /** Which connection (1, 2, …) carried it. */
  connectionId: number;
  /** A header's value (fields joined with `", "`), or `null`. */
  header(name: string): string | null;
  /** The body as UTF-8 text. */
  text(): string;
}

/** What a route answers. Every field is optional: `{}` is `200` with no body. */
export interface HttpTestResponse {
  /**
   * The status code.
   *
   * @default {200}
   */
  status?: number;
  /** The reason phrase; a standard one by default. */
  statusText?: string;
  /** Header fields. */
  headers?: HttpHeadersInit;
  /** The body. */
  body?: string | Uint8Array | null;
  /** Send the body chunked; a number sets the chunk size. */
  chunked?: boolean | number;
  /** Trailer fields (with `chunked`). */
  trailers?: HttpHeadersInit;
  /** Compress the body and set Content-Encoding (`deflate-raw` sends raw deflate as "deflate"). */
  encoding?: "gzip" | "br" | "deflate" | "deflate-raw";
  /** Informational responses sent first (e.g. `[{ status: 103 }]`). */
  informational?: { status: number; headers?: HttpHeadersInit }[];
  /** Bytes written verbatim instead of a response (bad framing, garbage). */
  raw?: string | Uint8Array;
  /** Wait this long before writing anything (slow headers). */
  delayMs?: number;
  /** Write the response in pieces of this many bytes… */
  splitWrites?: number;
  /**
   * …pausing this long between them.
   *
   * @default {2}
   */
  pauseMs?: number;
  /** Close the connection after this response (and say so). */
  close?: boolean;
  /** Write only this many bytes of the response, then close (early close). */
  closeAfterBytes?: number;
  /** Send no Content-Length: the body ends when the connection closes. */
  noContentLength?: boolean;
}

/** A route handler. */
export type HttpTestHandler = (
  request: HttpTestRequest,
) => HttpTestResponse | Promise<HttpTestResponse>;

/**
 * Proxy credentials of {@linkcode HttpTestServer} in proxy mode, and the
 * scheme it challenges with.
 *
 * @example Digest proxy
 * ```ts
 * import { HttpAgent, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using origin = await HttpTestServer.start();
 * origin.route("GET", "/", () => ({ body: "hi" }));
 * await using proxy = await HttpTestServer.start({
 *   proxy: { username: "u", password: "p", scheme: "digest", algorithm: "SHA-256" },
 * });
 * await using agent = new HttpAgent({ proxy: `http://u:p@127.0.0.1:${proxy.port}` });
 * assert.equal(await (await agent.fetch(origin.url)).text(), "hi");
 * ```
 */
export interface HttpTestProxyAuth extends HttpCredentials {
  /**
   * The challenge: `"basic"`, or `"digest"` (RFC 7616, qop=auth).
   *
   * @default {"basic"}
   */
  scheme?: "basic" | "digest";
  /**
   * The Digest algorithm (`MD5`, `SHA-256`, `MD5-sess`…).
   *
   * @default {"MD5"}
   */
  algorithm?: string;
}

/** Options of {@linkcode HttpTestServer.start}. */
export interface HttpTestServerOptions {
  /** Serve HTTPS with this certificate and key. */
  tls?: ServerTlsOptions;
  /** The port; a free one by default. */
  port?: number;
  /**
   * What to do with `Expect: 100-continue`: send `100 Continue` (default),
   * `"ignore"` it (the client must time out and send anyway), or a function
   * that sees the head and may return a final response instead (the body is
   * then never read and the connection is closed).
   *
   * @default {"continue"}
   */
  expectContinue?: "continue" | "ignore" | ((request: HttpTestRequest) => HttpTestResponse | null);
  /**
   * Act as a proxy too: CONNECT tunnels and absolute-form requests are
   * forwarded; with credentials, `Proxy-Authorization` is required (Basic,
   * or Digest with `scheme: "digest"`), else 407 with `Proxy-Authenticate`.
   */
  proxy?: boolean | HttpTestProxyAuth;
  /**
   * The largest request body read (Content-Length or chunked); a larger one
   * gets 413 and the connection is closed.
   *
   * @default {67108864}
   */
  maxBodyBytes?: number;
  /** Answers requests no route matched; 404 by default. */
  fallback?: HttpTestHandler;
  /**
   * Receives what ended a connection's handling abnormally: the client went
   * away or sent an over-long line (a `PortlineError`), or a bug. By default
   * it is dropped and the connection closed.
   */
  onError?: (error: unknown) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class ServerClosed extends Error {}

/** The most header fields of a request head (as the client's `maxHeaderCount`). */
const MAX_REQUEST_FIELDS = 100;
/** The most bytes of a request head (as the client's `maxHeaderBytes`). */
const MAX_REQUEST_HEAD_BYTES = 65536;

/** Too large a request body for `maxBodyBytes`. */
class BodyTooLarge extends Error {}

/**
 * The server side of Digest (RFC 7616, qop=auth): issues nonces and checks
 * answers, with the `uri` equal to the request target and the nonce count
 * rising for each reuse of a nonce.
 */
class DigestGate {
  readonly #credentials: HttpCredentials;
  readonly #realm: string;
  readonly #algorithm: string;
  readonly #userhash: boolean;
  readonly #qop: boolean;
  readonly #opaque = randomBytes(8).toString("hex");
  // Nonces issued, with the highest nonce count seen (bounded).
  readonly #nonces = new Map<string, number>();

  constructor(
    credentials: HttpCredentials,
    options: { algorithm?: string; realm?: string; userhash?: boolean; qop?: boolean },
  ) {
    this.#credentials = credentials;
    this.#realm = options.realm ?? "test@portline";
    this.#algorithm = options.algorithm ?? "MD5";
    this.#userhash = options.userhash === true;
    this.#qop = options.qop !== false;
  }

  /** Whether `header` answers one of this gate's challenges for the request. */
  accepts(header: string | null, method: string, target: string): boolean {
    if (header === null || !/^digest\s/i.test(header)) return false;
    const p = parseHttpAuthChallenges(header)[0]?.params ?? {};
    const last = p.nonce === undefined ? undefined : this.#nonces.get(p.nonce);
    if (last === undefined || p.uri !== target) return false;
    const nc = p.nc === undefined ? 1 : parseInt(p.nc, 16);
    if (this.#qop && !(nc > last)) return false;
    const challenge: HttpAuthChallenge = {
      scheme: "digest",
      params: {
        realm: this.#realm,
        nonce: p.nonce!,
        algorithm: this.#algorithm,
        opaque: this.#opaque,
        ...(this.#qop ? { qop: "auth" } : {}),
        ...(this.#userhash ? { userhash: "true" } : {}),
      },
    };
    const expected = httpDigestAuthorization(challenge, {
      ...this.#credentials,
      method,
      uri: p.uri,
      cnonce: p.cnonce,
      nc,
    });
    const want = /response="([0-9a-f]+)"/.exec(expected)?.[1];
    if (want === undefined || p.response !== want || p.opaque !== this.#opaque) return false;
    this.#nonces.set(p.nonce!, nc);
    return true;
  }

  /** A new challenge (a fresh nonce). */
  challenge(): string {
    const nonce = randomBytes(16).toString("base64");
    if (this.#nonces.size >= 1024) this.#nonces.clear();
    this.#nonces.set(nonce, 0);
    const qop = this.#qop ? `, qop="auth"` : "";
    return `Digest realm="${this.#realm}"${qop}, algorithm=${this.#algorithm}, nonce="${nonce}", opaque="${this.#opaque}"${
      this.#userhash ? ", userhash=true" : ""
    }`;
  }
}

/**
 * An in-process HTTP/1.1 server for tests and demos, on 127.0.0.1 and a
 * free port. Keep-alive, chunked request bodies, `Expect: 100-continue`, and
 * misbehaviour knobs on every response.
 *
 * @example Usage
 * ```ts
 * import { HttpTestServer, httpFetch, HttpAgent } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("POST", "/upper", (req) => ({ body: req.text().toUpperCase() }));
 * await using agent = new HttpAgent({ proxy: null });
 * const response = await httpFetch(`${server.url}upper`, { method: "POST", body: "abc", agent });
 * assert.equal(await response.text(), "ABC");
 * assert.equal(server.requests[0]!.header("content-length"), "3");
 * ```
 */
export class HttpTestServer {
  #listener: Listener;
  #options: HttpTestServerOptions;
  #routes: { method: string; path: string; handler: HttpTestHandler }[] = [];
  // Proxy mode: the upstream connections of CONNECT tunnels.
  #upstreams = new Set<Conn>();
  // Proxy mode with Digest: the gate for Proxy-Authorization.
  #proxyGate: DigestGate | undefined;
  #closing = new AbortController();
  #loop: ConnectionLoop;
  #connections = 0;
  /** Every request received, in order. */
  readonly requests: HttpTestRequest[] = [];
  /** Proxy mode: CONNECT authorities and absolute-form URLs, in order. */
  readonly proxyLog: string[] = [];

  private constructor(listener: Listener, options: HttpTestServerOptions) {
    this.#listener = listener;
    this.#options = options;
    const proxy = options.proxy;
    if (typeof proxy === "object" && proxy.scheme === "digest") {
      this.#proxyGate = new DigestGate(proxy, { algorithm: proxy.algorithm, realm: "proxy" });
    }
    const onError = options.onError;
    this.#loop = serveConnections(listener, (conn) => {
      const id = ++this.#connections;
      return {
        run: () => this.#serve(conn, id).finally(() => conn.close()),
        close: () => conn.close(),
      };
    }, onError ? { onError: (error) => onError(error) } : {});
  }

  /**
   * Starts a server.
   *
   * @param options TLS, port, 100-continue behaviour, proxy mode, fallback.
   * @returns The running server.
   */
  static async start(options: HttpTestServerOptions = {}): Promise<HttpTestServer> {
    const listener = await listen({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      tls: options.tls,
    });
    return new HttpTestServer(listener, options);
  }

  /** The port. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** `http://127.0.0.1:PORT` (or https with TLS). */
  get origin(): string {
    return `${this.#options.tls ? "https" : "http"}://127.0.0.1:${this.port}`;
  }

  /** The origin with a trailing slash, handy for building URLs. */
  get url(): string {
    return `${this.origin}/`;
  }

  /** How many connections were accepted. */
  get connectionCount(): number {
    return this.#connections;
  }

  /**
   * Adds a route (the first match wins). `path` is matched against the
   * pathname exactly, or as a prefix when it ends with `*`.
   *
   * @param method The method, or `"*"` for any.
   * @param path The path.
   * @param handler What to answer.
   * @returns The server, for chaining.
   */
  route(method: string, path: string, handler: HttpTestHandler): this {
    this.#routes.push({ method, path, handler });
    return this;
  }

  /**
   * A redirect response.
   *
   * @example Usage
   * ```ts
   * import { HttpTestServer } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * assert.equal(HttpTestServer.redirect(307, "/x").status, 307);
   * ```
   *
   * @param status 301, 302, 303, 307 or 308.
   * @param location The Location.
   * @returns The response description.
   */
  static redirect(status: number, location: string): HttpTestResponse {
    return { status, headers: { Location: location }, body: `see ${location}` };
  }

  /**
   * Wraps a handler behind Basic authentication.
   *
   * @example Usage
   * ```ts
   * import { HttpTestServer } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * const handler = HttpTestServer.basicAuth({ username: "u", password: "p" }, () => ({}));
   * assert.equal(typeof handler, "function");
   * ```
   *
   * @param credentials The accepted user name and password.
   * @param handler The protected handler.
   * @param realm The realm.
   * @returns The guarded handler (401 with a Basic challenge otherwise).
   */
  static basicAuth(
    credentials: HttpCredentials,
    handler: HttpTestHandler,
    realm = "test",
  ): HttpTestHandler {
    const expected = httpBasicAuthorization(credentials);
    return (request) => {
      if (request.header("authorization") === expected) return handler(request);
      return {
        status: 401,
        headers: { "WWW-Authenticate": `Basic realm="${realm}", charset="UTF-8"` },
        body: "authentication required",
      };
    };
  }

  /**
   * Wraps a handler behind Digest authentication (RFC 7616, qop=auth).
   *
   * @example Usage
   * ```ts
   * import { HttpTestServer } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * const handler = HttpTestServer.digestAuth({ username: "u", password: "p" }, () => ({}), {
   *   algorithm: "SHA-256",
   * });
   * assert.equal(typeof handler, "function");
   * ```
   *
   * @param credentials The accepted user name and password.
   * @param handler The protected handler.
   * @param options Algorithm (`MD5`, `SHA-256`, `MD5-sess`…), realm, userhash.
   * @returns The guarded handler (401 with a Digest challenge otherwise).
   */
  static digestAuth(
    credentials: HttpCredentials,
    handler: HttpTestHandler,
    options: { algorithm?: string; realm?: string; userhash?: boolean; qop?: boolean } = {},
  ): HttpTestHandler {
    const gate = new DigestGate(credentials, options);
    return (request) => {
      if (gate.accepts(request.header("authorization"), request.method, request.target)) {
        return handler(request);
      }
      return {
        status: 401,
        headers: { "WWW-Authenticate": gate.challenge() },
        body: "authentication required",
      };
    };
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#closing.signal;
    if (signal.aborted) return Promise.reject(new ServerClosed());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new ServerClosed());
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  async #serve(conn: Conn, id: number): Promise<void> {
    const reader = new BufferedReader(conn, { maxLineBytes: 65536 });
    for (;;) {
      let line: string | null;
      try {
        line = await reader.readLineOrNull();
      } catch (error) {
        if (!(error instanceof LimitError)) throw error;
        await conn.write(encoder.encode(
          "HTTP/1.1 414 URI Too Long\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        ));
        return;
      }
      if (line === null) return;
      if (line === "") continue;
      const parts = line.split(" ");
      if (parts.length !== 3 || !/^HTTP\/1\.[01]$/.test(parts[2]!)) {
        await conn.write(
          encoder.encode(
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
          ),
        );
        return;
      }
      const [method, target, version] = parts as [string, string, string];
      const headers: HttpHeaderList = [];
      let headBytes = line.length;
      for (;;) {
        const bytes = await reader.readLineBytesOrNull().catch((error) => {
          // One field longer than a line may be: answered like too many fields.
          if (error instanceof LimitError) return undefined;
          throw error;
        });
        if (bytes === null) return;
        if (bytes?.byteLength === 0) break;
        // Bounded like the client's heads: endless fields must not grow the list without end.
        headBytes += (bytes?.byteLength ?? Infinity) + 2;
        if (
          bytes === undefined || headers.length >= MAX_REQUEST_FIELDS ||
          headBytes > MAX_REQUEST_HEAD_BYTES
        ) {
          await conn.write(
            encoder.encode(
              "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            ),
          );
          return;
        }
        try {
          headers.push(parseHttpHeaderLine(latin1Decode(bytes)));
        } catch {
          await conn.write(
            encoder.encode(
              "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            ),
          );
          return;
        }
      }
      const request = this.#makeRequest(method, target, headers, id);
      if (this.#options.proxy && method === "CONNECT") {
        await this.#tunnel(conn, reader, request);
        return;
      }
      const expect = request.header("expect")?.toLowerCase() === "100-continue";
      if (expect) {
        const mode = this.#options.expectContinue ?? "continue";
        if (typeof mode === "function") {
          const early = mode(request);
          if (early) {
            this.requests.push(request);
            await this.#respond(conn, request, { ...early, close: true });
            return;
          }
          await conn.write(encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
        } else if (mode === "continue") {
          await conn.write(encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
        }
      }
      const te = request.header("transfer-encoding");
      const cl = request.header("content-length");
      // One Content-Length (repeats must agree), digits only; not with Transfer-Encoding.
      const lengths = cl === null ? [] : [...new Set(cl.split(",").map((v) => v.trim()))];
      if (
        (te !== null && cl !== null) || lengths.length > 1 ||
        (lengths.length === 1 && !/^\d{1,15}$/.test(lengths[0]!)) ||
        (te !== null && te.toLowerCase() !== "chunked")
      ) {
        await conn.write(
          encoder.encode(
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
          ),
        );
        return;
      }
      const maxBody = this.#options.maxBodyBytes ?? 64 * 1024 * 1024;
      try {
        if (te !== null) {
          const chunks: Uint8Array[] = [];
          let total = 0;
          for (;;) {
            const size = parseHttpChunkSize(await reader.readLine());
            if (size === 0) break;
            total += size;
            if (total > maxBody) throw new BodyTooLarge();
            chunks.push(await reader.readExact(size));
            if ((await reader.readLine()) !== "") throw new SyntaxError("chunk without CRLF");
          }
          for (let count = 0;; count++) {
            const trailer = await reader.readLine();
            if (trailer === "") break;
            if (count >= 100) throw new SyntaxError("too many trailer fields");
            request.trailers.push(parseHttpHeaderLine(trailer));
          }
          request.body = concatBytes(chunks);
        } else if (lengths.length === 1) {
          const length = Number(lengths[0]);
          if (length > maxBody) throw new BodyTooLarge();
          request.body = await reader.readExact(length);
        }
      } catch (error) {
        const malformed = error instanceof SyntaxError || error instanceof ProtocolError ||
          error instanceof LimitError;
        if (!(error instanceof BodyTooLarge) && !malformed) {
          // Not ours to answer (the client went away, say): end the connection.
          if (error instanceof PortlineError) return;
          throw error;
        }
        this.requests.push(request);
        const status = error instanceof BodyTooLarge ? "413 Content Too Large" : "400 Bad Request";
        await conn.write(
          encoder.encode(
            `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
          ),
        );
        return;
      }
      this.requests.push(request);
      const wantsClose = /close/i.test(request.header("connection") ?? "") ||
        (version === "HTTP/1.0" && !/keep-alive/i.test(request.header("connection") ?? ""));
      let response: HttpTestResponse;
      if (this.#options.proxy && /^https?:\/\//i.test(target)) {
        response = await this.#forward(request);
      } else {
        try {
          response = await this.#handle(request);
        } catch (error) {
          response = { status: 500, body: String(error) };
        }
      }
      if (wantsClose) response = { ...response, close: true };
      const keep = await this.#respond(conn, request, response);
      if (!keep) return;
    }
  }

  #makeRequest(
    method: string,
    target: string,
    headers: HttpHeaderList,
    id: number,
  ): HttpTestRequest {
    let url: URL;
    try {
      url = new URL(target, this.url);
    } catch {
      url = new URL("/", this.url);
    }
    const request: HttpTestRequest = {
      method,
      target,
      url,
      headers,
      body: new Uint8Array(0),
      trailers: [],
      connectionId: id,
      header: (name) => httpHeaderValue(headers, name),
      text: () => decoder.decode(request.body),
    };
    return request;
  }

  #handle(request: HttpTestRequest): HttpTestResponse | Promise<HttpTestResponse> {
    const path = request.url.pathname;
    for (const route of this.#routes) {
      if (route.method !== "*" && route.method !== request.method) continue;
      const match = route.path.endsWith("*")
        ? path.startsWith(route.path.slice(0, -1))
        : path === route.path;
      if (match) return route.handler(request);
    }
    if (this.#options.fallback) return this.#options.fallback(request);
    return { status: 404, body: "not found" };
  }

  #proxyAllowed(request: HttpTestRequest): boolean {
    const proxy = this.#options.proxy;
    if (typeof proxy !== "object") return true;
    const got = request.header("proxy-authorization");
    if (this.#proxyGate) return this.#proxyGate.accepts(got, request.method, request.target);
    return got === httpBasicAuthorization(proxy);
  }

  #proxyChallenge(): string {
    return this.#proxyGate?.challenge() ?? 'Basic realm="proxy"';
  }

  async #tunnel(client: Conn, reader: BufferedReader, request: HttpTestRequest): Promise<void> {
    this.requests.push(request);
    this.proxyLog.push(request.target);
    if (!this.#proxyAllowed(request)) {
      await client.write(encoder.encode(
        `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: ${this.#proxyChallenge()}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      ));
      return;
    }
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(request.target);
    if (!m || Number(m[2]) > 65535) {
      await client.write(
        encoder.encode(
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
      );
      return;
    }
    let upstream: Conn;
    try {
      upstream = await connect({ hostname: m[1]!, port: Number(m[2]) });
    } catch {
      await client.write(
        encoder.encode(
          "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
      );
      return;
    }
    this.#upstreams.add(upstream);
    try {
      await client.write(encoder.encode("HTTP/1.1 200 Connection Established\r\n\r\n"));
      const up = (async () => {
        for (;;) {
          const chunk = await reader.readChunk(65536);
          if (chunk === null) break;
          await upstream.write(chunk);
        }
        await upstream.closeWrite().catch(() => {});
      })().catch(() => upstream.close());
      const down = (async () => {
        const buf = new Uint8Array(65536);
        for (;;) {
          const n = await upstream.read(buf);
          if (n === null) break;
          await client.write(buf.subarray(0, n));
        }
      })().catch(() => {}).finally(() => client.close());
      await Promise.all([up, down]);
    } finally {
      upstream.close();
      this.#upstreams.delete(upstream);
    }
  }

  async #forward(request: HttpTestRequest): Promise<HttpTestResponse> {
    this.proxyLog.push(request.target);
    if (!this.#proxyAllowed(request)) {
      return {
        status: 407,
        headers: { "Proxy-Authenticate": this.#proxyChallenge() },
        body: "proxy authentication required",
      };
    }
    // The target only looks absolute (`http://[`, say): a bad request, not a crash.
    let url: URL;
    try {
      url = new URL(request.target);
    } catch {
      return { status: 400, body: "bad request target" };
    }
    const skip = new Set([
      "proxy-authorization",
      "proxy-connection",
      "connection",
      "keep-alive",
      "content-length",
      "transfer-encoding",
    ]);
    const headers = request.headers.filter(([name]) => !skip.has(name.toLowerCase()));
    let upstream: HttpConnection | undefined;
    try {
      upstream = await HttpConnection.connect({
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(url.port || 80),
      });
      const response = await upstream.request({
        method: request.method,
        target: url.pathname + url.search,
        headers,
        body: request.body.byteLength > 0 ? request.body : null,
      });
      const body = await response.bytes();
      const back = response.headers.filter(([name]) => !skip.has(name.toLowerCase()));
      return { status: response.status, statusText: response.statusText, headers: back, body };
    } catch (error) {
      return { status: 502, body: `bad gateway: ${error}` };
    } finally {
      upstream?.close();
    }
  }

  /** Writes a response; returns whether the connection stays open. */
  async #respond(
    conn: Conn,
    request: HttpTestRequest,
    response: HttpTestResponse,
  ): Promise<boolean> {
    if (response.delayMs) await this.#sleep(response.delayMs);
    let bytes: Uint8Array;
    try {
      bytes = serializeTestResponse(request.method, response);
    } catch (error) {
      // A handler's header that cannot be sent (CR/LF, beyond Latin-1):
      // answered like a handler that threw.
      response = { status: 500, body: String(error), close: response.close };
      bytes = serializeTestResponse(request.method, response);
    }
    const close = response.close === true || response.noContentLength === true;
    if (response.closeAfterBytes !== undefined) {
      await conn.write(bytes.subarray(0, response.closeAfterBytes));
      return false;
    }
    if (response.splitWrites && response.splitWrites > 0) {
      for (let at = 0; at < bytes.byteLength; at += response.splitWrites) {
        if (at > 0) await this.#sleep(response.pauseMs ?? 2);
        await conn.write(bytes.subarray(at, at + response.splitWrites));
      }
    } else {
      await conn.write(bytes);
    }
    if (response.raw !== undefined) return !response.close;
    return !close;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const upstream of this.#upstreams) upstream.close();
    await this.#loop.close();
  }

  /** Closes; for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
