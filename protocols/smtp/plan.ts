// Copyright 2026 the portline authors. MIT license.
/**
 * Turns a message to send into the envelope commands, checked against what
 * the server offers before a byte is sent: SMTPUTF8, 8BITMIME, DSN,
 * REQUIRETLS and SIZE. Pure: no I/O.
 *
 * @module
 */
import type { BodySource } from "../_core/writer.ts";
import { InvalidArgumentError } from "../_core/writer.ts";
import { LimitError } from "../_core/errors.ts";
import {
  formatMailFrom,
  formatRcptTo,
  normalizeSmtpAddress,
  smtpAddressNeedsUtf8,
  type SmtpDsnOptions,
} from "./envelope.ts";
import type { SmtpExtensions } from "./extensions.ts";
import { SmtpExtensionError } from "./errors.ts";

/** A message to send: envelope, body and the options that shape the envelope. */
export interface SmtpMail {
  /** The envelope sender (`MAIL FROM`); `""` for the null reverse path. */
  from: string;
  /** The envelope recipients (`RCPT TO`). */
  to: string | readonly string[];
  /** The message (headers and body): text, bytes or a stream, any line ends. */
  body: BodySource;
  /** The message size in bytes, declared with SIZE when known (strings and bytes: measured). */
  size?: number;
  /** Send with SMTPUTF8; by default when an address is not ASCII. */
  smtpUtf8?: boolean;
  /** Declare BODY=8BITMIME; by default when a text or bytes body has 8-bit bytes. */
  eightBitMime?: boolean;
  /** Ask for REQUIRETLS (RFC 8689): the message must travel over TLS to the end. */
  requireTls?: boolean;
  /** Delivery status notifications (RFC 3461). */
  dsn?: SmtpDsnOptions;
}

/** The checked envelope of one transaction. */
export interface SmtpPlan {
  /** The normalised sender. */
  from: string;
  /** The normalised recipients, in order. */
  to: string[];
  /** The `MAIL FROM` line. */
  mailLine: string;
  /** One `RCPT TO` line per recipient. */
  rcptLines: string[];
  /** The body (text already encoded as UTF-8). */
  body: BodySource;
  /** The body's size when known. */
  size: number | undefined;
}

const encoder = new TextEncoder();

function hasEightBit(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.byteLength; i++) if (bytes[i]! > 0x7f) return true;
  return false;
}

/**
 * Checks a message against the server's extensions and builds its envelope.
 *
 * @param mail The message.
 * @param ext What the server offers.
 * @param secure Whether the connection is encrypted.
 * @returns The envelope commands and the body.
 * @throws {InvalidArgumentError} For a bad address or no recipients.
 * @throws {SmtpExtensionError} When the message needs an extension the server lacks.
 * @throws {LimitError} When the message is larger than the server's SIZE limit.
 */
export function planSmtpTransaction(
  mail: SmtpMail,
  ext: SmtpExtensions,
  secure: boolean,
): SmtpPlan {
  const from = normalizeSmtpAddress(mail.from, "sender", true);
  const list = typeof mail.to === "string" ? [mail.to] : [...mail.to];
  const to = list.map((address) => normalizeSmtpAddress(address, "recipient"));
  if (to.length === 0) throw new InvalidArgumentError("Cannot send: no recipients");
  const server = ext.domain || "the server";
  const nonAscii = [from, ...to].find(smtpAddressNeedsUtf8);
  const utf8 = mail.smtpUtf8 ?? nonAscii !== undefined;
  if (utf8 && !ext.smtpUtf8) {
    throw new SmtpExtensionError(
      "SMTPUTF8",
      nonAscii === undefined
        ? `Cannot send with SMTPUTF8: ${server} does not offer SMTPUTF8`
        : `Cannot send to or from "${nonAscii}": the address is not ASCII and ${server} does not offer SMTPUTF8`,
    );
  }
  const body = typeof mail.body === "string" ? encoder.encode(mail.body) : mail.body;
  const eightBit = mail.eightBitMime ?? (body instanceof Uint8Array && hasEightBit(body));
  if (eightBit && !ext.eightBitMime) {
    throw new SmtpExtensionError(
      "8BITMIME",
      `Cannot send an 8-bit message: ${server} does not offer 8BITMIME (encode the body as quoted-printable or base64)`,
    );
  }
  if (mail.requireTls) {
    if (!secure) {
      throw new SmtpExtensionError(
        "REQUIRETLS",
        "Cannot send with REQUIRETLS: the connection is not encrypted",
      );
    }
    if (!ext.requireTls) {
      throw new SmtpExtensionError(
        "REQUIRETLS",
        `Cannot send with REQUIRETLS: ${server} does not offer REQUIRETLS`,
      );
    }
  }
  const dsn = mail.dsn;
  if (dsn && !ext.dsn) {
    throw new SmtpExtensionError(
      "DSN",
      `Cannot request delivery notifications: ${server} does not offer DSN`,
    );
  }
  const size = mail.size ?? (body instanceof Uint8Array ? body.byteLength : undefined);
  if (size !== undefined && ext.maxSize !== undefined && size > ext.maxSize) {
    throw new LimitError(
      `Cannot send a message of ${size} bytes: ${server} accepts at most ${ext.maxSize} bytes (SIZE)`,
    );
  }
  const mailLine = formatMailFrom(from, {
    size: ext.size ? size : undefined,
    body: eightBit || (utf8 && ext.eightBitMime) ? "8BITMIME" : undefined,
    smtpUtf8: utf8,
    requireTls: mail.requireTls,
    ret: dsn?.ret,
    envelopeId: dsn?.envelopeId,
  });
  const rcptLines = to.map((address) =>
    formatRcptTo(address, {
      notify: dsn?.notify,
      originalRecipient: dsn?.originalRecipient ? address : undefined,
    })
  );
  return { from, to, mailLine, rcptLines, body, size };
}
