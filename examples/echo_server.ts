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
