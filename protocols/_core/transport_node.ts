// Copyright 2026 the portline authors. MIT license.
/**
 * The Node transport: `transport_deno.ts`'s twin on `node:net` / `node:tls`,
 * swapped in by `scripts/build_npm.ts`. Same exports, same behaviour.
 *
 * @module
 */
import type { Conn, TlsOptions } from "./transport.ts";
import { SocketConn } from "./socket_conn.ts";

export { listen, startTlsServer } from "./socket_listener.ts";
export { connectSocket as connect } from "./socket_connect.ts";

/**
 * Upgrades an open connection to TLS as the client (STARTTLS, STLS, AUTH TLS).
 * `session` resumes an earlier TLS session (FTPS data channels).
 *
 * @param conn The plain connection; it must no longer be used afterwards.
 * @param tls Verification options; `hostname` names the server to verify.
 * @returns The TLS connection.
 * @throws {TlsError} When the handshake or verification fails.
 */
export function startTls(
  conn: Conn,
  tls: TlsOptions & { hostname: string; session?: Uint8Array },
): Promise<Conn> {
  if (!(conn instanceof SocketConn)) {
    throw new TypeError("Cannot start TLS: the connection is not from connect() or listen()");
  }
  return conn.upgradeToClientTls(tls, tls.hostname, tls.session);
}
