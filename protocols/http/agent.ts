// Copyright 2026 the portline authors. MIT license.
/**
 * The agent: a keep-alive connection pool per origin (or per proxy / tunnel),
 * proxies from options or the environment (HTTP proxies with Basic or Digest
 * proxy authentication, SOCKS5 proxies), and one retry when a reused idle
 * connection turns out to be closed.
 *
 * @module
 */
import { type Conn, ConnectionClosedError, TimeoutError, type TlsOptions } from "../_core/mod.ts";
import { clearTimeout, setTimeout } from "node:timers";
import { connectTimed } from "./_connect.ts";
import { HttpConnection, type HttpTimeouts } from "./connection.ts";
import type { HttpResponse } from "./response.ts";
import type { HttpHeaderList, HttpHeadLimits } from "./parse.ts";
import type { HttpPreparedBody } from "./body.ts";
import { discardHttpBody } from "./_discard.ts";
import { type HttpProxyConfig, httpProxyFor, httpProxyFromEnv } from "./proxy.ts";
import { httpFetch, type HttpFetchInit } from "./fetch.ts";
import { hostOfUrl, HttpProxyAuthenticator } from "./_tunnel.ts";
import { connectVia, type ProxyRoute } from "./_proxy_route.ts";
import type { HttpResponseHead } from "./parse.ts";
import { HttpTimeoutError } from "./errors.ts";

/** Options of {@linkcode HttpAgent}. */
export interface HttpAgentOptions extends HttpHeadLimits, HttpTimeouts {
  /**
   * The most connections per origin (or per proxy, or per tunnel: proxy and
   * origin); more requests wait.
   *
   * @default {256}
   */
  maxSocketsPerOrigin?: number;
  /**
   * The most idle connections kept per origin.
   *
   * @default {64}
   */
  maxIdlePerOrigin?: number;
  /**
   * How long an idle connection is kept (shortened to the server's
   * `Keep-Alive: timeout` minus one second when it sends one).
   *
   * @default {4000}
   */
  idleTimeoutMs?: number;
  /**
   * The longest wait for TCP connect plus TLS handshake (and a CONNECT or
   * SOCKS5 tunnel); past it an `HttpTimeoutError` with phase `"connect"`.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number;
  /** TLS for https origins: `caCerts`, `serverName`, `insecureSkipVerify`, `clientCert`. */
  tls?: TlsOptions;
  /**
   * Proxies: `"env"` reads HTTP_PROXY / HTTPS_PROXY, then ALL_PROXY for
   * either, and NO_PROXY (see {@linkcode httpProxyFromEnv}); a URL is used
   * for both schemes; `null` means direct.
   *
   * An `http://` (or `https://`) proxy gets `http:` requests in absolute
   * form and a CONNECT tunnel for each `https:` connection. Credentials in
   * its URL (`http://user:pass@proxy:3128`) are sent as Basic; when the
   * proxy answers 407 with a Digest challenge (RFC 7616) the request (or the
   * CONNECT) is sent once more with a Digest answer, and later requests
   * answer that challenge at once, counting the nonce up.
   *
   * A `socks5h://` proxy (it resolves the origin's name) or `socks5://`
   * (the name is resolved here and the address sent) gets a SOCKS5 tunnel
   * (RFC 1928) to the origin for every connection, `http:` and `https:`
   * alike, with RFC 1929 user name and password from its URL
   * (`socks5h://user:pass@127.0.0.1:1080`); requests go in origin form, and
   * TLS with the origin (its name verified) runs inside. A refusal is a
   * `SocksProxyError`. Tunnels are pooled per proxy and origin and kept
   * alive like direct connections. Another scheme fails each request with a
   * `TypeError`; no error message quotes a proxy's password.
   *
   * @example Every request through a SOCKS5 proxy that resolves the names
   * ```ts ignore
   * import { HttpAgent } from "@portline/portline/http";
   *
   * await using agent = new HttpAgent({ proxy: "socks5h://user:pass@127.0.0.1:1080" });
   * const response = await agent.fetch("https://example.org/");
   * console.log(response.status, await response.text());
   * ```
   *
   * @default {"env"}
   */
  proxy?: "env" | string | URL | HttpProxyConfig | null;
  /**
   * Keep connections open between requests.
   *
   * @default {true}
   */
  keepAlive?: boolean;
}

