// Copyright 2026 the portline authors. MIT license.
/**
 * CONNECT tunnels through an HTTP proxy (RFC 9110 §9.3.6), with Basic or
 * Digest proxy authentication: used by the agent for `https:` URLs, and by
 * the FTP, SMTP and POP3 clients' `proxy` option (see `_proxy_route.ts`).
 *
 * @module
 */
import { BufferedReader, type Conn, TimeoutError } from "../_core/mod.ts";
import { prefixConn } from "../_core/prefixed_conn.ts";
import { hostPort } from "../_core/_authority.ts";
import { connectTimed } from "./_connect.ts";
import { HttpProxyError, HttpTimeoutError } from "./errors.ts";
import {
  type HttpHeaderList,
  httpHeaderValue,
  type HttpHeadLimits,
  HttpHeadParser,
} from "./parse.ts";
import type { HttpPreparedBody } from "./body.ts";
import { encodeHttpRequestHead } from "./request_head.ts";
import {
  chooseHttpAuthChallenge,
  type HttpAuthChallenge,
  httpAuthorization,
  type HttpCredentials,
  parseHttpAuthChallenges,
} from "./auth.ts";
import { latin1Decode } from "./_latin1.ts";

/** A proxy URL's host and port (80 for `http:`, 443 for `https:` by default). */
export function hostOfUrl(url: URL): { hostname: string; port: number } {
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { hostname, port };
}

/**
 * The `Proxy-Authorization` answers for one proxy: Basic while the proxy
 * has not asked for more, Digest once a 407 brought a Digest challenge
 * (answered again with the nonce count up on later requests). Credentials
 * come from the proxy URL's user info.
 */
export class HttpProxyAuthenticator {
  readonly #credentials: HttpCredentials | undefined;
  #digest: { challenge: HttpAuthChallenge; nc: number } | undefined;

  /** @param proxy The proxy URL (`http://user:password@host:port`). */
  constructor(proxy: URL) {
    this.#credentials = proxy.username
      ? {
        username: decodeURIComponent(proxy.username),
        password: decodeURIComponent(proxy.password),
      }
      : undefined;
  }

  /**
   * The header for a request: Digest once asked for, else Basic when the
   * proxy URL has credentials, else none.
   *
   * @param method The request's method.
   * @param uri Its target.
   * @param body Its body (Digest `auth-int` hashes it).
   * @returns The header fields to add.
   */
  headers(method: string, uri: string, body: HttpPreparedBody | null): HttpHeaderList {
    const credentials = this.#credentials;
    if (credentials === undefined) return [];
    const digest = this.#digest;
    const value = digest === undefined
      ? httpAuthorization({ scheme: "basic", params: {} }, { ...credentials, method, uri })
      : httpAuthorization(digest.challenge, {
        ...credentials,
        method,
        uri,
        nc: ++digest.nc,
        body: body === null ? undefined : body.bytes,
      });
    return [["Proxy-Authorization", value]];
  }

