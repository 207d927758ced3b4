// Copyright 2026 the portline authors. MIT license.
/**
 * Host names as they stand before a port (`host:port` in URLs, CONNECT
 * requests, Host headers and messages): an IPv6 address in brackets.
 *
 * @module
 */

/**
 * `host`, in brackets when it is an IPv6 address (it holds a colon).
 *
 * @param host A name or an address (IPv6 without brackets).
 * @returns The host as written before `:port`.
 */
export function bracketHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * `host:port`, an IPv6 host in brackets.
 *
 * @param host A name or an address (IPv6 without brackets).
 * @param port The port.
 * @returns The authority.
 */
export function hostPort(host: string, port: number): string {
  return `${bracketHost(host)}:${port}`;
}