/** One exchange through {@linkcode HttpAgent.request}. */
export interface HttpAgentRequest extends HttpTimeouts {
  /** The method, e.g. `"GET"`. */
  method: string;
  /** Header fields (Host and framing fields are added). */
  headers: HttpHeaderList;
  /** The prepared body, from `prepareHttpBody`. */
  body?: HttpPreparedBody | null;
  /** Aborts the exchange. */
  signal?: AbortSignal | undefined;
  /** Send `Expect: 100-continue` before the body. */
  expectContinue?: boolean;
  /** How long to wait for `100 Continue`. */
  continueTimeoutMs?: number;
  /** Called with each 1xx head. */
  onInformational?: (head: HttpResponseHead) => void;
}

/** Counters of an {@linkcode HttpAgent}. */
export interface HttpAgentStats {
  /** Connections opened so far. */
  connections: number;
  /** Requests sent so far (retries included). */
  requests: number;
  /** Requests sent on a reused connection. */
  reused: number;
  /** Stale connections retried. */
  retries: number;
  /** Connections open now. */
  open: number;
  /** Idle connections now. */
  idle: number;
}

interface Pool {
  all: Set<HttpConnection>;
  idle: HttpConnection[];
  /** When each idle connection was handed back (parallel to `idle`). */
  idleSince: number[];
  connecting: number;
  waiters: ((conn: HttpConnection | null) => void)[];
}

interface Route {
  key: string;
  target: string;
  /** The proxy of an absolute-form route, whose credentials it answers with. */
  proxy: URL | undefined;
  open: (signal: AbortSignal | undefined) => Promise<Conn>;
  host: string;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** A core timeout while opening a tunnel (SOCKS, TLS inside) is the connect phase's. */
async function connectPhase(opening: Promise<Conn>): Promise<Conn> {
  try {
    return await opening;
  } catch (error) {
    if (error instanceof TimeoutError && !(error instanceof HttpTimeoutError)) {
      throw new HttpTimeoutError(error.message, { phase: "connect", cause: error });
    }
    throw error;
  }
}

/**
 * A keep-alive pool of HTTP/1.1 connections per origin, with proxy support
 * (HTTP proxies and CONNECT tunnels, SOCKS5 tunnels).
 * `fetch()` is the fetch-compatible entry point; `request()` is one
 * exchange without redirects or auth. A connection is reused only after its
 * previous response body was read to the end. Close the agent when done.
 *
 * @example Many requests, one connection
 * ```ts
 * import { HttpAgent, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("GET", "/n", () => ({ body: "ok" }));
 * await using agent = new HttpAgent({ proxy: null });
 * for (let i = 0; i < 3; i++) {
 *   assert.equal(await (await agent.fetch(`${server.url}n`)).text(), "ok");
 * }
 * assert.equal(agent.stats.connections, 1);
 * assert.equal(server.connectionCount, 1);
 * ```
 */
export class HttpAgent {
  #pools = new Map<string, Pool>();
  #routes = new Map<string, Route>();
  // The last URL sent to, its route and request target.
  #lastHref = "";
  #lastKey = "";
  #lastRoute: Route | undefined;
  #lastTarget = "";
  #options: HttpAgentOptions;
  #proxy: HttpProxyConfig;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  // Proxy authentication (Digest challenges learnt from 407s), by proxy URL.
  #proxyAuths = new Map<string, HttpProxyAuthenticator>();
  #stats = { connections: 0, requests: 0, reused: 0, retries: 0 };
  readonly #maxSockets: number;
  readonly #maxIdle: number;
  readonly #idleTimeout: number;

