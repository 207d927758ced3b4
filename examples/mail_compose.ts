// Copyright 2026 the portline authors. MIT license.
/**
 * Composes a message — UTF-8 subject and names, text + HTML with an inline
 * image, an attachment — prints it as it would go on the wire, then parses
 * it back and prints what a reader sees.
 *
 * Usage: deno run examples/mail_compose.ts
 *
 * @module
 */
import { MailMessage, parseMail } from "../protocols/mail/mod.ts";

// A 1×1 transparent PNG.
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

const message = new MailMessage({
  from: { name: "Jörg Müller", address: "joerg@example.org" },
  to: ['"Lee, Ann" <ann@example.org>', "bo@bücher.example"],
  bcc: "archive@example.org",
  subject: "Grüße aus Köln — der Bericht",
  text: "Hallo Ann,\n\nanbei der Bericht.\n\nJörg\n",
  html: '<p>Hallo Ann,</p><p>anbei der Bericht. <img src="cid:logo@example.org"></p>',
  attachments: [
    { filename: "logo.png", content: PNG, contentId: "logo@example.org" },
    { filename: "Übersicht 2026.csv", content: "Monat;Umsatz\nJänner;1200\n" },
  ],
});

const bytes = await message.bytes();
console.log(new TextDecoder().decode(bytes));
console.log("envelope:", message.envelope());
console.log(
  "SMTPUTF8:",
  message.needsSmtpUtf8,
  "8BITMIME:",
  message.needs8BitMime,
);

const mail = parseMail(bytes);
console.log("subject:", mail.subject);
console.log("from:", mail.from, "to:", mail.to);
console.log(
  "attachments:",
  mail.attachments.map((part) =>
    `${part.filename} (${part.contentType}, ${part.body.length} bytes)`
  ),
);
