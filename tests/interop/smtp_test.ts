// Copyright 2026 the portline authors. MIT license.
// SmtpClient against our own postfix 3.7 (scripts/interop/setup_30_postfix.sh):
// STARTTLS on 12525, implicit TLS on 12465, SASL through dovecot, delivery
// by virtual(8) into $RUN/mail/<user>/Maildir. Each message is found in the
// Maildir and compared byte for byte once the trace headers postfix prepends
// are removed and CRLF is taken as LF.
// LmtpClient against dovecot's LMTP (setup_20_dovecot.sh, 127.0.0.1:12424,
// STARTTLS), which stores into the same Maildirs.
// Run: bash scripts/interop/run.sh --setup-only && deno test -A tests/interop/smtp_test.ts
import assert from "../_assert.ts";
import { readFileSync } from "node:fs";
import { delivered } from "./_helpers.ts";
import { TlsError } from "../../protocols/_core/mod.ts";
import { MailMessage, parseMail } from "../../protocols/mail/mod.ts";
import { HttpTestServer } from "../../protocols/http/mod.ts";
import {
  LmtpClient,
  SmtpClient,
  type SmtpClientOptions,
  SmtpRecipientsRefusedError,
} from "../../protocols/smtp/mod.ts";

const RUN = Deno.env.get("PORTLINE_INTEROP_DIR") ?? ".interop";
const CA = readFileSync(`${RUN}/certs/ca.pem`, "utf8");
const STARTTLS_PORT = 12525;
const IMPLICIT_PORT = 12465;
const LMTP_PORT = 12424;
const dec = new TextDecoder();

function options(extra: Partial<SmtpClientOptions> = {}): SmtpClientOptions {
  return {
    hostname: "localhost",
    port: STARTTLS_PORT,
    tls: { mode: "starttls", caCerts: [CA] },
    requireTls: true,
    auth: { username: "alice", password: "secret" },
    timeoutMs: 20_000,
    ...extra,
  };
}

/** Removes the trace headers postfix prepends and turns LF into CRLF. */
function withoutTrace(stored: Uint8Array): string {
  const lines = dec.decode(stored).split("\n");
  let i = 0;
  for (;;) {
    const line = lines[i] ?? "";
    if (/^(Return-Path|Delivered-To|Received|X-Original-To):/i.test(line)) {
      i++;
      while (/^[ \t]/.test(lines[i] ?? "")) i++;
      continue;
    }
    break;
  }
  return lines.slice(i).join("\r\n");
}

function marker(): string {
  return `portline-${crypto.randomUUID()}`;
}

function simple(id: string, extra = ""): string {
  return `Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nFrom: ann@example.org\r\nTo: alice@portline.test\r\nSubject: interop ${id}\r\n` +
    `Message-ID: <${id}@portline.test>\r\n${extra}\r\nHello from portline.\r\n.leading dot\r\n`;
}

Deno.test("postfix: EHLO before and after STARTTLS", async () => {
  await using client = await SmtpClient.connect(options({ auth: undefined }));
  const ext = client.extensions;
  assert.equal(client.secure, true);
  assert.equal(ext.startTls, false);
  for (
    const flag of [
      "pipelining",
      "size",
      "eightBitMime",
      "dsn",
      "smtpUtf8",
      "chunking",
      "enhancedStatusCodes",
    ] as const
  ) {
    assert.equal(ext[flag], true, flag);
  }
  assert.equal(ext.maxSize, 52428800);
  for (const name of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]) {
    assert.ok(ext.auth.includes(name), `${name} in ${ext.auth}`);
  }
});

for (const mechanism of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]) {
  Deno.test(`postfix: AUTH ${mechanism} over STARTTLS, delivered byte for byte`, async () => {
    await using client = await SmtpClient.connect(
      options({ auth: { username: "alice", password: "secret", mechanism } }),
    );
    assert.equal(client.user, "alice");
    const id = marker();
    const body = simple(id);
    const result = await client.sendMail({
      from: "ann@example.org",
      to: ["alice@portline.test"],
      body,
    });
    assert.deepEqual(result.accepted, ["alice@portline.test"]);
    assert.equal(withoutTrace(await delivered("alice", id)), body);
  });
}

Deno.test("postfix: wrong password is an AuthenticationError", async () => {
  const error = await SmtpClient.connect(options({ auth: { username: "alice", password: "nope" } }))
    .catch((e) => e);
  assert.equal(error?.code, "ERR_AUTH");
  assert.equal(error.replyCode, 535);
});

