// Copyright 2026 the portline authors. MIT license.
/**
 * An RFC 6265 cookie jar (pure, no I/O): {@linkcode HttpCookieJar} parses
 * `Set-Cookie` fields (§5.2), stores them (§5.3) and computes the `Cookie`
 * field for a request (§5.4). `httpFetch` uses one given as `cookies`.
 *
 * There is no public-suffix list: only a single-label `Domain` (`com`,
 * `localhost` from another host) is refused as a public suffix.
 *
 * @module
 */

/**
 * A stored cookie, as {@linkcode HttpCookieJar.cookies} lists it (a frozen
 * snapshot).
 *
 * @example Usage
 * ```ts
 * import { type HttpCookie, HttpCookieJar } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const jar = new HttpCookieJar();
 * jar.setCookie("id=7; Domain=example.com; Secure", "https://www.example.com/");
 * const cookie: HttpCookie = jar.cookies()[0]!;
 * assert.equal(cookie.domain, "example.com");
 * assert.equal(cookie.hostOnly, false);
 * assert.equal(cookie.secure, true);
 * ```
 */
export interface HttpCookie {
  /** The name. */
  readonly name: string;
  /** The value, as received (no decoding). */
  readonly value: string;
  /** The domain, lower case, without a leading dot. */
  readonly domain: string;
  /** Sent to `domain` only (no Domain attribute), not to its subdomains. */
  readonly hostOnly: boolean;
  /** The path. */
  readonly path: string;
  /** Sent over https only. */
  readonly secure: boolean;
  /** The HttpOnly attribute (kept; this client is an HTTP API, so it sends it). */
  readonly httpOnly: boolean;
  /** The SameSite attribute when it was `Strict`, `Lax` or `None` (kept, not enforced). */
  readonly sameSite: "Strict" | "Lax" | "None" | null;
  /** When it expires, or `null` for a session cookie (kept until `clear()`). */
  readonly expires: Date | null;
  /** When it was first stored (kept when replaced). */
  readonly creationTime: Date;
  /** When it was last sent (or stored). */
  readonly lastAccessTime: Date;
}

/**
 * Options of {@linkcode HttpCookieJar}.
 *
 * @example Usage
 * ```ts
 * import { HttpCookieJar, type HttpCookieJarOptions } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const options: HttpCookieJarOptions = { maxCookiesPerDomain: 1 };
 * const jar = new HttpCookieJar(options);
 * jar.setCookie("a=1", "http://example.com/");
 * jar.setCookie("b=2", "http://example.com/");
 * assert.equal(jar.size, 1);
 * ```
 */
export interface HttpCookieJarOptions {
  /**
   * The most cookies kept per domain; the least recently used go first.
   *
   * @default {50}
   */
  maxCookiesPerDomain?: number;
  /**
   * The most cookies kept in all.
   *
   * @default {3000}
   */
  maxCookies?: number;
}

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: "Strict" | "Lax" | "None" | null;
  /** Milliseconds; `Infinity` for a session cookie. */
  expiry: number;
  creation: number;
  lastAccess: number;
  /** Insertion order: breaks creation-time ties. */
  seq: number;
}

/** Name + value at most this many bytes (RFC 6265 §6.1 minimum). */
const MAX_NAME_VALUE_BYTES = 4096;
/** Attribute values longer than this are ignored (RFC 6265bis §5.6). */
const MAX_ATTRIBUTE_BYTES = 1024;
const MAX_DATE = 8.64e15;
// CTLs but HTAB (RFC 6265bis §5.6): such a cookie could not be sent back.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * A cookie jar for HTTP clients, the equivalent of Python's
 * `http.cookiejar.CookieJar`: `setCookie` takes each `Set-Cookie` field of
 * a response, `cookieHeader` gives the `Cookie` field for a request. Pass
 * one to `httpFetch` as `cookies` and it does both on every hop of the
 * exchange.
 *
 * Domain matching follows RFC 6265 §5.1.3 (a `Domain` on an IP address
 * must equal it); there is no public-suffix list, so only single-label
 * domains (`Domain=com`) are refused as public suffixes. Bounded: name +
 * value ≤ 4096 bytes, attribute values ≤ 1024 bytes, 50 cookies per domain
 * and 3000 in all (the least recently used are evicted, expired ones
 * first).
 *
 * @example Store a cookie and send it back
 * ```ts
 * import { HttpCookieJar } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const jar = new HttpCookieJar();
 * jar.setCookie("sid=abc; Path=/app; HttpOnly", "https://example.com/app/login");
 * jar.setCookie("theme=dark; Domain=example.com", "https://example.com/");
 * assert.equal(jar.cookieHeader("https://example.com/app/home"), "sid=abc; theme=dark");
 * assert.equal(jar.cookieHeader("https://www.example.com/"), "theme=dark");
 * assert.equal(jar.cookieHeader("https://example.org/"), null);
 * ```
 */
