// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  fromBase64,
  SaslServerExchange,
  toBase64,
  type TranscriptEntry,
} from "../../protocols/_core/mod.ts";
import { SmtpClient, SmtpExtensionError, SmtpServer } from "../../protocols/smtp/mod.ts";
import { EHLO_REPLY, rawServer } from "./_helpers.ts";

const accounts = { ann: "s3cret pässword" };
const tokens = { ann: "ya29.token" };

for (const mechanism of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]) {
  Deno.test(`SmtpClient.authenticate() with ${mechanism}, credentials redacted`, async () => {
    await using server = await SmtpServer.listen({ accounts, requireAuth: true });
    const log: TranscriptEntry[] = [];
    await using client = await SmtpClient.connect({
      port: server.port,
      tls: "none",
      auth: { username: "ann", password: accounts.ann, mechanism },
      onTranscript: (entry) => log.push(entry),
    });
    assert.equal(client.user, "ann");
    await client.sendMail({ from: "ann@x.org", to: ["b@x.org"], body: "Subject: a\r\n\r\nb\r\n" });
    assert.equal(server.transactions[0]!.session.user, "ann");
    const sent = log.filter((e) => e.direction === "send").map((e) => e.line);
    const auth = sent.find((line) => line.startsWith("AUTH"))!;
    assert.ok(auth === `AUTH ${mechanism}` || auth === `AUTH ${mechanism} ****`, auth);
    const all = JSON.stringify(log);
    assert.ok(!all.includes("s3cret"));
    assert.ok(!all.includes(toBase64(new TextEncoder().encode("ann"))) || mechanism === "CRAM-MD5");
    for (const line of sent.slice(sent.indexOf(auth) + 1)) {
      if (line.startsWith("MAIL")) break;
      assert.equal(line, "****");
    }
  });
}

Deno.test("SmtpClient picks the strongest mechanism offered", async () => {
  await using server = await SmtpServer.listen({
    accounts,
    authMechanisms: ["PLAIN", "LOGIN", "SCRAM-SHA-1", "CRAM-MD5"],
  });
  const log: TranscriptEntry[] = [];
  await using _client = await SmtpClient.connect({
    port: server.port,
    tls: "none",
    auth: { username: "ann", password: accounts.ann },
    onTranscript: (entry) => log.push(entry),
  });
  assert.ok(log.some((e) => e.line.startsWith("AUTH SCRAM-SHA-1")));
});

for (const mechanism of ["XOAUTH2", "OAUTHBEARER"]) {
  Deno.test(`SmtpClient.authenticate() with ${mechanism} and an access token`, async () => {
    await using server = await SmtpServer.listen({ tokens });
    await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
    await client.authenticate({ username: "ann", accessToken: "ya29.token", mechanism });
    assert.equal(client.user, "ann");

    await using other = await SmtpClient.connect({ port: server.port, tls: "none" });
    const error = await other.authenticate({ username: "ann", accessToken: "expired", mechanism })
      .catch((e) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.replyCode, 535);
    // The session survives the failed exchange.
    await other.noop();
  });
}

Deno.test("SmtpClient picks OAUTHBEARER for a token when offered", async () => {
  await using server = await SmtpServer.listen({ tokens });
  const log: TranscriptEntry[] = [];
  await using _client = await SmtpClient.connect({
    port: server.port,
    tls: "none",
    auth: { username: "ann", accessToken: "ya29.token" },
    onTranscript: (entry) => log.push(entry),
  });
  assert.ok(log.some((e) => e.line === "AUTH OAUTHBEARER ****"));
});

Deno.test("SmtpClient.authenticate() wrong password gives AuthenticationError (535)", async () => {
  await using server = await SmtpServer.listen({ accounts });
  for (const mechanism of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"]) {
    await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
    const error = await client.authenticate({ username: "ann", password: "wrong", mechanism })
      .catch((e) => e);
    assert.ok(error instanceof AuthenticationError, `${mechanism}: ${error}`);
    assert.equal(error.replyCode, 535);
    assert.equal(error.enhancedCode, "5.7.8");
    assert.ok(!String(error.command).includes("wrong"));
    await client.noop();
  }
});