Deno.test("postfix: implicit TLS on 12465", async () => {
  await using client = await SmtpClient.connect(
    options({ port: IMPLICIT_PORT, tls: { mode: "implicit", caCerts: [CA] } }),
  );
  assert.equal(client.secure, true);
  const id = marker();
  const body = simple(id);
  await client.sendMail({ from: "ann@example.org", to: ["bob@portline.test"], body });
  assert.equal(withoutTrace(await delivered("bob", id)), body);
});

Deno.test("postfix: a TLS mode that does not match the port says so", async () => {
  const implicitToPlain = await SmtpClient.connect(
    options({ tls: { mode: "implicit", caCerts: [CA] }, auth: undefined }),
  ).catch((e) => e);
  assert.ok(implicitToPlain instanceof TlsError);
  assert.match(implicitToPlain.message, /speaks plain SMTP; use tls: 'starttls'/);
  const plainToImplicit = await SmtpClient.connect(
    options({ port: IMPLICIT_PORT, tlsProbeDelayMs: 200, auth: undefined }),
  ).catch((e) => e);
  assert.ok(plainToImplicit instanceof TlsError);
  assert.match(plainToImplicit.message, /speaks implicit TLS; use tls: 'implicit'/);
});

Deno.test("postfix: a refused recipient in a batch; the others get the message", async () => {
  await using client = await SmtpClient.connect(options());
  const id = marker();
  const body = simple(id);
  const result = await client.sendMail({
    from: "ann@example.org",
    to: ["alice@portline.test", "nobody@portline.test", "bob@portline.test"],
    body,
  });
  assert.deepEqual(result.accepted, ["alice@portline.test", "bob@portline.test"]);
  assert.equal(result.rejected.length, 1);
  assert.equal(result.rejected[0]!.address, "nobody@portline.test");
  assert.equal(result.rejected[0]!.replyCode, 550);
  assert.equal(result.rejected[0]!.enhancedCode, "5.1.1");
  assert.equal(withoutTrace(await delivered("alice", id)), body);
  assert.equal(withoutTrace(await delivered("bob", id)), body);
  // Everyone refused: an error, and the session stays usable.
  const error = await client.sendMail({ from: "ann@example.org", to: ["x@portline.test"], body })
    .catch((e) => e);
  assert.ok(error instanceof SmtpRecipientsRefusedError);
  await client.noop();
});

for (const chunking of [true, false]) {
  Deno.test(`postfix: a 5 MB attachment (${chunking ? "BDAT" : "DATA"}) arrives intact`, async () => {
    await using client = await SmtpClient.connect(options({ chunking }));
    const id = marker();
    const attachment = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < attachment.length; i += 65536) {
      crypto.getRandomValues(attachment.subarray(i, i + 65536));
    }
    const message = new MailMessage({
      from: "ann@example.org",
      to: "alice@portline.test",
      subject: `big ${id}`,
      text: "See the attachment.",
      attachments: [{ filename: "random.bin", content: attachment }],
      headers: { "X-Portline-Test": id },
    });
    const bytes = await message.bytes();
    let progress = 0;
    const result = await client.sendMessage(message, { onProgress: (n) => progress = n });
    assert.deepEqual(result.accepted, ["alice@portline.test"]);
    assert.ok(progress >= bytes.byteLength);
    assert.equal(withoutTrace(await delivered("alice", id)), dec.decode(bytes));
  });
}

Deno.test("postfix: a UTF-8 subject, encoded and raw (SMTPUTF8)", async () => {
  await using client = await SmtpClient.connect(options());
  const id = marker();
  const message = new MailMessage({
    from: "Jörg Müller <ann@example.org>",
    to: "alice@portline.test",
    subject: `Grüße aus Köln ✓ ${id}`,
    text: "Schöne Grüße — ✓",
    headers: { "X-Portline-Test": id },
  });
  const bytes = await message.bytes();
  await client.sendMessage(message);
  assert.equal(withoutTrace(await delivered("alice", id)), dec.decode(bytes));

  const raw = marker();
  const body = simple(raw).replace("Subject: interop", "Subject: Grüße ✓");
  const result = await client.sendMail({
    from: "ann@example.org",
    to: ["alice@portline.test"],
    body,
    smtpUtf8: true,
  });
  assert.deepEqual(result.accepted, ["alice@portline.test"]);
  assert.equal(withoutTrace(await delivered("alice", raw)), body);
});

