// Copyright 2026 the portline authors. MIT license.
/**
 * What `sendMessage` takes: the mail module's `MailMessage`, anything with
 * the same members, or a `MailInit` to build one from.
 *
 * @module
 */
import { type MailInit, MailMessage } from "../mail/mod.ts";
import type { SmtpMail } from "./plan.ts";

/** A composed message: its envelope, its needs and its bytes (Bcc left out). */
export interface SmtpMessageLike {
  /** The envelope derived from the headers: From/Sender and To/Cc/Bcc. */
  envelope(): { from: string; to: string[] };
  /** Whether an address or header needs SMTPUTF8. */
  readonly needsSmtpUtf8: boolean;
  /** Whether the body has 8-bit parts (BODY=8BITMIME). */
  readonly needs8BitMime: boolean;
  /** The size in bytes when known before streaming (declared with SIZE). */
  readonly size?: number | undefined;
  /** The message bytes, CRLF line ends, without any Bcc header. */
  stream(): ReadableStream<Uint8Array>;
}

/** A message to send: a composed one, or the parts to compose it from. */
export type SmtpMessageInput = SmtpMessageLike | MailInit;

function isMessageLike(message: SmtpMessageInput): message is SmtpMessageLike {
  const candidate = message as Partial<SmtpMessageLike>;
  return typeof candidate.envelope === "function" && typeof candidate.stream === "function";
}

/**
 * Builds the {@linkcode SmtpMail} for a message; explicit options (`from`,
 * `to`, DSN…) win over what the message says.
 *
 * @param input The message, or a `MailInit` to build a `MailMessage` from.
 * @param overrides Envelope and options given by the caller.
 * @returns The mail to send.
 */
export function toSmtpMail(
  input: SmtpMessageInput,
  overrides: Partial<Omit<SmtpMail, "body">> = {},
): SmtpMail {
  const message = isMessageLike(input) ? input : new MailMessage(input);
  const envelope = message.envelope();
  const mail: SmtpMail = {
    from: overrides.from ?? envelope.from,
    to: overrides.to ?? envelope.to,
    body: message.stream(),
  };
  const smtpUtf8 = overrides.smtpUtf8 ?? (message.needsSmtpUtf8 || undefined);
  if (smtpUtf8 !== undefined) mail.smtpUtf8 = smtpUtf8;
  const eightBit = overrides.eightBitMime ?? (message.needs8BitMime || undefined);
  if (eightBit !== undefined) mail.eightBitMime = eightBit;
  const size = overrides.size ?? message.size;
  if (size !== undefined) mail.size = size;
  if (overrides.requireTls !== undefined) mail.requireTls = overrides.requireTls;
  if (overrides.dsn !== undefined) mail.dsn = overrides.dsn;
  return mail;
}
