// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  BufferedReader,
  type Conn,
  connect,
  listen,
  memoryConn,
  serveConnections,
} from "../../protocols/_core/mod.ts";

const encoder = new TextEncoder();

/** A line echo: answers each line, ends on EOF or close. */
function echo(conn: Conn) {
  return {
    async run() {
      const reader = new BufferedReader(conn);
      try {
        for (let line; (line = await reader.readLineOrNull()) !== null;) {
          await conn.write(encoder.encode(`echo ${line}\r\n`));
        }
      } catch {
        // Closed under us at shutdown.
      } finally {
        conn.close();
      }
    },
    close: () => conn.close(),
  };
}

Deno.test("serveConnections() serves connections side by side and closes the open ones", async () => {
  const listener = await listen({ port: 0 });
  const loop = serveConnections(listener, echo);
  const clients = await Promise.all(
    [1, 2, 3].map(() => connect({ hostname: "127.0.0.1", port: listener.addr.port })),
  );
  const readers = clients.map((client) => new BufferedReader(client));
  for (const [i, client] of clients.entries()) await client.write(encoder.encode(`hi ${i}\r\n`));
  for (const [i, reader] of readers.entries()) {
    assert.equal(await reader.readLine(), `echo hi ${i}`);
  }
  assert.equal(loop.openCount, 3);
  // One client leaves: its handler ends and the loop forgets it.
  clients[0]!.close();
  while (loop.openCount > 2) await new Promise((resolve) => setTimeout(resolve, 5));
  await loop.close();
  assert.equal(loop.closed, true);
  assert.equal(loop.openCount, 0);
  // The server closed the others' conversations.
  assert.equal(await readers[1]!.readLineOrNull(), null);
  assert.equal(await readers[2]!.readLineOrNull(), null);
  clients[1]!.close();
  clients[2]!.close();
});

Deno.test("serveConnections() isolates handler errors and reports them to onError", async () => {
  const errors: string[] = [];
  const thrown = memoryConn([]);
  let thrownClosed = false;
  thrown.close = () => thrownClosed = true;
  const loop = serveConnections(undefined, (conn) => {
    if (conn === thrown) throw new Error("no handler");
    return {
      run: () => Promise.reject(new Error("broken conversation")),
      close: () => conn.close(),
    };
  }, { onError: (error) => errors.push((error as Error).message) });
  await loop.serve(thrown);
  assert.equal(thrownClosed, true);
  // serve() resolves, never rejects, even when run() rejects.
  await loop.serve(memoryConn([]));
  const ok = memoryConn(["ping\r\n"]);
  const served = serveConnections(undefined, echo);
  await served.serve(ok);
  assert.equal(ok.writtenText(), "echo ping\r\n");
  assert.deepEqual(errors, ["no handler", "broken conversation"]);
  await loop.close();
  await served.close();
});

Deno.test("serveConnections() closes a connection served after close() at once", async () => {
  let handled = 0;
  const loop = serveConnections(undefined, (conn) => {
    handled++;
    return echo(conn);
  });
  await loop.close();
  const late = memoryConn(["ping\r\n"]);
  let closed = false;
  late.close = () => closed = true;
  await loop.serve(late);
  assert.equal(closed, true);
  assert.equal(handled, 0);
});

Deno.test("serveConnections() close() waits for every handler to finish", async () => {
  const order: string[] = [];
  const loop = serveConnections(undefined, (conn) => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => stop = resolve);
    return {
      async run() {
        await stopped;
        // Cleanup after close() asked: still awaited by close().
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push("handler done");
        conn.close();
      },
      close: () => {
        order.push("closed");
        stop();
      },
    };
  });
  const served = loop.serve(memoryConn([]));
  assert.equal(loop.openCount, 1);
  await loop.close();
  order.push("close() resolved");
  await served;
  assert.deepEqual(order, ["closed", "handler done", "close() resolved"]);
});
