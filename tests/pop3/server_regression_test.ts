// Copyright 2026 the portline authors. MIT license.
// Regression tests of the in-process Pop3Server for what the server fuzz
// tests found: each sends the minimal input over a real connection.
import assert from "../_assert.ts";
import { BufferedReader, type Conn, connect, startTls } from "../../protocols/_core/mod.ts";
import { Pop3Server } from "../../protocols/pop3/mod.ts";
import { within } from "../core/_chunks.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { ACCOUNTS, encoder, seededStore } from "./_helpers.ts";

Deno.test("Pop3Server: replies echo client text as printable ASCII only", async () => {
  await using server = await Pop3Server.listen({ store: await seededStore(), accounts: ACCOUNTS });
  const conn: Conn = await connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    const reader = new BufferedReader(conn);
    await reader.readLine(); // the greeting
    await conn.write(encoder.encode("NO\0OP\r\nX\rY\r\nAUTH \xe9\r\n"));
    const lines = [];
    for (let i = 0; i < 3; i++) lines.push(await within(3000, "reply", reader.readLine()));
    assert.deepEqual(lines, [
      '-ERR unknown command "NO?OP"',
      '-ERR unknown command "X?Y"',
      '-ERR mechanism "?" not supported',
    ]);
  } finally {
    conn.close();
  }
});

Deno.test("Pop3Server: the 16 KiB line limit still holds after STLS", async () => {
  await using server = await Pop3Server.listen({
    store: await seededStore(),
    accounts: ACCOUNTS,
    tls: SERVER_TLS,
  });
  let conn: Conn = await connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    let reader = new BufferedReader(conn);
    await reader.readLine(); // the greeting
    await conn.write(encoder.encode("STLS\r\n"));
    assert.match(await reader.readLine(), /^\+OK/);
    conn = await startTls(conn, { hostname: "127.0.0.1", caCerts: [CA_CERT] });
    reader = new BufferedReader(conn);
    // Before: the reader made after STLS took the 64 KiB default.
    await conn.write(encoder.encode("NOOP " + "x".repeat(20_000) + "\r\n"));
    assert.equal(await within(3000, "reply", reader.readLine()), "-ERR Line too long");
  } finally {
    conn.close();
  }
});

Deno.test("Pop3Server: accounts that throw reach onError (before: silently dropped)", async () => {
  const errors: unknown[] = [];
  const boom = new Error("boom");
  await using server = await Pop3Server.listen({
    store: await seededStore(),
    accounts: {
      password: () => {
        throw boom;
      },
    },
    onError: (error) => errors.push(error),
  });
  const conn: Conn = await connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    const reader = new BufferedReader(conn);
    await reader.readLine(); // the greeting
    await conn.write(encoder.encode("USER ann\r\nPASS pw\r\n"));
    // The session ends (its queued replies with it); the error is reported.
    while ((await within(3000, "close", reader.readLineOrNull())) !== null);
  } finally {
    conn.close();
  }
  await server.close();
  assert.deepEqual(errors, [boom]);
});
