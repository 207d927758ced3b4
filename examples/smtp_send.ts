// Copyright 2026 the portline authors. MIT license.
/**
 * Sends a message with an attachment over SMTP.
 *
 *   deno run -A examples/smtp_send.ts --host smtp.example.org --port 587 \
 *     --user ann --password secret --from ann@example.org --to bob@example.org \
 *     [--tls starttls|implicit|none] [--ca ca.pem] [--attach file] [--verbose]
 *
 * Every flag can come from the environment instead: SMTP_HOST, SMTP_PORT,
 * SMTP_USER, SMTP_PASSWORD, SMTP_TLS, SMTP_CA, SMTP_FROM, SMTP_TO.
 * Against the interop postfix: --host localhost --port 12525 --user alice
 * --password secret --ca .interop/certs/ca.pem --to alice@portline.test
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { MailMessage } from "@portline/portline/mail";
import type { TlsMode } from "@portline/portline/core";
import { SmtpClient } from "@portline/portline/smtp";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    host: { type: "string", default: Deno.env.get("SMTP_HOST") ?? "127.0.0.1" },
    port: { type: "string", default: Deno.env.get("SMTP_PORT") ?? "587" },
    user: { type: "string", default: Deno.env.get("SMTP_USER") },
    password: { type: "string", default: Deno.env.get("SMTP_PASSWORD") },
    tls: { type: "string", default: Deno.env.get("SMTP_TLS") },
    ca: { type: "string", default: Deno.env.get("SMTP_CA") },
    from: { type: "string", default: Deno.env.get("SMTP_FROM") ?? "ann@example.org" },
    to: { type: "string", default: Deno.env.get("SMTP_TO") ?? "bob@example.org" },
    attach: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const port = Number(values.port);
const mode = values.tls as TlsMode | undefined;
if (mode !== undefined && !["implicit", "starttls", "none"].includes(mode)) {
  throw new TypeError(`Cannot use --tls ${mode}: expected implicit, starttls or none`);
}
const caCerts = values.ca ? [await readFile(values.ca, "utf8")] : undefined;
const attachment = values.attach
  ? { filename: basename(values.attach), content: await readFile(values.attach) }
  : { filename: "hello.txt", content: "Hello from portline!\n" };

await using client = await SmtpClient.connect({
  hostname: values.host!,
  port,
  tls: { mode, caCerts },
  auth: values.user ? { username: values.user, password: values.password ?? "" } : undefined,
  onTranscript: values.verbose
    ? (e) => console.log(e.direction === "send" ? ">" : "<", e.line)
    : undefined,
});
console.log(`connected to ${values.host}:${port} (${client.secure ? "TLS" : "plain"})`);

const message = new MailMessage({
  from: values.from!,
  to: values.to!.split(","),
  subject: "portline SMTP example",
  text: "This message has an attachment.",
  attachments: [attachment],
});
const result = await client.sendMessage(message, {
  onProgress: (bytes) => values.verbose && console.log(`${bytes} bytes sent`),
});
console.log(`accepted: ${result.accepted.join(", ") || "none"}`);
for (const r of result.rejected) {
  console.log(`rejected: ${r.address} (${r.replyCode} ${r.response})`);
}
console.log(`server: ${result.replyCode} ${result.response}`);
