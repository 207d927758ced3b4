// Copyright 2026 the portline authors. MIT license.
/**
 * The lecture's echo client (client.py): connect, send a message, read the
 * reply, close — on portline's transport and buffered reader.
 *
 *     deno run --allow-net examples/echo_client.ts [host] [port] [message]
 *
 * @module
 */
import { BufferedReader, connect } from "../protocols/_core/mod.ts";

/**
 * Sends `message` (one line) to an echo server and returns what came back.
 *
 * @param hostname The server's address.
 * @param port The server's port.
 * @param message The line to send.
 * @returns The echoed line.
 *
 * @example Usage
 * ```ts
 * import { echoOnce } from "./echo_client.ts";
 * import { startEchoServer } from "./echo_server.ts";
 * import assert from "node:assert/strict";
 *
 * const { listener, done } = startEchoServer(0);
 * const { port } = listener.addr as Deno.NetAddr;
 * assert.equal(await echoOnce("127.0.0.1", port, "Hello, world"), "Hello, world");
 * listener.close();
 * await done;
 * ```
 */
export async function echoOnce(hostname: string, port: number, message: string): Promise<string> {
  const conn = await connect({ hostname, port, timeoutMs: 5000 });
  try {
    await conn.write(new TextEncoder().encode(message + "\r\n"));
    const reader = new BufferedReader(conn);
    reader.deadline = { timeoutMs: 5000 };
    return await reader.readLine();
  } finally {
    conn.close();
  }
}

if (import.meta.main) {
  const [hostname = "127.0.0.1", port = "50007", message = "Hello, world"] = Deno.args;
  console.log("Received", JSON.stringify(await echoOnce(hostname, Number(port), message)));
}
