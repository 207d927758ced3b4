// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { TlsError, type TranscriptEntry } from "../../protocols/_core/mod.ts";
import { SmtpClient, SmtpExtensionError, SmtpServer } from "../../protocols/smtp/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { EHLO_REPLY, rawServer } from "./_helpers.ts";

const body = "Subject: tls\r\n\r\nsecret\r\n";

Deno.test("SmtpClient upgrades with STARTTLS and says EHLO again", async () => {
  await using server = await SmtpServer.listen({ tls: SERVER_TLS, accounts: { ann: "pw" } });
  const log: TranscriptEntry[] = [];
  await using client = await SmtpClient.connect({
    hostname: "localhost",
    port: server.port,
    tls: { mode: "starttls", caCerts: [CA_CERT] },
    requireTls: true,
    auth: { username: "ann", password: "pw" },
    onTranscript: (entry) => log.push(entry),
  });
  assert.equal(client.secure, true);
  assert.equal(client.extensions.startTls, false);
  assert.equal(client.extensions.requireTls, true);
  assert.equal(log.filter((e) => e.line.startsWith("EHLO")).length, 2);
  await client.sendMail({ from: "a@x.org", to: ["b@x.org"], body, requireTls: true });
  const tx = server.transactions[0]!;
  assert.equal(tx.session.secure, true);
  assert.equal(tx.mailParams.get("REQUIRETLS"), "");
});

Deno.test("SmtpClient uses STARTTLS by default when offered and verifies the certificate", async () => {
  await using server = await SmtpServer.listen({ tls: SERVER_TLS });
  // The test CA is not trusted by default: verification fails, no silent fallback.
  await assert.rejects(SmtpClient.connect({ hostname: "localhost", port: server.port }), TlsError);
  await using client = await SmtpClient.connect({
    hostname: "localhost",
    port: server.port,
    tls: { caCerts: [CA_CERT] },
  });
  assert.equal(client.secure, true);
});

Deno.test("SmtpClient requireTls fails when the server offers no STARTTLS", async () => {
  await using server = await SmtpServer.listen();
  const error = await SmtpClient.connect({ port: server.port, requireTls: true }).catch((e) => e);
  assert.ok(error instanceof TlsError);
  assert.match(error.message, /does not offer STARTTLS/);
  // Without requireTls the session continues in clear text.
  await using client = await SmtpClient.connect({ port: server.port });
  assert.equal(client.secure, false);
  await assert.rejects(
    client.sendMail({ from: "a@x.org", to: ["b@x.org"], body, requireTls: true }),
    SmtpExtensionError,
  );
});

Deno.test("SmtpClient refuses STARTTLS injection (bytes after the 220 go-ahead)", async () => {
  const server = await rawServer(async (_conn, reader, write) => {
    await write("220 fake.test\r\n");
    await reader.readLine();
    await write(EHLO_REPLY.replace("250 8BITMIME", "250 STARTTLS"));
    await reader.readLine();
    await write("220 2.0.0 go ahead\r\n250 injected\r\n");
    await reader.readLineOrNull().catch(() => null);
  });
  try {
    const error = await SmtpClient.connect({
      hostname: "localhost",
      port: server.port,
      tls: { caCerts: [CA_CERT] },
    })
      .catch((e) => e);
    assert.ok(error instanceof TlsError, String(error));
    assert.match(error.message, /STARTTLS injection/);
  } finally {
    await server.close();
  }
});

Deno.test("SmtpClient speaks implicit TLS", async () => {
  await using server = await SmtpServer.listen({ tls: SERVER_TLS, implicitTls: true });
  await using client = await SmtpClient.connect({
    hostname: "localhost",
    port: server.port,
    tls: { mode: "implicit", caCerts: [CA_CERT] },
  });
  assert.equal(client.secure, true);
  await client.sendMail({ from: "a@x.org", to: ["b@x.org"], body });
  assert.equal(server.transactions[0]!.session.secure, true);
});

Deno.test("SmtpClient: implicit TLS to a plain SMTP port says so", async () => {
  await using server = await SmtpServer.listen({ tls: SERVER_TLS });
  const error = await SmtpClient.connect({
    hostname: "localhost",
    port: server.port,
    tls: { mode: "implicit", caCerts: [CA_CERT] },
  }).catch((e) => e);
  assert.ok(error instanceof TlsError, String(error));
  assert.match(
    error.message,
    new RegExp(`port ${server.port} speaks plain SMTP; use tls: 'starttls'`),
  );
});

Deno.test("SmtpClient: plain or STARTTLS to an implicit-TLS port says so instead of hanging", async () => {
  await using server = await SmtpServer.listen({ tls: SERVER_TLS, implicitTls: true });
  for (const mode of ["starttls", "none"] as const) {
    const error = await SmtpClient.connect({
      hostname: "localhost",
      port: server.port,
      tls: mode,
      tlsProbeDelayMs: 30,
    }).catch((e) => e);
    assert.ok(error instanceof TlsError, String(error));
    assert.match(
      error.message,
      new RegExp(`port ${server.port} speaks implicit TLS; use tls: 'implicit'`),
    );
  }
});

Deno.test("SmtpClient: TLS records instead of a greeting give TlsError", async () => {
  const server = await rawServer(async (conn) => {
    await conn.write(new Uint8Array([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]));
  });
  try {
    const error = await SmtpClient.connect({ port: server.port, tls: "none" }).catch((e) => e);
    assert.ok(error instanceof TlsError, String(error));
    assert.match(error.message, /implicit TLS/);
  } finally {
    await server.close();
  }
});

Deno.test("SmtpClient: a slow greeting from a plain server is not mistaken for TLS", async () => {
  const server = await rawServer(async (_conn, reader, write) => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await write("220 slow.test\r\n");
    await reader.readLine();
    await write("250 slow.test\r\n");
    await reader.readLineOrNull().catch(() => null);
  });
  try {
    const client = await SmtpClient.connect({
      port: server.port,
      tls: "none",
      tlsProbeDelayMs: 20,
    });
    assert.equal(client.greeting, "slow.test");
    client.destroy();
  } finally {
    await server.close();
  }
});

Deno.test("SmtpClient with tls: 'starttls' named fails when STARTTLS is not offered or refused", async () => {
  await using server = await SmtpServer.listen();
  await assert.rejects(SmtpClient.connect({ port: server.port, tls: "starttls" }), TlsError);
  const refusing = await rawServer(async (_conn, reader, write) => {
    await write("220 fake.test\r\n");
    await reader.readLine();
    await write(EHLO_REPLY.replace("250 8BITMIME", "250 STARTTLS"));
    await reader.readLine();
    await write("454 4.7.0 TLS not available\r\n");
    await reader.readLineOrNull().catch(() => null);
  });
  try {
    const error = await SmtpClient.connect({ port: refusing.port, tls: { mode: "starttls" } })
      .catch((e) => e);
    assert.ok(error instanceof TlsError);
    assert.match(error.message, /454/);
  } finally {
    await refusing.close();
  }
});
