// Copyright 2026 the portline authors. MIT license.
// A connection that hands out bytes already read (a proxy tunnel's
// over-read) before reading on, and gives its inner connection back to
// startTls only once they are consumed.
import assert from "../_assert.ts";
import { memoryConn, startTls } from "../../protocols/_core/mod.ts";
import { prefixConn, unprefixConn } from "../../protocols/_core/prefixed_conn.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("prefixConn: the prefix comes first, in pieces as large as the buffer", async () => {
  const inner = memoryConn(["world\r\n"]);
  const conn = prefixConn(inner, bytes("220 hello "));
  const buffer = new Uint8Array(4);
  const parts: string[] = [];
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    parts.push(text(buffer.subarray(0, n)));
  }
  assert.deepEqual(parts, ["220 ", "hell", "o ", "worl", "d\r\n"]);
});

Deno.test("prefixConn: keeps a copy of the prefix, writes go through", async () => {
  const prefix = bytes("abc");
  const inner = memoryConn([]);
  const conn = prefixConn(inner, prefix);
  prefix.fill(0);
  const buffer = new Uint8Array(8);
  assert.equal(await conn.read(buffer), 3);
  assert.equal(text(buffer.subarray(0, 3)), "abc");
  await conn.write(bytes("NOOP\r\n"));
  assert.equal(inner.writtenText(), "NOOP\r\n");
  assert.equal(conn.secure, false);
});

Deno.test("prefixConn: no prefix, no wrapper", () => {
  const inner = memoryConn([]);
  assert.equal(prefixConn(inner, new Uint8Array(0)), inner);
  assert.equal(unprefixConn(inner), inner);
});

Deno.test("unprefixConn: the inner connection only once the prefix is read", async () => {
  const inner = memoryConn([]);
  const conn = prefixConn(inner, bytes("xy"));
  assert.throws(() => unprefixConn(conn), TypeError);
  await conn.read(new Uint8Array(1));
  assert.throws(() => unprefixConn(conn), /1 bytes the server sent before the handshake/);
  await conn.read(new Uint8Array(1));
  assert.equal(unprefixConn(conn), inner);
});

Deno.test("startTls refuses a tunnel whose server spoke before the handshake", () => {
  const conn = prefixConn(memoryConn([]), bytes("220 early\r\n"));
  assert.throws(
    () => startTls(conn, { hostname: "localhost" }),
    /bytes the server sent before the handshake are unread/,
  );
});
