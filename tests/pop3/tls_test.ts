// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { InvalidArgumentError, TlsError } from "../../protocols/_core/mod.ts";
import { Pop3Client } from "../../protocols/pop3/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { connectTo, scripted, startServer, transcript } from "./_helpers.ts";

Deno.test("Pop3Client upgrades with STLS when offered, then asks CAPA again", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS });
  const log = transcript();
  const client = await connectTo(fixture.server, { onTranscript: log.onTranscript });
  assert.equal(client.secure, true);
  assert.equal(client.capabilities.stls, false);
  const stls = log.lines.indexOf("C: STLS");
  assert.ok(stls > 0);
  assert.ok(log.lines.indexOf("C: CAPA", stls) > stls);
  assert.ok(log.lines.findIndex((l) => l.startsWith("C: AUTH")) > stls);
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

Deno.test('Pop3Client with tls: "none" stays in plaintext', async () => {
  await using fixture = await startServer({ tls: SERVER_TLS });
  const client = await connectTo(fixture.server, { tls: "none", auth: undefined });
  assert.equal(client.secure, false);
  assert.equal(client.capabilities.stls, true);
  await client.login({ username: "ann", password: "pw" });
  assert.equal(client.secure, false);
  await client.close();
});

Deno.test("Pop3Client requireTls fails before credentials when STLS is not offered", async () => {
  await using fixture = await startServer();
  const log = transcript();
  await assert.rejects(
    connectTo(fixture.server, { requireTls: true, onTranscript: log.onTranscript }),
    TlsError,
  );
  assert.ok(!log.lines.some((l) => /^C: (USER|PASS|AUTH|APOP)/.test(l)));
  await assert.rejects(
    connectTo(fixture.server, { requireTls: true, tls: "none" }),
    InvalidArgumentError,
  );
});

Deno.test("Pop3Client requireTls succeeds over STLS", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS, requireTls: true });
  const client = await connectTo(fixture.server, { requireTls: true });
  assert.equal(client.secure, true);
  await client.close();
});

Deno.test("Pop3Server requireTls hides USER and SASL until STLS", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS, requireTls: true });
  const client = await connectTo(fixture.server, {
    tls: { mode: "none", caCerts: [CA_CERT] },
    auth: undefined,
  });
  assert.equal(client.capabilities.user, false);
  assert.deepEqual(client.capabilities.sasl, []);
  await assert.rejects(
    client.login({ username: "ann", password: "pw", method: "user" }),
    (e: unknown) => (e as { responseCode?: string }).responseCode === "AUTH",
  );
  await client.startTls();
  assert.equal(client.secure, true);
  assert.equal(client.capabilities.user, true);
  await client.login({ username: "ann", password: "pw" });
  await client.close();
});

Deno.test("Pop3Client speaks implicit TLS (POP3S)", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS, implicitTls: true });
  const client = await connectTo(fixture.server, { tls: { mode: "implicit", caCerts: [CA_CERT] } });
  assert.equal(client.secure, true);
  assert.equal(client.capabilities.stls, false);
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

Deno.test("Pop3Client rejects an untrusted certificate", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS, implicitTls: true });
  await assert.rejects(
    Pop3Client.connect({ hostname: "127.0.0.1", port: fixture.server.addr.port, tls: "implicit" }),
    TlsError,
  );
});

Deno.test("Pop3Client fails on STLS injection (plaintext after +OK)", async () => {
  const fake = await scripted(async (io) => {
    await io.send("+OK ready\r\n");
    await io.expect("CAPA");
    await io.send("+OK\r\nSTLS\r\nUSER\r\n.\r\n");
    await io.expect("STLS");
    await io.send("+OK go ahead\r\n+OK injected\r\n");
    await io.reader.readLineOrNull().catch(() => null);
  });
  await assert.rejects(
    Pop3Client.connect({ hostname: "127.0.0.1", port: fake.port, timeoutMs: 2000 }),
    (e: unknown) => e instanceof TlsError && /injection/.test(e.message),
  );
  await fake.done;
});

Deno.test("Pop3Client requireTls: a refused STLS is a TlsError", async () => {
  const fake = await scripted(async (io) => {
    await io.send("+OK ready\r\n");
    await io.expect("CAPA");
    await io.send("-ERR no CAPA here\r\n");
    await io.expect("STLS");
    await io.send("-ERR no TLS either\r\n");
    await io.reader.readLineOrNull().catch(() => null);
  });
  await assert.rejects(
    Pop3Client.connect({ hostname: "127.0.0.1", port: fake.port, requireTls: true }),
    (e: unknown) => e instanceof TlsError && /no TLS either/.test(e.message),
  );
  await fake.done;
});

Deno.test("Pop3Server drops a client that pipelines plaintext after STLS", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS });
  const { connect, BufferedReader } = await import("../../protocols/_core/mod.ts");
  const conn = await connect({ hostname: "127.0.0.1", port: fixture.server.addr.port });
  const reader = new BufferedReader(conn);
  assert.match(await reader.readLine(), /^\+OK/);
  await conn.write(new TextEncoder().encode("STLS\r\nUSER ann\r\n"));
  assert.match(await reader.readLine(), /^\+OK Begin TLS/);
  assert.equal(await reader.readLineOrNull(), null);
  conn.close();
});