Deno.test("postfix: DSN parameters and several messages over one connection", async () => {
  await using client = await SmtpClient.connect(options());
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = marker();
    ids.push(id);
    await client.sendMail({
      from: "ann@example.org",
      to: ["bob@portline.test"],
      body: simple(id),
      dsn: { notify: ["failure"], ret: "headers", envelopeId: id, originalRecipient: true },
    });
  }
  for (const id of ids) assert.equal(withoutTrace(await delivered("bob", id)), simple(id));
});

for (const chunking of [true, false]) {
  Deno.test(`dovecot LMTP: one ${chunking ? "BDAT" : "DATA"} reply per recipient`, async () => {
    await using client = await LmtpClient.connect({
      hostname: "localhost",
      port: LMTP_PORT,
      tls: { mode: "starttls", caCerts: [CA] },
      chunking,
      timeoutMs: 20_000,
    });
    assert.equal(client.lmtp, true);
    assert.equal(client.secure, true);
    assert.equal(client.extensions.chunking, true);
    assert.equal(client.extensions.pipelining, true);
    const id = marker();
    const body = simple(id, "X-Dots: yes\r\n") + "..two dots\r\n.\r\n";
    const result = await client.sendMail({
      from: "ann@example.org",
      to: ["alice@portline.test", "nobody@portline.test", "bob@portline.test"],
      body,
    });
    assert.deepEqual(result.accepted, ["alice@portline.test", "bob@portline.test"]);
    assert.deepEqual(result.rejected.map((r) => [r.address, r.replyCode, r.enhancedCode]), [
      ["nobody@portline.test", 550, "5.1.1"],
    ]);
    // The last per-recipient reply is bob's.
    assert.equal(result.replyCode, 250);
    assert.match(result.response, /bob@portline\.test/);
    assert.equal(withoutTrace(await delivered("alice", id)), body);
    assert.equal(withoutTrace(await delivered("bob", id)), body);
    // Everyone refused: an error, and the session stays usable.
    const error = await client.sendMail({
      from: "ann@example.org",
      to: ["nobody@portline.test"],
      body,
    }).catch((e) => e);
    assert.ok(error instanceof SmtpRecipientsRefusedError);
    assert.equal(error.rejected[0]!.address, "nobody@portline.test");
    await client.noop();
    const next = marker();
    await client.sendMail({
      from: "ann@example.org",
      to: ["bob@portline.test"],
      body: simple(next),
    });
    assert.equal(withoutTrace(await delivered("bob", next)), simple(next));
  });
}

Deno.test("examples/smtp_send.ts sends an attachment through postfix", async () => {
  const id = marker();
  const dir = await Deno.makeTempDir();
  try {
    const attachment = crypto.getRandomValues(new Uint8Array(1500));
    const file = `${dir}/${id}.bin`;
    await Deno.writeFile(file, attachment);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "examples/smtp_send.ts", "--attach", file],
      cwd: new URL("../../", import.meta.url),
      env: {
        SMTP_HOST: "localhost",
        SMTP_PORT: String(IMPLICIT_PORT),
        SMTP_TLS: "implicit",
        SMTP_USER: "alice",
        SMTP_PASSWORD: "secret",
        SMTP_CA: `${RUN}/certs/ca.pem`,
        SMTP_TO: "alice@portline.test,nobody@portline.test",
        NO_COLOR: "1",
      },
    }).output();
    const out = dec.decode(stdout);
    assert.equal(code, 0, dec.decode(stderr));
    assert.match(out, /^connected to localhost:12465 \(TLS\)$/m);
    assert.match(out, /^accepted: alice@portline\.test$/m);
    assert.match(out, /^rejected: nobody@portline\.test \(550 /m);
    const mail = parseMail(await delivered("alice", id));
    assert.equal(mail.subject, "portline SMTP example");
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]!.filename, `${id}.bin`);
    assert.deepEqual(mail.attachments[0]!.body, attachment);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("postfix through an HTTP proxy: STARTTLS + AUTH on 12525, implicit TLS on 12465", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  const via = `http://px:pw@127.0.0.1:${proxy.port}`;
  for (
    const extra of [{}, { port: IMPLICIT_PORT, tls: { mode: "implicit" as const, caCerts: [CA] } }]
  ) {
    await using client = await SmtpClient.connect(options({ ...extra, proxy: via }));
    assert.equal(client.secure, true);
    const id = marker();
    const body = simple(id);
    await client.sendMail({ from: "ann@example.org", to: ["bob@portline.test"], body });
    assert.equal(withoutTrace(await delivered("bob", id)), body);
  }
  assert.equal(proxy.proxyLog.length, 2);
});