export class HttpCookieJar {
  #byDomain = new Map<string, StoredCookie[]>();
  #count = 0;
  #seq = 0;
  #maxPerDomain: number;
  #maxTotal: number;

  /**
   * Creates an empty jar.
   *
   * @param options Limits.
   */
  constructor(options: HttpCookieJarOptions = {}) {
    this.#maxPerDomain = Math.max(1, options.maxCookiesPerDomain ?? 50);
    this.#maxTotal = Math.max(1, options.maxCookies ?? 3000);
  }

  /** How many cookies are stored (expired ones not yet removed included). */
  get size(): number {
    return this.#count;
  }

  /**
   * Takes one `Set-Cookie` field value received in the response to
   * `requestUrl` (RFC 6265 §5.2, §5.3). `Max-Age` wins over `Expires`; a
   * `Domain` must domain-match the request host (a leading dot is ignored);
   * without one the cookie is host-only; without a valid `Path` the
   * default path (the request path up to its last `/`) is used. A cookie
   * with the same name, domain and path is replaced (its creation time
   * kept); an expired one deletes it. Bad input is ignored, never thrown.
   *
   * @example Usage
   * ```ts
   * import { HttpCookieJar } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * const jar = new HttpCookieJar();
   * assert.equal(jar.setCookie("a=1; Max-Age=60", "http://example.com/"), true);
   * assert.equal(jar.setCookie("b=2; Domain=other.com", "http://example.com/"), false);
   * assert.equal(jar.setCookie("a=; Max-Age=0", "http://example.com/"), true); // deletes a
   * assert.equal(jar.cookieHeader("http://example.com/"), null);
   * ```
   *
   * @param setCookieValue The field value (one field; not several joined).
   * @param requestUrl The URL of the request the response answered.
   * @param now The current time.
   * @returns True when the field was applied (stored, or an expired cookie
   * deleting a stored one), false when it was ignored.
   */
  setCookie(setCookieValue: string, requestUrl: URL | string, now: Date = new Date()): boolean {
    const url = typeof requestUrl === "string" ? new URL(requestUrl) : requestUrl;
    const host = url.hostname;
    if (host === "") return false;
    const parsed = parseSetCookie(setCookieValue, now.getTime());
    if (parsed === null) return false;
    const nowMs = now.getTime();
    let domain = parsed.domain;
    let hostOnly: boolean;
    if (domain !== null && domain !== "") {
      domain = canonicalDomain(domain);
      if (domain === null) return false;
      if (!domain.includes(".") && !domain.startsWith("[")) {
        // A single label is taken as a public suffix: host-only for that very host, else refused.
        if (domain !== host) return false;
        hostOnly = true;
      } else {
        if (!domainMatch(host, domain)) return false;
        hostOnly = false;
      }
    } else {
      domain = host;
      hostOnly = true;
    }
    const path = parsed.path ?? defaultPath(url.pathname);
    const list = this.#byDomain.get(domain);
    let old: StoredCookie | undefined;
    let oldIndex = -1;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        if (c.name === parsed.name && c.path === path) {
          old = c;
          oldIndex = i;
          break;
        }
      }
    }
    if (parsed.expiry <= nowMs) {
      if (old !== undefined) this.#removeAt(domain, list!, oldIndex);
      return true;
    }
    const cookie: StoredCookie = {
      name: parsed.name,
      value: parsed.value,
      domain,
      hostOnly,
      path,
      secure: parsed.secure,
      httpOnly: parsed.httpOnly,
      sameSite: parsed.sameSite,
      expiry: parsed.expiry,
      creation: old?.creation ?? nowMs,
      lastAccess: nowMs,
      seq: old?.seq ?? this.#seq++,
    };
    if (old !== undefined) {
      list![oldIndex] = cookie;
      return true;
    }
    if (list === undefined) this.#byDomain.set(domain, [cookie]);
    else list.push(cookie);
    this.#count++;
    this.#evict(domain, nowMs);
    return true;
  }

  /**
   * The `Cookie` field value for a request to `url` (RFC 6265 §5.4): the
   * cookies whose domain and path match, Secure ones over https only,
   * longer paths first, then older first. Expired cookies are dropped; the
   * ones sent get their last-access time updated.
   *
   * @example Usage
   * ```ts
   * import { HttpCookieJar } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * const jar = new HttpCookieJar();
   * jar.setCookie("token=t; Secure", "https://example.com/");
   * jar.setCookie("lang=en", "https://example.com/");
   * assert.equal(jar.cookieHeader("https://example.com/"), "token=t; lang=en");
   * assert.equal(jar.cookieHeader("http://example.com/"), "lang=en");
   * ```
   *
   * @param url The request URL.
   * @param now The current time.
   * @returns The field value, or `null` when no cookie applies.
   */
  cookieHeader(url: URL | string, now: Date = new Date()): string | null {
    if (this.#count === 0) return null;
    const nowMs = now.getTime();
    const matched = this.#match(typeof url === "string" ? new URL(url) : url, nowMs);
    if (matched.length === 0) return null;
    let out = "";
    for (let i = 0; i < matched.length; i++) {
      const c = matched[i]!;
      c.lastAccess = nowMs;
      out += i === 0 ? `${c.name}=${c.value}` : `; ${c.name}=${c.value}`;
    }
    return out;
  }

  /**
   * The stored cookies (snapshots), or, given a URL, those a request to it
   * would send, in sending order. Expired cookies are left out. Does not
   * update last-access times.
   *
   * @example Usage
   * ```ts
   * import { HttpCookieJar } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * const jar = new HttpCookieJar();
   * jar.setCookie("a=1; Path=/x; SameSite=Lax", "http://example.com/");
   * const [cookie] = jar.cookies();
   * assert.equal(cookie!.domain, "example.com");
   * assert.equal(cookie!.path, "/x");
   * assert.equal(cookie!.hostOnly, true);
   * assert.equal(cookie!.sameSite, "Lax");
   * assert.equal(cookie!.expires, null);
   * assert.deepEqual(jar.cookies("http://example.com/y"), []);
   * ```
   *
   * @param url Only the cookies for this request URL.
   * @param now The current time.
   * @returns The cookies.
   */
  cookies(url?: URL | string, now: Date = new Date()): HttpCookie[] {
    const nowMs = now.getTime();
    let list: StoredCookie[];
    if (url !== undefined) {
      list = this.#match(typeof url === "string" ? new URL(url) : url, nowMs);
    } else {
      list = [];
      for (const cookies of this.#byDomain.values()) {
        for (const c of cookies) if (c.expiry > nowMs) list.push(c);
      }
    }
    return list.map(snapshot);
  }

  /**
   * Removes every cookie.
   *
   * @example Usage
   * ```ts
   * import { HttpCookieJar } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * const jar = new HttpCookieJar();
   * jar.setCookie("a=1", "http://example.com/");
   * jar.clear();
   * assert.equal(jar.size, 0);
   * ```
   */
  clear(): void {
    this.#byDomain.clear();
    this.#count = 0;
  }

  #match(url: URL, nowMs: number): StoredCookie[] {
    const host = url.hostname;
    const secure = url.protocol === "https:" || url.protocol === "wss:";
    const path = url.pathname === "" ? "/" : url.pathname;
    const out: StoredCookie[] = [];
    // The domains that can match: the host and, for a host name, its parents.
    let domain = host;
    const ip = isIp(host);
    for (;;) {
      const list = this.#byDomain.get(domain);
      if (list !== undefined) {
        for (let i = 0; i < list.length; i++) {
          const c = list[i]!;
          if (c.expiry <= nowMs) {
            this.#removeAt(domain, list, i--);
            continue;
          }
          if (c.hostOnly && domain !== host) continue;
          if (c.secure && !secure) continue;
          if (!pathMatch(path, c.path)) continue;
          out.push(c);
        }
      }
      if (ip) break;
      const dot = domain.indexOf(".");
      if (dot < 0) break;
      domain = domain.slice(dot + 1);
    }
    if (out.length > 1) {
      out.sort((a, b) => b.path.length - a.path.length || a.creation - b.creation || a.seq - b.seq);
    }
    return out;
  }

  #removeAt(domain: string, list: StoredCookie[], index: number): void {
    list.splice(index, 1);
    this.#count--;
    if (list.length === 0) this.#byDomain.delete(domain);
  }

  /** Applies the limits after an insertion into `domain`. */
  #evict(domain: string, nowMs: number): void {
    const list = this.#byDomain.get(domain)!;
    if (list.length > this.#maxPerDomain) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.expiry <= nowMs) this.#removeAt(domain, list, i);
      }
      while (list.length > this.#maxPerDomain) {
        this.#removeAt(domain, list, oldest(list));
      }
    }
    if (this.#count > this.#maxTotal) {
      for (const [d, cookies] of [...this.#byDomain]) {
        for (let i = cookies.length - 1; i >= 0; i--) {
          if (cookies[i]!.expiry <= nowMs) this.#removeAt(d, cookies, i);
        }
      }
      while (this.#count > this.#maxTotal) {
        let bestDomain = "";
        let best: StoredCookie | undefined;
        let bestIndex = -1;
        for (const [d, cookies] of this.#byDomain) {
          const i = oldest(cookies);
          const c = cookies[i]!;
          if (best === undefined || older(c, best)) {
            best = c;
            bestDomain = d;
            bestIndex = i;
          }
        }
        this.#removeAt(bestDomain, this.#byDomain.get(bestDomain)!, bestIndex);
      }
    }
  }
}