Deno.test("SmtpClient.authenticate() without AUTH offered gives SmtpExtensionError", async () => {
  await using server = await SmtpServer.listen();
  await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
  await assert.rejects(client.authenticate({ username: "a", password: "b" }), SmtpExtensionError);
  await assert.rejects(
    client.authenticate({ username: "a", password: "b", mechanism: "PLAIN" }),
    SmtpExtensionError,
  );
});

/** A SCRAM server that does the real exchange but signs its final message with the wrong key. */
async function impostor(sendsFinal: boolean) {
  return await rawServer(async (_conn, reader, write) => {
    await write("220 fake.test\r\n");
    await reader.readLine();
    await write("250-fake.test\r\n250 AUTH SCRAM-SHA-256\r\n");
    const auth = await reader.readLine();
    const exchange = new SaslServerExchange("SCRAM-SHA-256", { password: () => "pw" });
    const first = exchange.start(fromBase64(auth.split(" ")[2]!));
    if (first.kind !== "challenge") throw new Error("unexpected");
    await write(`334 ${toBase64(first.data)}\r\n`);
    const step = exchange.respond(fromBase64(await reader.readLine()));
    if (step.kind !== "success") throw new Error("unexpected");
    if (sendsFinal) {
      await write(`334 ${toBase64(new TextEncoder().encode("v=" + "A".repeat(44)))}\r\n`);
      const answer = await reader.readLine();
      await write(answer === "*" ? "501 5.0.0 cancelled\r\n" : "235 2.7.0 ok\r\n");
    } else {
      await write("235 2.7.0 ok\r\n");
    }
    await reader.readLineOrNull().catch(() => null);
  });
}

Deno.test("SmtpClient rejects a SCRAM server whose signature does not verify", async () => {
  for (const sendsFinal of [true, false]) {
    const server = await impostor(sendsFinal);
    try {
      const error = await SmtpClient.connect({
        port: server.port,
        tls: "none",
        auth: { username: "ann", password: "pw" },
      }).catch((e) => e);
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.match(error.message, sendsFinal ? /signature/ : /prove/);
    } finally {
      await server.close();
    }
  }
});

Deno.test("SmtpClient sends PLAIN without an initial response when the line would be too long", async () => {
  const long = "x".repeat(600);
  await using server = await SmtpServer.listen({ accounts: { [long]: "pw" } });
  const log: TranscriptEntry[] = [];
  await using client = await SmtpClient.connect({
    port: server.port,
    tls: "none",
    onTranscript: (e) => log.push(e),
  });
  await client.authenticate({ username: long, password: "pw", mechanism: "PLAIN" });
  assert.ok(log.some((e) => e.line === "AUTH PLAIN"));
  assert.ok(log.some((e) => e.line.startsWith("334")));
});

Deno.test("SmtpClient cancels on a challenge that is not base64", async () => {
  const server = await rawServer(async (_conn, reader, write) => {
    await write("220 fake.test\r\n");
    await reader.readLine();
    await write(EHLO_REPLY.replace("250 8BITMIME", "250 AUTH LOGIN"));
    await reader.readLine();
    await write("334 !!!not base64!!!\r\n");
    const line = await reader.readLine();
    await write(line === "*" ? "501 5.0.0 cancelled\r\n" : "500 what\r\n");
    await reader.readLine();
    await write("250 ok\r\n");
    await reader.readLineOrNull().catch(() => null);
  });
  try {
    const client = await SmtpClient.connect({ port: server.port, tls: "none" });
    await assert.rejects(
      client.authenticate({ username: "a", password: "b" }),
      AuthenticationError,
    );
    await client.noop();
    client.destroy();
  } finally {
    await server.close();
  }
});