  /**
   * Reads a 407's `Proxy-Authenticate`: when it holds a Digest challenge
   * these credentials can answer, remembers it and returns true (send
   * again). Basic was sent already, so a Basic challenge means the
   * credentials were refused; so does the same nonce refused twice.
   *
   * @param header The `Proxy-Authenticate` field, if any.
   * @param body The request's body (whether `auth-int` is possible).
   * @returns Whether to send the request again.
   */
  learn(header: string | null, body: HttpPreparedBody | null): boolean {
    if (header === null || this.#credentials === undefined) return false;
    const challenge = chooseHttpAuthChallenge(
      parseHttpAuthChallenges(header),
      body === null || body.bytes !== undefined,
    );
    if (challenge?.scheme !== "digest") return false;
    const known = this.#digest;
    if (
      known !== undefined && known.challenge.params.nonce === challenge.params.nonce &&
      challenge.params.stale?.toLowerCase() !== "true"
    ) {
      this.#digest = undefined;
      return false;
    }
    this.#digest = { challenge, nc: 0 };
    return true;
  }
}

/** Options of {@linkcode openHttpTunnel}. */
export interface HttpTunnelOptions extends HttpHeadLimits {
  /** Cancels connecting and the proxy's answer. */
  signal?: AbortSignal | undefined;
  /** The longest wait for the connection and the proxy's answer. */
  timeoutMs: number;
  /** The proxy's authentication state (one per proxy, kept across tunnels). */
  auth?: HttpProxyAuthenticator;
  /**
   * Whether the server behind the tunnel may speak first (FTP's greeting):
   * bytes read past the proxy's answer are handed out first. Otherwise
   * (TLS, where the client speaks first) such bytes fail the tunnel.
   */
  serverSpeaksFirst?: boolean;
}

/**
 * Opens a CONNECT tunnel to `hostname:port` through an `http:` proxy. A
 * 407 with a Digest challenge is answered once, on a new connection.
 *
 * @param proxy The proxy URL.
 * @param hostname Where the tunnel leads.
 * @param port Its port.
 * @param options Timeout, signal, authentication, limits.
 * @returns The tunnel: a plain connection to the target.
 * @throws {HttpProxyError} When the proxy refuses or closes, or is an
 * `https:` proxy (TLS inside TLS is not supported).
 * @throws {HttpTimeoutError} When connecting or the answer takes too long.
 */
export async function openHttpTunnel(
  proxy: URL,
  hostname: string,
  port: number,
  options: HttpTunnelOptions,
): Promise<Conn> {
  if (proxy.protocol !== "http:") {
    throw new HttpProxyError(
      proxy.protocol === "https:"
        ? `Cannot open a tunnel through ${proxy.host}: TLS inside a TLS proxy connection is not supported; use an http:// proxy`
        : `Cannot open a tunnel through a "${proxy.protocol}" proxy: only http:// proxies are supported`,
      { status: 0 },
    );
  }
  const auth = options.auth ?? new HttpProxyAuthenticator(proxy);
  const { signal, timeoutMs } = options;
  const p = hostOfUrl(proxy);
  const authority = hostPort(hostname, port);
  for (let authTried = false;;) {
    const conn = await connectTimed({ hostname: p.hostname, port: p.port, signal, timeoutMs });
    try {
      await conn.write(
        encodeHttpRequestHead("CONNECT", authority, [
          ["Host", authority],
          ...auth.headers("CONNECT", authority, null),
        ]),
      );
      const reader = new BufferedReader(conn, { maxLineBytes: 65536 });
      reader.deadline = { signal, timeoutMs };
      const parser = new HttpHeadParser(options);
      for (;;) {
        const line = await reader.readLineBytesOrNull();
        if (line === null) {
          throw new HttpProxyError(
            `Cannot open a tunnel to ${authority}: proxy ${proxy.host} closed the connection`,
            { status: 0 },
          );
        }
        if (parser.push(latin1Decode(line))) break;
      }
      const head = parser.head();
      if (
        head.status === 407 && !authTried &&
        auth.learn(httpHeaderValue(head.headers, "proxy-authenticate"), null)
      ) {
        // A Digest challenge: answer it on a new connection (the 407's
        // body and the proxy's keep-alive choice do not matter then).
        authTried = true;
        conn.close();
        continue;
      }
      if (head.status < 200 || head.status > 299) {
        throw new HttpProxyError(
          `Cannot open a tunnel to ${authority}: proxy ${proxy.host} answered ${head.status} ${head.statusText}`,
          { status: head.status },
        );
      }
      // What the reader took past the answer (all of it is buffered).
      const early = reader.buffered > 0
        ? await reader.readExact(reader.buffered)
        : new Uint8Array(0);
      if (early.byteLength > 0 && !options.serverSpeaksFirst) {
        throw new HttpProxyError(
          `Cannot open a tunnel to ${authority}: proxy ${proxy.host} sent data before the TLS handshake`,
          { status: head.status },
        );
      }
      return prefixConn(conn, early);
    } catch (error) {
      conn.close();
      if (error instanceof HttpProxyError || error instanceof HttpTimeoutError) throw error;
      if (error instanceof TimeoutError) {
        throw new HttpTimeoutError(error.message, { phase: "connect", cause: error });
      }
      throw error;
    }
  }
}
