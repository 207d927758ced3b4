// Copyright 2026 the portline authors. MIT license.
// Idle pooled connections are watched: bytes no request asked for, arriving
// late, close the connection instead of being read as the next response.
import assert from "../_assert.ts";
import { type Conn, listen } from "../../protocols/_core/mod.ts";
import { HttpAgent } from "../../protocols/http/mod.ts";

const encoder = new TextEncoder();

/** Reads until the end of a request head (bodiless requests only). */
async function readHead(conn: Conn): Promise<boolean> {
  const buf = new Uint8Array(4096);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) return false;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return true;
}

Deno.test("HttpAgent drops an idle connection that receives bytes nobody asked for", async () => {
  // First connection: a response, then (later, unasked) a forged second one.
  // Every later connection: an honest response.
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const held: Conn[] = [];
  let forged!: () => void;
  const forgedSent = new Promise<void>((resolve) => forged = resolve);
  const serving = (async () => {
    for (let i = 0;; i++) {
      const conn = await listener.accept();
      if (conn === null) return;
      held.push(conn);
      (async () => {
        while (await readHead(conn)) {
          if (i === 0) {
            await conn.write(encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
            await new Promise((resolve) => setTimeout(resolve, 20));
            await conn.write(encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"));
            forged();
          } else {
            await conn.write(encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood"));
          }
        }
      })().catch(() => {});
    }
  })();
  try {
    await using agent = new HttpAgent({ proxy: null });
    const url = `http://127.0.0.1:${listener.addr.port}/`;
    assert.equal(await (await agent.fetch(url)).text(), "ok");
    await forgedSent;
    // The watch closes the connection once the forged bytes arrive (polled).
    for (let i = 0; i < 200 && agent.stats.open > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(await (await agent.fetch(url)).text(), "good");
    assert.equal(agent.stats.connections, 2);
  } finally {
    listener.close();
    await serving;
    for (const conn of held) conn.close();
  }
});
