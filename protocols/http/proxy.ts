// Copyright 2026 the portline authors. MIT license.
/**
 * Proxy selection (pure): explicit settings or `HTTP_PROXY` / `HTTPS_PROXY`
 * / `ALL_PROXY` / `NO_PROXY` (lower-case names first, as curl reads them),
 * and NO_PROXY matching with ports, leading dots, `*` and IPv4 CIDR ranges.
 *
 * @module
 */
import process from "node:process";

/**
 * Which proxy to use for which scheme. Each is an `http://` or `https://`
 * proxy URL (an HTTP proxy) or a `socks5://` or `socks5h://` one (a SOCKS5
 * proxy: RFC 1928, with RFC 1929 user name and password from the URL;
 * `socks5h:` lets the proxy resolve the origin's name, `socks5:` resolves
 * it here). A URL without a scheme is taken as `http://`.
 *
 * @example A SOCKS5 proxy for everything but the intranet
 * ```ts
 * import { type HttpProxyConfig, httpProxyFor } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const socks = "socks5h://user:pass@127.0.0.1:1080";
 * const config: HttpProxyConfig = { http: socks, https: socks, noProxy: ".intranet.example" };
 * assert.equal(httpProxyFor(new URL("http://example.org/"), config)?.protocol, "socks5h:");
 * assert.equal(httpProxyFor(new URL("https://wiki.intranet.example/"), config), null);
 * ```
 */
export interface HttpProxyConfig {
  /**
   * The proxy for `http:` URLs: requests in absolute form through an HTTP
   * proxy, or in origin form through a SOCKS5 tunnel to the origin.
   */
  http?: string | URL | null;
  /**
   * The proxy for `https:` URLs: a CONNECT tunnel through an HTTP proxy, or
   * a SOCKS5 tunnel; TLS with the origin runs inside either.
   */
  https?: string | URL | null;
  /** Hosts to reach directly: comma- or space-separated, as NO_PROXY. */
  noProxy?: string | null;
}

function env(name: string): string | undefined {
  try {
    const lower = process.env[name.toLowerCase()];
    if (lower !== undefined && lower !== "") return lower;
    const upper = process.env[name.toUpperCase()];
    return upper === "" ? undefined : upper;
  } catch {
    // No permission to read the environment: no proxy.
    return undefined;
  }
}

/**
 * Reads the proxy settings from the environment (through `node:process`, so
 * it works in Deno and Node). Each name is read in lower case first, then in
 * upper case; an empty value counts as unset:
 *
 * - `http_proxy` for `http:` URLs, else `all_proxy`;
 * - `https_proxy` for `https:` URLs, else `all_proxy`;
 * - `no_proxy` for the hosts reached directly, whichever proxy applies.
 *
 * `all_proxy` (curl's variable) is often a SOCKS proxy
 * (`socks5h://127.0.0.1:1080`); any of them may be.
 *
 * @example Usage
 * ```ts
 * import { httpProxyFromEnv } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof httpProxyFromEnv(), "object");
 * ```
 *
 * @returns The settings found (fields absent when unset).
 */
export function httpProxyFromEnv(): HttpProxyConfig {
  const config: HttpProxyConfig = {};
  const all = env("all_proxy");
  const http = env("http_proxy") ?? all;
  const https = env("https_proxy") ?? all;
  const noProxy = env("no_proxy");
  if (http) config.http = http;
  if (https) config.https = https;
  if (noProxy) config.noProxy = noProxy;
  return config;
}

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/**
 * Whether a URL is exempt from proxying by a NO_PROXY list. Entries:
 * `*` (everything), `host` or `.host` (that host and its subdomains),
 * `host:port`, IP addresses, `[v6]`, and IPv4 CIDR (`10.0.0.0/8`).
 *
 * @example Usage
 * ```ts
 * import { httpNoProxyMatches } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const list = "localhost, .internal.example, api.example:8443";
 * assert.equal(httpNoProxyMatches(new URL("http://a.internal.example/"), list), true);
 * assert.equal(httpNoProxyMatches(new URL("https://api.example/"), list), false);
 * assert.equal(httpNoProxyMatches(new URL("https://api.example:8443/"), list), true);
 * ```
 *
 * @param url The request URL.
 * @param noProxy The list.
 * @returns True when the URL must be reached directly.
 */
export function httpNoProxyMatches(url: URL, noProxy: string): boolean {
  let host = url.hostname.toLowerCase();
  if (host.startsWith("[")) host = host.slice(1, -1);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const hostIp = ipv4(host);
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry.length === 0) continue;
    if (entry === "*") return true;
    let entryPort: string | undefined;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (v6) {
      entry = v6[1]!;
      entryPort = v6[2];
    } else {
      const m = /^(.*?):(\d+)$/.exec(entry);
      if (m && !m[1]!.includes(":")) {
        entry = m[1]!;
        entryPort = m[2];
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const base = ipv4(cidr[1]!);
      const bits = Number(cidr[2]);
      if (base === undefined || hostIp === undefined || bits > 32) continue;
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      if (((hostIp & mask) >>> 0) === ((base & mask) >>> 0)) return true;
      continue;
    }
    if (entry.startsWith("*.")) entry = entry.slice(1);
    if (entry.startsWith(".")) {
      if (host === entry.slice(1) || host.endsWith(entry)) return true;
      continue;
    }
    if (host === entry || host.endsWith("." + entry)) return true;
  }
  return false;
}

/** HTTP proxies, and SOCKS5 proxies (tunnels to the origin). */
const PROXY_SCHEMES = new Set(["http:", "https:", "socks5:", "socks5h:"]);

function toUrl(value: string | URL): URL {
  if (value instanceof URL) return value;
  return new URL(value.includes("://") ? value : `http://${value}`);
}

/**
 * Chooses the proxy for a URL, or `null` for a direct connection.
 *
 * @example Usage
 * ```ts
 * import { httpProxyFor } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const config = { https: "http://proxy:3128", noProxy: "localhost" };
 * assert.equal(httpProxyFor(new URL("https://example.org/"), config)?.host, "proxy:3128");
 * assert.equal(httpProxyFor(new URL("http://example.org/"), config), null);
 * assert.equal(httpProxyFor(new URL("https://localhost/"), config), null);
 * assert.throws(() => httpProxyFor(new URL("http://a/"), { http: "socks4://p:1080" }), TypeError);
 * ```
 *
 * @param url The request URL.
 * @param config The proxy settings.
 * @returns The proxy URL (`http:`, `https:`, `socks5:` or `socks5h:`), or `null`.
 * @throws {TypeError} When the proxy URL has another scheme (`socks4:`, say).
 */
export function httpProxyFor(url: URL, config: HttpProxyConfig): URL | null {
  const raw = url.protocol === "https:" ? config.https : config.http;
  if (raw === undefined || raw === null || raw === "") return null;
  if (config.noProxy && httpNoProxyMatches(url, config.noProxy)) return null;
  const proxy = toUrl(raw);
  if (!PROXY_SCHEMES.has(proxy.protocol)) {
    // Never the URL itself: it may hold a password.
    throw new TypeError(
      `Cannot use a "${proxy.protocol}" proxy for HTTP: supported are http://, https://, socks5:// and socks5h:// proxies`,
    );
  }
  return proxy;
}
