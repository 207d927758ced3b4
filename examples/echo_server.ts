// Copyright 2026 the portline authors. MIT license.
/**
 * The lecture's echo server (server.py): bind, listen, accept in a loop and
 * serve each client concurrently, sending back every byte it receives.
 *
 *     deno run --allow-net examples/echo_server.ts [port]
 *
 * It uses `Deno.listen` directly, as the lecture does with `socket`.
 *
 * @module
 */

/**
 * Echoes one client's bytes until it closes its side.
 *
 * @param conn The accepted connection.
 *
 * @example Usage
 * ```ts
 * import { serveEchoClient } from "./echo_server.ts";
 * import assert from "node:assert/strict";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const { port } = listener.addr as Deno.NetAddr;
 * const client = await Deno.connect({ hostname: "127.0.0.1", port });
 * const served = serveEchoClient(await listener.accept());
 * await client.write(new TextEncoder().encode("ping"));
 * await client.closeWrite();
 * const echoed = new Uint8Array(4);
 * let got = 0;
 * while (got < 4) got += (await client.read(echoed.subarray(got))) ?? 4;
 * assert.equal(new TextDecoder().decode(echoed), "ping");
 * await served;
 * client.close();
 * listener.close();
 * ```
 */
export async function serveEchoClient(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      let sent = 0;
      while (sent < n) sent += await conn.write(buffer.subarray(sent, n));
    }
  } catch {
    // A client that resets the connection ends only its own session.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * Starts the echo server.
 *
 * @param port The TCP port; 0 picks a free one.
 * @param hostname The address to bind.
 * @returns The listener (close it to stop) and a promise that settles when it stops.
 *
 * @example Two clients at once
 * ```ts
 * import { startEchoServer } from "./echo_server.ts";
 * import { echoOnce } from "./echo_client.ts";
 * import assert from "node:assert/strict";
 *
 * const { listener, done } = startEchoServer(0);
 * const { port } = listener.addr as Deno.NetAddr;
 * // A first client stays connected while a second one is served.
 * const idle = await Deno.connect({ hostname: "127.0.0.1", port });
 * assert.equal(await echoOnce("127.0.0.1", port, "hello"), "hello");
 * idle.close();
 * listener.close();
 * await done;
 * ```
 */
export function startEchoServer(
  port = 50007,
  hostname = "127.0.0.1",
): { listener: Deno.Listener; done: Promise<void> } {
  const listener = Deno.listen({ hostname, port });
  const done = (async () => {
    const clients = new Set<Promise<void>>();
    try {
      for await (const conn of listener) {
        (conn as Deno.TcpConn).setNoDelay(true);
        const client = serveEchoClient(conn);
        clients.add(client);
        client.finally(() => clients.delete(client));
      }
    } catch {
      // The listener was closed.
    }
    await Promise.all(clients);
  })();
  return { listener, done };
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 50007);
  const { listener, done } = startEchoServer(port);
  const addr = listener.addr as Deno.NetAddr;
  console.log(`echo server listening on ${addr.hostname}:${addr.port}`);
  await done;
}