function older(a: StoredCookie, b: StoredCookie): boolean {
  return a.lastAccess < b.lastAccess || (a.lastAccess === b.lastAccess && a.seq < b.seq);
}

/** The index of the least recently used cookie of a non-empty list. */
function oldest(list: StoredCookie[]): number {
  let index = 0;
  for (let i = 1; i < list.length; i++) if (older(list[i]!, list[index]!)) index = i;
  return index;
}

function snapshot(c: StoredCookie): HttpCookie {
  return Object.freeze({
    name: c.name,
    value: c.value,
    domain: c.domain,
    hostOnly: c.hostOnly,
    path: c.path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite,
    expires: c.expiry === Infinity ? null : new Date(c.expiry),
    creationTime: new Date(c.creation),
    lastAccessTime: new Date(c.lastAccess),
  });
}

interface ParsedSetCookie {
  name: string;
  value: string;
  /** Lower case, leading dot removed; `null` when absent. */
  domain: string | null;
  path: string | null;
  secure: boolean;
  httpOnly: boolean;
  sameSite: "Strict" | "Lax" | "None" | null;
  expiry: number;
}

function trimWsp(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 32 || s.charCodeAt(start) === 9)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function byteLength(s: string): number {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : new TextEncoder().encode(s).byteLength;
}

