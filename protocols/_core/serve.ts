// Copyright 2026 the portline authors. MIT license.
/**
 * The connection-serving loop of the in-process servers: accept, one handler
 * per connection, error isolation, and close-all on shutdown.
 *
 * @module
 */
import type { Conn, Listener } from "./transport.ts";

/**
 * One connection being served, as a handler of {@linkcode serveConnections} returns it.
 *
 * @example Usage
 * ```ts
 * import { type Conn, serveConnections, type ServedConnection } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * function hangUp(conn: Conn): ServedConnection {
 *   return { run: () => Promise.resolve(conn.close()), close: () => conn.close() };
 * }
 * const loop = serveConnections(undefined, hangUp);
 * await loop.close();
 * assert.equal(loop.closed, true);
 * ```
 */
export interface ServedConnection {
  /**
   * Serves the connection until the conversation ends. A rejection goes to
   * `onError` and never reaches the other connections.
   */
  run(): Promise<void>;
  /** Ends the conversation at once (the server shuts down). */
  close(): void;
}

/**
 * Options of {@linkcode serveConnections}.
 *
 * @example Usage
 * ```ts
 * import { memoryConn, serveConnections, type ServeConnectionsOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const errors: unknown[] = [];
 * const options: ServeConnectionsOptions = { onError: (error) => errors.push(error) };
 * const loop = serveConnections(undefined, () => ({
 *   run: () => Promise.reject(new Error("broken")),
 *   close: () => {},
 * }), options);
 * await loop.serve(memoryConn([]));
 * assert.equal(errors.length, 1);
 * await loop.close();
 * ```
 */
export interface ServeConnectionsOptions {
  /**
   * Receives what a handler threw or its `run()` rejected with (by default
   * it is dropped: one broken conversation does not stop the server).
   */
  onError?: (error: unknown, conn: Conn) => void;
}

/**
 * The running loop {@linkcode serveConnections} returns.
 *
 * @example Usage
 * ```ts
 * import { type ConnectionLoop, memoryConn, serveConnections } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const loop: ConnectionLoop = serveConnections(undefined, (conn) => ({
 *   run: () => Promise.resolve(conn.close()),
 *   close: () => conn.close(),
 * }));
 * await loop.serve(memoryConn([]));
 * assert.equal(loop.openCount, 0);
 * await loop.close();
 * ```
 */
export interface ConnectionLoop {
  /** How many connections are being served. */
  readonly openCount: number;
  /** Whether {@linkcode ConnectionLoop.close} was called. */
  readonly closed: boolean;
  /**
   * Serves one connection accepted elsewhere (a Unix socket, say) as if it
   * came through the listener; after `close()` it is closed at once.
   *
   * @param conn The connection.
   * @returns Resolves when its conversation ends (never rejects).
   */
  serve(conn: Conn): Promise<void>;
  /**
   * Stops listening, waits for the accept loop to end, closes every open
   * connection and waits for their handlers.
   */
  close(): Promise<void>;
}

/**
 * Serves every connection of `listener` with `handler`, tracking the open
 * ones. Each connection runs on its own: a handler that throws or rejects is
 * reported to `onError` and the others go on. `close()` stops listening,
 * closes what is still open (through each {@linkcode ServedConnection.close})
 * and resolves once every handler has finished; a connection accepted during
 * shutdown is closed at once.
 *
 * @example An echo server
 * ```ts
 * import { connect, listen, serveConnections } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const listener = await listen({ port: 0 });
 * const loop = serveConnections(listener, (conn) => ({
 *   async run() {
 *     const buffer = new Uint8Array(1024);
 *     for (let n; (n = await conn.read(buffer)) !== null;) {
 *       await conn.write(buffer.subarray(0, n));
 *     }
 *     conn.close();
 *   },
 *   close: () => conn.close(),
 * }));
 *
 * const client = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * await client.write(new TextEncoder().encode("ping"));
 * const buffer = new Uint8Array(4);
 * assert.equal(await client.read(buffer), 4);
 * assert.equal(new TextDecoder().decode(buffer), "ping");
 * await loop.close(); // closes the server side of the conversation too
 * assert.equal(await client.read(buffer), null);
 * client.close();
 * ```
 *
 * @param listener Where connections come from (`undefined`: only
 * {@linkcode ConnectionLoop.serve} feeds it).
 * @param handler Makes the conversation of one connection.
 * @param options Where handler errors go.
 * @returns The running loop.
 */
export function serveConnections(
  listener: Listener | undefined,
  handler: (conn: Conn) => ServedConnection,
  options: ServeConnectionsOptions = {},
): ConnectionLoop {
  const open = new Set<ServedConnection>();
  const running = new Set<Promise<void>>();
  let closed = false;

  const failed = (error: unknown, conn: Conn) => {
    try {
      options.onError?.(error, conn);
    } catch {
      // A failing error hook must not stop the loop either.
    }
  };

  const serve = (conn: Conn): Promise<void> => {
    if (closed) {
      conn.close();
      return Promise.resolve();
    }
    let served: ServedConnection;
    let run: Promise<void>;
    try {
      served = handler(conn);
      run = served.run();
    } catch (error) {
      conn.close();
      failed(error, conn);
      return Promise.resolve();
    }
    open.add(served);
    const done: Promise<void> = run.catch((error) => failed(error, conn)).finally(() => {
      open.delete(served);
      running.delete(done);
    });
    running.add(done);
    return done;
  };

  const accepting = listener === undefined ? Promise.resolve() : (async () => {
    for await (const conn of listener) serve(conn);
  })().catch(() => {
    // The listener failed: stop accepting; close() still ends the rest.
  });

  return {
    get openCount() {
      return open.size;
    },
    get closed() {
      return closed;
    },
    serve,
    async close() {
      closed = true;
      listener?.close();
      await accepting;
      for (const served of open) {
        try {
          served.close();
        } catch {
          // Closing one must not keep the others open.
        }
      }
      await Promise.all(running);
    },
  };
}
