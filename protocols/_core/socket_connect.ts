// Copyright 2026 the portline authors. MIT license.
/**
 * Client connections over `node:net` / `node:tls`: the whole of the Node
 * transport, and the Deno transport's path for what `Deno.startTls` lacks
 * (client certificates, skipping verification).
 *
 * @module
 */
import * as net from "node:net";
import type { Conn, ConnectOptions } from "./transport.ts";
import { ConnectError, PortlineError } from "./errors.ts";
import { withDeadline } from "./deadline.ts";
import { SocketConn } from "./socket_conn.ts";

/**
 * Opens a connection with `node:net`, upgrading it with `node:tls` for
 * implicit TLS. Nagle is off.
 *
 * @param options Where to connect, TLS, signal and timeout.
 * @returns The open connection.
 * @throws {ConnectError} When the connection is refused or the host unknown.
 */
export async function connectSocket(options: ConnectOptions): Promise<Conn> {
  const where = "path" in options
    ? `"${options.path}"`
    : `"${options.hostname}" on port ${options.port}`;
  const socket = "path" in options
    ? net.connect({ path: options.path })
    : net.connect({ host: options.hostname, port: options.port });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once(
      "error",
      (error) =>
        reject(new ConnectError(`Cannot connect to ${where}: ${error.message}`, { cause: error })),
    );
  });
  await withDeadline(opened, `connect to ${where}`, options, () => socket.destroy());
  const conn = new SocketConn(socket);
  if ("path" in options || !options.tls) return conn;
  const tls = options.tls === true ? {} : options.tls;
  try {
    return await withDeadline(
      conn.upgradeToClientTls(tls, options.hostname),
      `start TLS with ${where}`,
      options,
      () => socket.destroy(),
    );
  } catch (error) {
    conn.close();
    throw error instanceof PortlineError ? error : new ConnectError(String(error));
  }
}
