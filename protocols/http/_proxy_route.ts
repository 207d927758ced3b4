// Copyright 2026 the portline authors. MIT license.
/**
 * The FTP, SMTP and POP3 clients' `proxy` option: which proxy it names, and
 * connections through it, as an HTTP CONNECT tunnel (`_tunnel.ts`) or a
 * SOCKS5 tunnel (the core's `socks.ts`), with implicit TLS started inside
 * either the same way.
 *
 * @module
 */
import {
  type Conn,
  connect,
  InvalidArgumentError,
  openSocksTunnel,
  startTls,
  type TlsOptions,
  withDeadline,
} from "../_core/mod.ts";
import { socksProxySettings } from "../_core/socks_codec.ts";
import { HttpProxyAuthenticator, openHttpTunnel } from "./_tunnel.ts";
import type { HttpHeadLimits } from "./parse.ts";

/** Where a client's connections go through: the proxy, and (HTTP) one authentication state for all its tunnels. */
export type ProxyRoute =
  | {
    /** CONNECT through an HTTP proxy. */
    kind: "http";
    /** The proxy URL (`http:`, or `https:`, refused when a tunnel opens). */
    url: URL;
    /** Basic, or the Digest challenge learnt on an earlier tunnel. */
    auth: HttpProxyAuthenticator;
  }
  | {
    /** CONNECT through a SOCKS5 proxy. */
    kind: "socks";
    /** The proxy URL (`socks5:` or `socks5h:`). */
    url: URL;
  };

/**
 * Reads a client's `proxy` option: an `http://` (or, refused when a tunnel
 * opens, an `https://`), `socks5://` or `socks5h://` URL. The errors never
 * quote the text: it may hold a password.
 *
 * @param option The option.
 * @returns The route, or `undefined` for direct connections.
 * @throws {InvalidArgumentError} When it is no URL, names another scheme,
 * or (SOCKS) has a user name or password longer than 255 bytes.
 */
export function proxyRoute(option: string | URL | undefined): ProxyRoute | undefined {
  if (option === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(option);
  } catch {
    throw new InvalidArgumentError("Cannot connect: the proxy option is not a URL");
  }
  switch (url.protocol) {
    case "http:":
    case "https:":
      return { kind: "http", url, auth: new HttpProxyAuthenticator(url) };
    case "socks5:":
    case "socks5h:":
      // Checked now, so bad credentials fail before anything connects.
      socksProxySettings(url);
      return { kind: "socks", url };
    default:
      throw new InvalidArgumentError(
        `Cannot connect through a "${url.protocol}" proxy: supported are http://host:port (CONNECT), socks5://host:port and socks5h://host:port`,
      );
  }
}

/**
 * A client's connection to `hostname:port`: `connect()` itself without a
 * route, else a tunnel through the proxy with implicit TLS started inside
 * it when asked. A server that speaks first (a greeting) may send it
 * together with the proxy's answer.
 *
 * @param route The proxy, or `undefined` for a direct connection.
 * @param options Where, implicit TLS (`tls`), signal and timeout (each step).
 * @returns The connection.
 */
export async function connectVia(
  route: ProxyRoute | undefined,
  options: {
    hostname: string;
    port: number;
    tls?: TlsOptions | undefined;
    signal?: AbortSignal | undefined;
    timeoutMs: number;
    /** Whether the server may speak first; by default when there is no TLS (a greeting). */
    serverSpeaksFirst?: boolean | undefined;
    /** Limits on an HTTP proxy's answer. */
    limits?: HttpHeadLimits | undefined;
  },
): Promise<Conn> {
  const { hostname, port, tls, signal, timeoutMs } = options;
  if (route === undefined) return await connect({ hostname, port, tls, signal, timeoutMs });
  const serverSpeaksFirst = options.serverSpeaksFirst ?? tls === undefined;
  const tunnel = route.kind === "http"
    ? await openHttpTunnel(route.url, hostname, port, {
      ...options.limits,
      signal,
      timeoutMs,
      auth: route.auth,
      serverSpeaksFirst,
    })
    : await openSocksTunnel(route.url, hostname, port, { signal, timeoutMs, serverSpeaksFirst });
  if (tls === undefined) return tunnel;
  try {
    return await withDeadline(
      (async () => await startTls(tunnel, { ...tls, hostname }))(),
      `start TLS with "${hostname}" through the proxy`,
      { signal, timeoutMs },
      () => tunnel.close(),
    );
  } catch (error) {
    tunnel.close();
    throw error;
  }
}
