// Copyright 2026 the portline authors. MIT license.
/**
 * The SOCKS5 wire format (RFC 1928, CONNECT only) with user name and
 * password authentication (RFC 1929): the settings a proxy URL gives, the
 * client's messages, and the proxy's answers parsed from bytes. No I/O:
 * `socks.ts` runs the handshake on a connection.
 *
 * Each parser takes the bytes received so far and returns `undefined` while
 * its message is incomplete, else the message and its `size` (what follows
 * belongs to the next message, or to the server behind the tunnel).
 *
 * @module
 */
import { isIPv4, isIPv6 } from "node:net";
import { SocksProxyError } from "./errors.ts";
import { InvalidArgumentError } from "./writer.ts";

/** Authentication method 0: none. */
export const SOCKS_METHOD_NONE = 0x00;
/** Authentication method 2: user name and password (RFC 1929). */
export const SOCKS_METHOD_PASSWORD = 0x02;
/** The method choice meaning "none of the offered methods is acceptable". */
export const SOCKS_NO_ACCEPTABLE_METHODS = 0xff;

const VERSION = 5;
const CMD_CONNECT = 1;
const ATYP_IPV4 = 1;
const ATYP_DOMAIN = 3;
const ATYP_IPV6 = 4;
/** The RFC 1929 subnegotiation version. */
const AUTH_VERSION = 1;
/** The SOCKS port (RFC 1928 §3). */
const DEFAULT_PORT = 1080;

const encoder = new TextEncoder();

/** What a `socks5://` or `socks5h://` proxy URL says. */
export interface SocksProxySettings {
  /** The proxy's host (IPv6 without brackets). */
  hostname: string;
  /** The proxy's port; 1080 when the URL has none. */
  port: number;
  /**
   * Whether the proxy resolves the target's name (`socks5h:`, sent as a
   * domain name); for `socks5:` the client resolves it and sends an address.
   */
  remoteDns: boolean;
  /** The user name and password (UTF-8), when the URL has a user name. */
  credentials: { username: Uint8Array; password: Uint8Array } | undefined;
}

/**
 * Reads a SOCKS proxy URL. Messages never quote the URL: it may hold a
 * password.
 *
 * @param url `socks5://[user:password@]host[:port]` or `socks5h://…`.
 * @returns The settings.
 * @throws {InvalidArgumentError} For another scheme, no host, or a user
 * name or password longer than 255 bytes (RFC 1929 has one length byte).
 */
export function socksProxySettings(url: URL): SocksProxySettings {
  if (url.protocol !== "socks5:" && url.protocol !== "socks5h:") {
    throw new InvalidArgumentError(
      `Cannot connect through a "${url.protocol}" proxy as SOCKS: only socks5:// and socks5h:// are supported`,
    );
  }
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (hostname === "") {
    throw new InvalidArgumentError("Cannot connect through the SOCKS proxy: its URL has no host");
  }
  let credentials: SocksProxySettings["credentials"];
  if (url.username !== "") {
    credentials = {
      username: credentialBytes(url.username, "user name"),
      password: credentialBytes(url.password, "password"),
    };
  }
  return {
    hostname,
    port: url.port === "" ? DEFAULT_PORT : Number(url.port),
    remoteDns: url.protocol === "socks5h:",
    credentials,
  };
}

function credentialBytes(encoded: string, what: string): Uint8Array {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    throw new InvalidArgumentError(
      `Cannot authenticate with the SOCKS proxy: the ${what} in its URL is not valid percent-encoding`,
    );
  }
  const bytes = encoder.encode(text);
  if (bytes.byteLength > 255) {
    throw new InvalidArgumentError(
      `Cannot authenticate with the SOCKS proxy: the ${what} is ${bytes.byteLength} bytes long, at most 255 fit (RFC 1929)`,
    );
  }
  return bytes;
}

/**
 * Where a CONNECT request leads: an IPv4 or IPv6 address, or a domain name
 * the proxy resolves.
 */
export interface SocksTarget {
  /** How the address is sent (ATYP 1, 4 or 3). */
  type: "ipv4" | "ipv6" | "domain";
  /** The address or name (IPv6 without brackets or zone). */
  host: string;
  /** The port. */
  port: number;
}

/**
 * Classifies and checks a target: IP literals are sent as addresses, other
 * names as domain names.
 *
 * @param hostname A name or an IP address (IPv6 with or without brackets).
 * @param port The port.
 * @returns The target.
 * @throws {InvalidArgumentError} For a port outside 1–65535, or a name that
 * is empty, longer than 255 bytes, or holds spaces or control characters.
 */
