// Copyright 2026 the portline authors. MIT license.
/**
 * The mail step of `deno task demo`: compose a message, parse it back, and
 * print a few lines about each side.
 *
 * @module
 */
import { MailMessage, parseMail } from "../protocols/mail/mod.ts";

/** Composes a message with an attachment, parses it back and prints a summary. */
export async function demoMail(): Promise<void> {
  const message = new MailMessage({
    from: { name: "Jörg Müller", address: "joerg@example.org" },
    to: "Ann Lee <ann@example.org>",
    bcc: "archive@example.org",
    subject: "Grüße aus Köln",
    text: "Hallo Ann!\n",
    html: "<p>Hallo <b>Ann</b>!</p>",
    attachments: [{ filename: "Übersicht.pdf", content: new Uint8Array(4096) }],
  });
  const bytes = await message.bytes();
  const subjectLine = new TextDecoder().decode(bytes).match(/^Subject: .*$/m)
    ?.[0];
  console.log(`mail: composed ${bytes.length} bytes, ${subjectLine}`);
  console.log(
    `mail: envelope ${message.envelope().from} -> ${message.envelope().to.join(", ")}`,
  );
  const mail = parseMail(bytes);
  console.log(
    `mail: parsed subject "${mail.subject}" from ${mail.from[0]?.name}`,
  );
  console.log(
    `mail: ${mail.attachments.length} attachment: ${mail.attachments[0]?.filename}, ` +
      `${mail.attachments[0]?.body.length} bytes; Bcc on the wire: ${mail.headers.has("bcc")}`,
  );
}

if (import.meta.main) await demoMail();