/** RFC 6265 §5.2; `null` when the whole field is to be ignored. */
function parseSetCookie(field: string, nowMs: number): ParsedSetCookie | null {
  const semi = field.indexOf(";");
  const pair = semi < 0 ? field : field.slice(0, semi);
  const eq = pair.indexOf("=");
  if (eq < 0) return null;
  const name = trimWsp(pair.slice(0, eq));
  const value = trimWsp(pair.slice(eq + 1));
  if (name === "") return null;
  if (name.length + value.length > MAX_NAME_VALUE_BYTES) return null;
  if (byteLength(name) + byteLength(value) > MAX_NAME_VALUE_BYTES) return null;
  if (CONTROL.test(name) || CONTROL.test(value)) return null;
  const out: ParsedSetCookie = {
    name,
    value,
    domain: null,
    path: null,
    secure: false,
    httpOnly: false,
    sameSite: null,
    expiry: Infinity,
  };
  if (semi < 0) return out;
  let maxAge: number | null = null;
  let expires: number | null = null;
  for (const av of field.slice(semi + 1).split(";")) {
    const e = av.indexOf("=");
    const attr = trimWsp(e < 0 ? av : av.slice(0, e)).toLowerCase();
    const val = e < 0 ? "" : trimWsp(av.slice(e + 1));
    if (val.length > MAX_ATTRIBUTE_BYTES || byteLength(val) > MAX_ATTRIBUTE_BYTES) continue;
    switch (attr) {
      case "expires": {
        const time = parseCookieDate(val);
        if (time !== null) expires = time;
        break;
      }
      case "max-age": {
        if (!/^-?\d+$/.test(val)) break;
        const seconds = Number(val);
        maxAge = seconds <= 0 ? -Infinity : Math.min(nowMs + seconds * 1000, MAX_DATE);
        break;
      }
      case "domain":
        // An empty Domain: the attribute is ignored (RFC 6265 §5.2.3).
        if (val !== "") {
          out.domain = (val.charCodeAt(0) === 46 ? val.slice(1) : val).toLowerCase();
        }
        break;
      case "path":
        out.path = val.charCodeAt(0) === 47 ? val : null;
        break;
      case "secure":
        out.secure = true;
        break;
      case "httponly":
        out.httpOnly = true;
        break;
      case "samesite": {
        const lower = val.toLowerCase();
        if (lower === "strict") out.sameSite = "Strict";
        else if (lower === "lax") out.sameSite = "Lax";
        else if (lower === "none") out.sameSite = "None";
        break;
      }
    }
  }
  if (maxAge !== null) out.expiry = maxAge;
  else if (expires !== null) out.expiry = expires;
  return out;
}