export function socksTarget(hostname: string, port: number): SocksTarget {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(
      `Cannot open a SOCKS tunnel to port ${port}: not a port from 1 to 65535`,
    );
  }
  const host = hostname.startsWith("[") && hostname.endsWith("]")
    ? hostname.slice(1, -1)
    : hostname;
  if (isIPv4(host)) return { type: "ipv4", host, port };
  if (isIPv6(host)) return { type: "ipv6", host: host.replace(/%.*$/, ""), port };
  const length = encoder.encode(host).byteLength;
  if (length === 0 || length > 255 || hasSpaceOrControl(host)) {
    throw new InvalidArgumentError(
      `Cannot open a SOCKS tunnel to ${
        JSON.stringify(host.slice(0, 64))
      }: not a host name (1 to 255 bytes, no spaces or control characters)`,
    );
  }
  return { type: "domain", host, port };
}

function hasSpaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * The client's greeting: the methods it offers.
 *
 * @param withPassword Whether to offer user name and password besides none.
 * @returns The bytes.
 */
export function encodeSocksGreeting(withPassword: boolean): Uint8Array {
  return withPassword
    ? Uint8Array.of(VERSION, 2, SOCKS_METHOD_NONE, SOCKS_METHOD_PASSWORD)
    : Uint8Array.of(VERSION, 1, SOCKS_METHOD_NONE);
}

/**
 * The user name and password request (RFC 1929 §2).
 *
 * @param credentials At most 255 bytes each (see {@linkcode socksProxySettings}).
 * @returns The bytes.
 */
export function encodeSocksPasswordAuth(
  credentials: { username: Uint8Array; password: Uint8Array },
): Uint8Array {
  const { username, password } = credentials;
  const out = new Uint8Array(3 + username.byteLength + password.byteLength);
  out[0] = AUTH_VERSION;
  out[1] = username.byteLength;
  out.set(username, 2);
  out[2 + username.byteLength] = password.byteLength;
  out.set(password, 3 + username.byteLength);
  return out;
}

/**
 * The CONNECT request (RFC 1928 §4).
 *
 * @param target From {@linkcode socksTarget}.
 * @returns The bytes.
 */
export function encodeSocksConnect(target: SocksTarget): Uint8Array {
  let address: Uint8Array;
  let type: number;
  if (target.type === "ipv4") {
    address = ipv4Bytes(target.host);
    type = ATYP_IPV4;
  } else if (target.type === "ipv6") {
    address = ipv6Bytes(target.host);
    type = ATYP_IPV6;
  } else {
    const name = encoder.encode(target.host);
    address = new Uint8Array(1 + name.byteLength);
    address[0] = name.byteLength;
    address.set(name, 1);
    type = ATYP_DOMAIN;
  }
  const out = new Uint8Array(6 + address.byteLength);
  out.set([VERSION, CMD_CONNECT, 0, type]);
  out.set(address, 4);
  out[4 + address.byteLength] = target.port >> 8;
  out[5 + address.byteLength] = target.port & 0xff;
  return out;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split("."), Number);
}

/** The 16 bytes of a valid IPv6 literal (`::` and a dotted IPv4 tail allowed). */
function ipv6Bytes(address: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) text = `${text.slice(0, -dotted.length)}0:0`;
  const groupsOf = (part: string) => part === "" ? [] : part.split(":").map((g) => parseInt(g, 16));
  const at = text.indexOf("::");
  let groups: number[];
  if (at === -1) groups = groupsOf(text);
  else {
    const head = groupsOf(text.slice(0, at));
    const tail = groupsOf(text.slice(at + 2));
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  groups.forEach((group, i) => {
    out[2 * i] = group >> 8;
    out[2 * i + 1] = group & 0xff;
  });
  if (dotted !== undefined) out.set(ipv4Bytes(dotted), 12);
  return out;
}

