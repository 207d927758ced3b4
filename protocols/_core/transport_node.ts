// Copyright 2026 the portline authors. MIT license.
/**
 * The Node transport: `transport_deno.ts`'s twin on `node:net` / `node:tls`,
 * swapped in by `scripts/build_npm.ts`. Same exports, same behaviour; it also
 * resumes TLS sessions (`session`, FTPS data channels), which Deno cannot.
 *
 * The npm package ships ESM and CommonJS copies of this module. Upgrades
 * recognise a connection by its upgrade method rather than by `instanceof`,
 * so a connection opened through one copy can be upgraded through the other.
 *
 * @module
 */
import type { Conn, ServerTlsOptions, TlsOptions } from "./transport.ts";
import type { SocketConn } from "./socket_conn.ts";
import { unprefixConn } from "./prefixed_conn.ts";

export { listen } from "./socket_listener.ts";
export { connectSocket as connect } from "./socket_connect.ts";

/** Whether `conn` is a {@linkcode SocketConn} from any copy of the library. */
function isSocketConn(conn: Conn): conn is SocketConn {
  const candidate = conn as Partial<SocketConn>;
  return typeof candidate.upgradeToClientTls === "function" &&
    typeof candidate.upgradeToServerTls === "function";
}

/**
 * Upgrades an open connection to TLS as the client (STARTTLS, STLS, AUTH TLS).
 * `session` resumes an earlier TLS session (FTPS data channels).
 *
 * @param conn The plain connection; it must no longer be used afterwards.
 * @param tls Verification options; `hostname` names the server to verify.
 * @returns The TLS connection.
 * @throws {TlsError} When the handshake or verification fails, or plaintext
 * arrived after the go-ahead (STARTTLS injection).
 * @throws {TypeError} When `conn` is not from {@linkcode connect} or `listen`.
 *
 * @example Usage
 * ```ts ignore
 * import { BufferedReader, connect, readReply, startTls } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * // STARTTLS by hand against a real SMTP server (needs the network).
 * const plain = await connect({ hostname: "smtp.example.org", port: 587 });
 * const reader = new BufferedReader(plain);
 * assert.equal((await readReply(reader)).code, 220);
 * await plain.write(new TextEncoder().encode("EHLO client.example\r\nSTARTTLS\r\n"));
 * await readReply(reader);
 * assert.equal((await readReply(reader)).code, 220);
 * assert.equal(reader.buffered, 0); // anything buffered now would be injected plaintext
 * const secure = await startTls(plain, { hostname: "smtp.example.org" });
 * assert.equal(secure.secure, true);
 * secure.close();
 * ```
 */
export function startTls(
  conn: Conn,
  tls: TlsOptions & { hostname: string; session?: Uint8Array },
): Promise<Conn> {
  conn = unprefixConn(conn);
  if (!isSocketConn(conn) || conn.secure) {
    throw new TypeError(
      "Cannot start TLS: the connection is not a plain connection from connect() or listen()",
    );
  }
  return conn.upgradeToClientTls(tls, tls.hostname, tls.session);
}

/**
 * Upgrades an accepted connection to TLS as the server (STARTTLS in test
 * servers). Fails if the client sent plaintext after the go-ahead.
 *
 * @param conn A connection from `listen`.
 * @param options The certificate and key.
 * @returns The TLS connection; `conn` must no longer be used.
 * @throws {TypeError} When `conn` was not accepted by `listen`.
 *
 * @example Usage
 * ```ts ignore
 * import { BufferedReader, listen, startTlsServer } from "@portline/portline/core";
 * import { readFileSync } from "node:fs";
 *
 * // The server side of STARTTLS in a test server (needs a certificate and key).
 * const tls = { cert: readFileSync("cert.pem", "utf8"), key: readFileSync("key.pem", "utf8") };
 * const listener = await listen({ port: 2525 });
 * for await (const plain of listener) {
 *   const reader = new BufferedReader(plain);
 *   if (await reader.readLine() === "STARTTLS") {
 *     await plain.write(new TextEncoder().encode("220 go ahead\r\n"));
 *     const secure = await startTlsServer(plain, tls);
 *     await secure.write(new TextEncoder().encode("250 secure now\r\n"));
 *     secure.close();
 *   }
 * }
 * ```
 */
export function startTlsServer(conn: Conn, options: ServerTlsOptions): Promise<Conn> {
  if (!isSocketConn(conn) || conn.secure) {
    throw new TypeError(
      "Cannot start TLS as server: the connection is not a plain connection from listen()",
    );
  }
  return conn.upgradeToServerTls(options);
}