  /**
   * Creates an agent.
   *
   * @param options Pool sizes, timeouts, TLS, proxy, limits.
   */
  constructor(options: HttpAgentOptions = {}) {
    this.#options = options;
    this.#maxSockets = options.maxSocketsPerOrigin ?? 256;
    this.#maxIdle = options.keepAlive === false ? 0 : options.maxIdlePerOrigin ?? 64;
    this.#idleTimeout = options.idleTimeoutMs ?? 4000;
    const proxy = options.proxy === undefined ? "env" : options.proxy;
    if (proxy === "env") this.#proxy = httpProxyFromEnv();
    else if (proxy === null) this.#proxy = {};
    else if (typeof proxy === "string" || proxy instanceof URL) {
      this.#proxy = { http: proxy, https: proxy };
    } else this.#proxy = proxy;
  }

  /** Counters: connections opened, requests, reuses, retries, open and idle now. */
  get stats(): HttpAgentStats {
    let open = 0;
    let idle = 0;
    for (const pool of this.#pools.values()) {
      open += pool.all.size;
      idle += pool.idle.length;
    }
    return { ...this.#stats, open, idle };
  }

  /**
   * Fetches with this agent: {@linkcode httpFetch} with `agent` set.
   *
   * @param input A URL, string or `Request`.
   * @param init Fetch options.
   * @returns The response.
   */
  fetch(input: Request | URL | string, init: HttpFetchInit = {}): Promise<Response> {
    return httpFetch(input, { ...init, agent: this });
  }

  /**
   * Sends one request through the pool (no redirects, no auth, no
   * decompression). Retries once on a fresh connection when a reused one
   * was closed before any response byte arrived and the request is
   * idempotent with a replayable body.
   *
   * @param url The absolute http(s) URL.
   * @param request Method, headers, body, timeouts, signal.
   * @returns The response; read or cancel its body.
   */
  async request(url: URL, request: HttpAgentRequest): Promise<HttpResponse> {
    if (this.#closed) throw new ConnectionClosedError("Cannot send a request: the agent is closed");
    // A loop over one URL skips the URL getters: route and target by href.
    const href = url.href;
    let route: Route;
    let target: string;
    if (href === this.#lastHref) {
      route = this.#lastRoute!;
      target = this.#lastTarget;
    } else {
      route = this.#route(url);
      target = route.target === "" ? url.pathname + url.search : href.replace(/#.*$/, "");
      this.#lastHref = href;
      this.#lastRoute = route;
      this.#lastTarget = target;
    }
    const body = request.body ?? null;
    const proxy = route.proxy;
    let staleRetried = false;
    let proxyAuthTried = false;
    for (;;) {
      const headers = proxy === undefined ? request.headers : [
        ...request.headers,
        ...this.#proxyAuth(proxy).headers(request.method, target, body),
      ];
      // An idle pooled connection comes back at once; only a new one is
      // awaited. After a stale connection failed, the other idle ones are
      // suspect too: a new one.
      const idle = staleRetried ? undefined : this.#idle(route);
      const conn = idle ?? await this.#acquire(route, request.signal);
      // A connection that completed exchanges before is a reused one.
      const reused = conn.requestCount > 0;
      this.#stats.requests++;
      if (reused) this.#stats.reused++;
      try {
        const source = body === null ? null : body.bytes ?? body.open!();
        const response = await conn.request({
          method: request.method,
          target,
          headers,
          body: source,
          bodyLength: body?.length ?? -1,
          signal: request.signal,
          headersTimeoutMs: request.headersTimeoutMs ?? this.#options.headersTimeoutMs,
          bodyTimeoutMs: request.bodyTimeoutMs ?? this.#options.bodyTimeoutMs,
          expectContinue: request.expectContinue,
          continueTimeoutMs: request.continueTimeoutMs,
          onInformational: request.onInformational,
        });
        if (
          response.status === 407 && proxy !== undefined && !proxyAuthTried &&
          (body === null || body.replayable) &&
          this.#proxyAuth(proxy).learn(response.header("proxy-authenticate"), body)
        ) {
          // A Digest challenge from the proxy: answer it once on this request.
          proxyAuthTried = true;
          await discardHttpBody(response);
          continue;
        }
        return response;
      } catch (error) {
        // Refused before anything was sent (a bad header, say): hand the connection back.
        if (conn.idle) this.#release(this.#pool(route.key), conn, true);
        const retry = !staleRetried && reused && !conn.responseStarted &&
          error instanceof ConnectionClosedError && IDEMPOTENT.has(request.method) &&
          (body === null || body.replayable) && !request.signal?.aborted;
        if (!retry) throw error;
        staleRetried = true;
        this.#stats.retries++;
      }
    }
  }

  /** The authentication state for `proxy` (Basic, or the Digest challenge it sent). */
  #proxyAuth(proxy: URL): HttpProxyAuthenticator {
    let auth = this.#proxyAuths.get(proxy.href);
    if (auth === undefined) {
      if (this.#proxyAuths.size >= 64) this.#proxyAuths.clear();
      auth = new HttpProxyAuthenticator(proxy);
      this.#proxyAuths.set(proxy.href, auth);
    }
    return auth;
  }

  #route(url: URL): Route {
    const key = url.protocol + url.host;
    if (key === this.#lastKey) return this.#lastRoute!;
    let route = this.#routes.get(key);
    if (route === undefined) {
      route = this.#makeRoute(url);
      if (this.#routes.size >= 1024) this.#routes.clear();
      this.#routes.set(key, route);
    }
    this.#lastKey = key;
    this.#lastRoute = route;
    return route;
  }

  #makeRoute(url: URL): Route {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`Cannot fetch ${url.href}: only http and https are supported`);
    }
    const secure = url.protocol === "https:";
    const origin = `${url.protocol}//${url.host}`;
    const { hostname, port } = hostOfUrl(url);
    const tls: TlsOptions = this.#options.tls ?? {};
    const proxy = httpProxyFor(url, this.#proxy);
    const connectTimeout = this.#options.connectTimeoutMs ?? 10_000;
    if (proxy === null) {
      return {
        key: origin,
        target: "",
        proxy: undefined,
        host: url.host,
        open: (signal) =>
          connectTimed({
            hostname,
            port,
            tls: secure ? tls : undefined,
            signal,
            timeoutMs: connectTimeout,
          }),
      };
    }
    const socks = proxy.protocol === "socks5:" || proxy.protocol === "socks5h:";
    if (!secure && !socks) {
      // An HTTP proxy takes http: requests in absolute form, for any origin.
      const p = hostOfUrl(proxy);
      const proxySecure = proxy.protocol === "https:";
      return {
        key: `proxy ${proxy.href}`,
        target: "absolute",
        proxy,
        host: url.host,
        open: (signal) =>
          connectTimed({
            hostname: p.hostname,
            port: p.port,
            tls: proxySecure ? { ...tls, serverName: undefined } : undefined,
            signal,
            timeoutMs: connectTimeout,
          }),
      };
    }
    // A tunnel to the origin: SOCKS5 for either scheme, CONNECT for https:
    // ones. A pool per proxy and origin (the scheme too: through SOCKS,
    // http://host and https://host are two tunnels); requests in origin form.
    const route: ProxyRoute = socks
      ? { kind: "socks", url: proxy }
      : { kind: "http", url: proxy, auth: this.#proxyAuth(proxy) };
    return {
      key: `tunnel ${proxy.href} ${origin}`,
      target: "",
      proxy: undefined,
      host: url.host,
      open: (signal) =>
        connectPhase(connectVia(route, {
          hostname,
          port,
          tls: secure ? tls : undefined,
          signal,
          timeoutMs: connectTimeout,
          // HTTP servers never speak first: bytes with the proxy's answer fail the tunnel.
          serverSpeaksFirst: false,
          limits: this.#options,
        })),
    };
  }

  #pool(key: string): Pool {
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = { all: new Set(), idle: [], idleSince: [], connecting: 0, waiters: [] };
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #expiry(conn: HttpConnection): number {
    const server = conn.keepAliveTimeoutMs;
    return server === undefined ? this.#idleTimeout : Math.min(this.#idleTimeout, server - 1000);
  }

  /** Takes a live idle connection of the route's pool, closing expired ones. */
  #idle(route: Route): HttpConnection | undefined {
    const pool = this.#pools.get(route.key);
    if (pool === undefined) return undefined;
    const now = Date.now();
    while (pool.idle.length > 0) {
      const conn = pool.idle.pop()!;
      const since = pool.idleSince.pop() ?? now;
      if (conn.closed || !conn.idle || now - since >= this.#expiry(conn)) {
        pool.all.delete(conn);
        conn.close();
        continue;
      }
      return conn;
    }
    return undefined;
  }

  /** Opens a new connection, or waits for one to be handed back when the pool is full. */
  async #acquire(route: Route, signal: AbortSignal | undefined): Promise<HttpConnection> {
    const pool = this.#pool(route.key);
    if (pool.all.size + pool.connecting >= this.#maxSockets) {
      const handed = await new Promise<HttpConnection | null>((resolve, reject) => {
        const waiter = (conn: HttpConnection | null) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(conn);
        };
        const onAbort = () => {
          const i = pool.waiters.indexOf(waiter);
          if (i !== -1) pool.waiters.splice(i, 1);
          reject(signal!.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        pool.waiters.push(waiter);
      });
      if (handed) return handed;
    }
    pool.connecting++;
    let conn: HttpConnection;
    try {
      const raw = await route.open(signal);
      conn = new HttpConnection(raw, {
        ...this.#options,
        host: route.host,
        onRelease: (c, reusable) => this.#release(pool, c, reusable),
      });
    } catch (error) {
      pool.connecting--;
      pool.waiters.shift()?.(null);
      throw error;
    }
    pool.connecting--;
    pool.all.add(conn);
    this.#stats.connections++;
    return conn;
  }

  #release(pool: Pool, conn: HttpConnection, reusable: boolean): void {
    if (reusable && !this.#closed && this.#maxIdle > 0) {
      const waiter = pool.waiters.shift();
      if (waiter) {
        waiter(conn);
        return;
      }
      if (pool.idle.length < this.#maxIdle) {
        pool.idle.push(conn);
        pool.idleSince.push(Date.now());
        this.#schedule();
        return;
      }
    }
    if (reusable) conn.close();
    pool.all.delete(conn);
    const i = pool.idle.indexOf(conn);
    if (i !== -1) {
      pool.idle.splice(i, 1);
      pool.idleSince.splice(i, 1);
    }
    pool.waiters.shift()?.(null);
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sweep();
    }, Math.max(250, this.#idleTimeout)).unref();
  }

  #sweep(): void {
    const now = Date.now();
    let left = 0;
    for (const [key, pool] of this.#pools) {
      const idle: HttpConnection[] = [];
      const since: number[] = [];
      for (let i = 0; i < pool.idle.length; i++) {
        const conn = pool.idle[i]!;
        if (conn.closed || now - pool.idleSince[i]! >= this.#expiry(conn)) {
          pool.all.delete(conn);
          conn.close();
        } else {
          idle.push(conn);
          since.push(pool.idleSince[i]!);
        }
      }
      pool.idle = idle;
      pool.idleSince = since;
      left += pool.idle.length;
      if (pool.all.size === 0 && pool.waiters.length === 0 && pool.connecting === 0) {
        this.#pools.delete(key);
      }
    }
    if (left > 0) this.#schedule();
  }

  /**
   * Closes idle connections and stops pooling; responses in progress finish
   * and their connections are then closed.
   */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const pool of this.#pools.values()) {
      for (const conn of pool.idle) {
        pool.all.delete(conn);
        conn.close();
      }
      pool.idle = [];
      pool.idleSince = [];
    }
    return Promise.resolve();
  }

  /** Closes every connection at once, in use or not. */
  destroy(): void {
    void this.close();
    for (const pool of this.#pools.values()) {
      for (const conn of [...pool.all]) conn.close();
      pool.all.clear();
    }
    this.#pools.clear();
  }

  /** Closes; for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