/** IPv6 text for 16 bytes, the longest run of two or more zero groups as `::`. */
function formatIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best === -1) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLength).join(":")}`;
}

/** The proxy's method choice (RFC 1928 §3). */
export interface SocksMethodChoice {
  /** The chosen method, or {@linkcode SOCKS_NO_ACCEPTABLE_METHODS}. */
  method: number;
  /** The bytes it took. */
  size: number;
}

/**
 * Parses the proxy's method choice.
 *
 * @param bytes What the proxy sent so far.
 * @param what The action, for the message: `Cannot ${what}: …`.
 * @returns The choice, or `undefined` while incomplete.
 * @throws {SocksProxyError} When the version is not 5.
 */
export function parseSocksMethodChoice(
  bytes: Uint8Array,
  what: string,
): SocksMethodChoice | undefined {
  if (bytes.byteLength < 2) return undefined;
  checkVersion(bytes[0]!, what);
  return { method: bytes[1]!, size: 2 };
}

/** The proxy's answer to the user name and password (RFC 1929 §2). */
export interface SocksAuthStatus {
  /** 0 for success, anything else for failure. */
  status: number;
  /** The bytes it took. */
  size: number;
}

/**
 * Parses the proxy's answer to the user name and password. Version 5 is
 * taken as well as 1: some proxies answer with the SOCKS version.
 *
 * @param bytes What the proxy sent after its method choice.
 * @param what The action, for the message.
 * @returns The status, or `undefined` while incomplete.
 * @throws {SocksProxyError} When the version is neither 1 nor 5.
 */
export function parseSocksAuthStatus(bytes: Uint8Array, what: string): SocksAuthStatus | undefined {
  if (bytes.byteLength < 2) return undefined;
  if (bytes[0] !== AUTH_VERSION && bytes[0] !== VERSION) {
    throw new SocksProxyError(
      `Cannot ${what}: the proxy answered the user name and password with version ${
        bytes[0]
      }, not 1 (RFC 1929)`,
    );
  }
  return { status: bytes[1]!, size: 2 };
}

/** The proxy's reply to CONNECT (RFC 1928 §6). */
export interface SocksConnectReply {
  /** The reply code: 0 succeeded, else the refusal (see {@linkcode socksReplyReason}). */
  reply: number;
  /** The address the proxy connected from (a name for ATYP 3). */
  bound: { type: "ipv4" | "ipv6" | "domain"; host: string; port: number };
  /** The bytes it took. */
  size: number;
}

/**
 * Parses the proxy's reply to CONNECT, bound address included.
 *
 * @param bytes What the proxy sent after the authentication.
 * @param what The action, for the message.
 * @returns The reply, or `undefined` while incomplete.
 * @throws {SocksProxyError} When the version is not 5 or the address type
 * is unknown (the reply's length cannot be known).
 */
export function parseSocksConnectReply(
  bytes: Uint8Array,
  what: string,
): SocksConnectReply | undefined {
  if (bytes.byteLength < 4) return undefined;
  checkVersion(bytes[0]!, what);
  const reply = bytes[1]!;
  const type = bytes[3]!;
  let start = 4;
  let length: number;
  if (type === ATYP_IPV4) length = 4;
  else if (type === ATYP_IPV6) length = 16;
  else if (type === ATYP_DOMAIN) {
    if (bytes.byteLength < 5) return undefined;
    length = bytes[4]!;
    start = 5;
  } else {
    throw new SocksProxyError(
      `Cannot ${what}: the proxy's reply has address type ${type}, not 1, 3 or 4`,
      { reply: reply === 0 ? undefined : reply },
    );
  }
  const size = start + length + 2;
  if (bytes.byteLength < size) return undefined;
  const address = bytes.subarray(start, start + length);
  const port = (bytes[start + length]! << 8) | bytes[start + length + 1]!;
  const bound = type === ATYP_IPV4
    ? { type: "ipv4" as const, host: address.join("."), port }
    : type === ATYP_IPV6
    ? { type: "ipv6" as const, host: formatIpv6(address), port }
    : { type: "domain" as const, host: new TextDecoder().decode(address), port };
  return { reply, bound, size };
}

function checkVersion(version: number, what: string): void {
  if (version !== VERSION) {
    throw new SocksProxyError(
      `Cannot ${what}: the proxy answered with version ${version}, not 5 (is it a SOCKS5 proxy?)`,
    );
  }
}

const REASONS = [
  "succeeded",
  "general SOCKS server failure",
  "connection not allowed by ruleset",
  "network unreachable",
  "host unreachable",
  "connection refused",
  "TTL expired",
  "command not supported",
  "address type not supported",
];

/**
 * The meaning of a reply code, for messages.
 *
 * @param reply The code (RFC 1928 §6).
 * @returns Its meaning, e.g. `"connection refused"` for 5.
 */
export function socksReplyReason(reply: number): string {
  return REASONS[reply] ?? `unassigned reply code ${reply}`;
}
