// Copyright 2026 the portline authors. MIT license.
// The one `tls` option (core TlsSetting): each mode against the in-process
// server, "starttls" failing closed, a misspelt mode, and the default port
// following the mode.
import assert from "../_assert.ts";
import {
  connect,
  ConnectError,
  InvalidArgumentError,
  memoryConn,
  TlsError,
  type TlsSetting,
} from "../../protocols/_core/mod.ts";
import { Pop3Client } from "../../protocols/pop3/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { connectTo, scripted, startServer, transcript } from "./_helpers.ts";

const CREDENTIALS = /^C: (USER|PASS|AUTH|APOP)/;

Deno.test('Pop3Client tls: "implicit" speaks TLS from the first byte', async () => {
  await using fixture = await startServer({ tls: SERVER_TLS, implicitTls: true });
  const log = transcript();
  const client = await connectTo(fixture.server, {
    tls: { mode: "implicit", caCerts: [CA_CERT] },
    onTranscript: log.onTranscript,
  });
  assert.equal(client.secure, true);
  assert.ok(!log.lines.includes("C: STLS"));
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

Deno.test('Pop3Client tls: "starttls" upgrades before sending credentials', async () => {
  await using fixture = await startServer({ tls: SERVER_TLS });
  const log = transcript();
  const client = await connectTo(fixture.server, {
    tls: { mode: "starttls", caCerts: [CA_CERT] },
    onTranscript: log.onTranscript,
  });
  assert.equal(client.secure, true);
  const stls = log.lines.indexOf("C: STLS");
  assert.ok(stls > 0);
  assert.ok(log.lines.findIndex((l) => CREDENTIALS.test(l)) > stls);
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

Deno.test('Pop3Client tls: "starttls" not offered is a TlsError, no credentials sent', async () => {
  await using fixture = await startServer(); // no TLS: CAPA lacks STLS
  const log = transcript();
  await assert.rejects(
    connectTo(fixture.server, {
      tls: { mode: "starttls", caCerts: [CA_CERT] },
      onTranscript: log.onTranscript,
    }),
    (e: unknown) => e instanceof TlsError && /does not offer STLS/.test(e.message),
  );
  assert.ok(log.lines.length > 0);
  assert.ok(!log.lines.some((l) => CREDENTIALS.test(l)), log.lines.join("\n"));
  assert.ok(!log.lines.includes("C: STLS"));
});

Deno.test('Pop3Client tls: "starttls" tries STLS without CAPA and fails on refusal', async () => {
  const fake = await scripted(async (io) => {
    await io.send("+OK ready\r\n");
    await io.expect("CAPA");
    await io.send("-ERR no CAPA here\r\n");
    await io.expect("STLS");
    await io.send("-ERR no TLS either\r\n");
    await io.reader.readLineOrNull().catch(() => null);
  });
  await assert.rejects(
    Pop3Client.connect({
      hostname: "127.0.0.1",
      port: fake.port,
      tls: "starttls",
      auth: { username: "ann", password: "pw" },
    }),
    (e: unknown) => e instanceof TlsError && /no TLS either/.test(e.message),
  );
  await fake.done;
  assert.ok(!fake.reads.some((r) => /USER|PASS|AUTH|APOP/.test(r)));
});

Deno.test('Pop3Client tls: "none" never sends STLS, even when offered', async () => {
  await using fixture = await startServer({ tls: SERVER_TLS });
  const log = transcript();
  const client = await connectTo(fixture.server, {
    tls: "none",
    auth: undefined,
    onTranscript: log.onTranscript,
  });
  assert.equal(client.secure, false);
  assert.equal(client.capabilities.stls, true);
  await client.login({ username: "ann", password: "pw" });
  assert.ok(!log.lines.includes("C: STLS"));
  assert.equal((await client.stat()).count, 3);
  await client.close();
});

Deno.test("Pop3Client with no mode named uses STLS when offered, plaintext otherwise", async () => {
  await using withTls = await startServer({ tls: SERVER_TLS });
  const upgraded = await connectTo(withTls.server, { tls: { caCerts: [CA_CERT] } });
  assert.equal(upgraded.secure, true);
  await upgraded.close();
  await using plain = await startServer();
  const clear = await connectTo(plain.server, { tls: undefined });
  assert.equal(clear.secure, false);
  assert.equal(clear.state, "transaction");
  await clear.close();
});

Deno.test("Pop3Client with no mode named on port 995 expects implicit TLS", async () => {
  await using fixture = await startServer();
  const conn = await connect({ hostname: "127.0.0.1", port: fixture.server.addr.port });
  // fromConn over a plaintext connection that claims port 995: not encrypted.
  await assert.rejects(
    Pop3Client.fromConn(conn, { hostname: "127.0.0.1", port: 995 }),
    (e: unknown) => e instanceof TlsError && /not encrypted/.test(e.message),
  );
});

Deno.test("Pop3Client's default port follows the TLS mode", async () => {
  // Nothing listens on 127.0.0.1:110/995 here; the refusal names the port.
  const portOf = async (tls: TlsSetting | undefined) => {
    try {
      const client = await Pop3Client.connect({ hostname: "127.0.0.1", tls, timeoutMs: 2000 });
      client.destroy();
      return "connected";
    } catch (error) {
      if (!(error instanceof ConnectError)) return "other";
      return /\b995\b/.test(error.message) ? "995" : /\b110\b/.test(error.message) ? "110" : "?";
    }
  };
  const implicit = await portOf("implicit");
  const none = await portOf("none");
  const unnamed = await portOf(undefined);
  if (implicit === "connected" || implicit === "other") return; // something listens here
  assert.equal(implicit, "995");
  if (none === "connected" || none === "other") return;
  assert.equal(none, "110");
  assert.equal(unnamed, "110");
});

Deno.test("Pop3Client rejects a misspelt TLS mode with a TypeError", async () => {
  await using fixture = await startServer({ tls: SERVER_TLS });
  await assert.rejects(
    connectTo(fixture.server, { tls: "startls" as TlsSetting }),
    (e: unknown) => e instanceof TypeError && /Unknown TLS mode "startls"/.test(e.message),
  );
  await assert.rejects(
    connectTo(fixture.server, { tls: { mode: "tls" } as unknown as TlsSetting }),
    TypeError,
  );
  let closed = false;
  const inner = memoryConn(["+OK ready\r\n"]);
  const conn = Object.assign(Object.create(inner), {
    close: () => {
      closed = true;
      inner.close();
    },
  });
  await assert.rejects(
    Pop3Client.fromConn(conn, { hostname: "memory", tls: "Implicit" as TlsSetting }),
    TypeError,
  );
  assert.equal(closed, true);
  assert.equal(inner.writtenText(), "");
});

Deno.test('Pop3Client refuses requireTls with tls: "none"', async () => {
  await assert.rejects(
    Pop3Client.connect({ hostname: "127.0.0.1", port: 1, tls: "none", requireTls: true }),
    InvalidArgumentError,
  );
});

Deno.test('Pop3Client requireTls with no mode fails like "starttls" when STLS is absent', async () => {
  await using fixture = await startServer();
  const log = transcript();
  await assert.rejects(
    connectTo(fixture.server, { requireTls: true, onTranscript: log.onTranscript }),
    TlsError,
  );
  assert.ok(!log.lines.some((l) => CREDENTIALS.test(l)));
});
