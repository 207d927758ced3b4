// Copyright 2026 the portline authors. MIT license.
/**
 * Mail messages: composing them (RFC 5322 + MIME, streamed, with the
 * envelope and the SMTP extensions they need) and parsing them (headers,
 * addresses, the MIME tree), plus the codecs underneath — RFC 2047
 * encoded-words, RFC 2231 parameters, quoted-printable, base64, header
 * folding — and the {@linkcode MailStore} the in-process servers share.
 *
 * @example Compose, then parse
 * ```ts
 * import { MailMessage, parseMail } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const message = new MailMessage({
 *   from: { name: "Jörg Müller", address: "joerg@example.org" },
 *   to: "Ann <ann@example.org>",
 *   subject: "Grüße aus Köln",
 *   text: "Hallo!\n",
 *   html: "<p>Hallo!</p>",
 *   attachments: [{ filename: "Übersicht.pdf", content: new Uint8Array([37, 80, 68, 70]) }],
 * });
 * const mail = parseMail(await message.bytes());
 * assert.equal(mail.subject, "Grüße aus Köln");
 * assert.equal(mail.from[0]!.name, "Jörg Müller");
 * assert.equal(mail.html, "<p>Hallo!</p>");
 * assert.equal(mail.attachments[0]!.filename, "Übersicht.pdf");
 * ```
 *
 * @module
 */
export { type MailAttachment, type MailEnvelope, type MailInit, MailMessage } from "./message.ts";
export {
  type ParsedMail,
  type ParsedMailPart,
  parseMail,
  parseMailHeaders,
  type ParseMailOptions,
  parseMailStream,
  type ParseMailStreamOptions,
} from "./parse.ts";
export {
  type AddressInput,
  formatMailAddress,
  type MailAddress,
  type MailAddressFormatOptions,
  parseAddressList,
} from "./address.ts";
export {
  decodeMimeWords,
  encodeMimeWords,
  type MimeWordEncoding,
  type MimeWordOptions,
} from "./encoded_word.ts";
export {
  formatMailHeader,
  type MailHeaderFormatOptions,
  type MailHeaderLimits,
  MailHeaders,
  unfoldMailHeader,
} from "./header.ts";
export {
  formatMimeParam,
  formatMimeParams,
  type MimeParamFormatOptions,
  type MimeParams,
  parseMimeParams,
} from "./mime_params.ts";
export {
  decodeQuotedPrintable,
  encodeQuotedPrintable,
  type QuotedPrintableOptions,
} from "./quoted_printable.ts";
export {
  decodeMimeBase64,
  encodeMimeBase64,
  MimeBase64Encoder,
  MimeBase64EncoderStream,
  mimeBase64Length,
  type MimeBase64Options,
} from "./base64.ts";
export { formatMailDate, parseMailDate } from "./date.ts";
export * from "./store.ts";