/** Lower case, IDNA-encoded; `null` when it is no valid host. */
function canonicalDomain(domain: string): string | null {
  if (domain === "" || domain.startsWith(".") || /[\s/\\?#@%]/.test(domain)) return null;
  if (/^[a-z0-9._-]+$/i.test(domain)) return domain.toLowerCase();
  if (domain.includes(":") && !domain.startsWith("[")) return null;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

function isIp(host: string): boolean {
  return host.charCodeAt(0) === 91 /* [ */ || IPV4.test(host);
}

/** RFC 6265 §5.1.3. */
function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  return host.length > domain.length && host.endsWith(domain) &&
    host.charCodeAt(host.length - domain.length - 1) === 46 && !isIp(host);
}

/** RFC 6265 §5.1.4 default-path. */
function defaultPath(path: string): string {
  if (path.charCodeAt(0) !== 47) return "/";
  const last = path.lastIndexOf("/");
  return last === 0 ? "/" : path.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath.charCodeAt(cookiePath.length) === 47;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
// deno-lint-ignore no-control-regex
const DATE_DELIMITERS = /[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+/;

/** RFC 6265 §5.1.1 cookie-date; milliseconds, or `null` when it fails. */
function parseCookieDate(text: string): number | null {
  let time: number[] | null = null;
  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  for (const token of text.split(DATE_DELIMITERS)) {
    if (token === "") continue;
    let m;
    if (time === null && (m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D[\s\S]*)?$/.exec(token))) {
      time = [Number(m[1]), Number(m[2]), Number(m[3])];
    } else if (day === null && (m = /^(\d{1,2})(?:\D[\s\S]*)?$/.exec(token))) {
      day = Number(m[1]);
    } else if (
      month === null && token.length >= 3 && MONTHS.includes(token.slice(0, 3).toLowerCase())
    ) {
      month = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
    } else if (year === null && (m = /^(\d{2,4})(?:\D[\s\S]*)?$/.exec(token))) {
      year = Number(m[1]);
    }
  }
  if (time === null || day === null || month === null || year === null) return null;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  if (day < 1 || day > 31 || year < 1601 || time[0]! > 23 || time[1]! > 59 || time[2]! > 59) {
    return null;
  }
  const ms = Date.UTC(year, month, day, time[0], time[1], time[2]);
  if (new Date(ms).getUTCDate() !== day) return null; // 31 April and the like
  return ms;
}
