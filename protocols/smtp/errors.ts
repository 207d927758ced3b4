// Copyright 2026 the portline authors. MIT license.
/**
 * SMTP's typed errors: a refused command ({@linkcode SmtpReplyError}), every
 * recipient refused ({@linkcode SmtpRecipientsRefusedError}), and a message
 * that needs an extension the server lacks ({@linkcode SmtpExtensionError}).
 *
 * @module
 */
import { PortlineError, ReplyError, type ReplyErrorOptions } from "../_core/errors.ts";

/**
 * The server refused an SMTP command: the reply code, the RFC 3463 enhanced
 * code, the (redacted) command and whether the failure is transient (4xx).
 *
 * @example Usage
 * ```ts
 * import { SmtpReplyError } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * const error = new SmtpReplyError("Cannot send MAIL: 451 try later", {
 *   replyCode: 451,
 *   enhancedCode: "4.3.0",
 *   command: "MAIL FROM:<a@example.org>",
 *   response: "try later",
 * });
 * assert.equal(error.transient, true);
 * assert.equal(error.code, "ERR_SMTP_REPLY");
 * ```
 */
export class SmtpReplyError extends ReplyError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "SmtpReplyError";
  /** Always `"ERR_SMTP_REPLY"`. */
  override readonly code: string = "ERR_SMTP_REPLY";
}

/** A recipient the server refused, at RCPT or (LMTP) after the data. */
export interface SmtpRejectedRecipient {
  /** The recipient's address. */
  address: string;
  /** The reply code, e.g. 550. */
  replyCode: number;
  /** The enhanced status code, e.g. `"5.1.1"`, when the server sent one. */
  enhancedCode: string | undefined;
  /** The server's reply text. */
  response: string;
  /** Whether the refusal is temporary (4xx). */
  transient: boolean;
}

/** What a {@linkcode SmtpRecipientsRefusedError} carries. */
export interface SmtpRecipientsRefusedErrorOptions extends ReplyErrorOptions {
  /** Every refused recipient with its reply. */
  rejected: SmtpRejectedRecipient[];
}

/**
 * No recipient was accepted, so nothing was sent. `rejected` holds each
 * recipient's reply; `replyCode` is the first one's.
 *
 * @example Usage
 * ```ts
 * import { SmtpRecipientsRefusedError, SmtpReplyError } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * const rejected = [{
 *   address: "x@example.org",
 *   replyCode: 550,
 *   enhancedCode: "5.1.1",
 *   response: "no such user",
 *   transient: false,
 * }];
 * const error = new SmtpRecipientsRefusedError("Cannot send: every recipient was refused", {
 *   replyCode: 550,
 *   response: "no such user",
 *   rejected,
 * });
 * assert.ok(error instanceof SmtpReplyError);
 * assert.equal(error.rejected[0]!.address, "x@example.org");
 * ```
 */
export class SmtpRecipientsRefusedError extends SmtpReplyError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "SmtpRecipientsRefusedError";
  /** Always `"ERR_SMTP_RECIPIENTS_REFUSED"`. */
  override readonly code: string = "ERR_SMTP_RECIPIENTS_REFUSED";
  /** Every refused recipient. */
  readonly rejected: SmtpRejectedRecipient[];

  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options The first refusal and the full list.
   */
  constructor(message: string, options: SmtpRecipientsRefusedErrorOptions) {
    super(message, options);
    this.rejected = options.rejected;
  }
}

/**
 * The message needs an SMTP extension (SMTPUTF8, 8BITMIME, DSN, REQUIRETLS,
 * STARTTLS, AUTH…) that the server does not offer. Nothing was sent.
 *
 * @example Usage
 * ```ts
 * import { SmtpExtensionError } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * const error = new SmtpExtensionError("SMTPUTF8", "Cannot send to \"ü@example.org\": the server does not offer SMTPUTF8");
 * assert.equal(error.extension, "SMTPUTF8");
 * ```
 */
export class SmtpExtensionError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "SmtpExtensionError";
  /** Always `"ERR_SMTP_EXTENSION"`. */
  override readonly code: string = "ERR_SMTP_EXTENSION";
  /** The missing extension's EHLO keyword. */
  readonly extension: string;

  /**
   * Creates the error.
   *
   * @param extension The EHLO keyword that is missing.
   * @param message What could not be done and why.
   */
  constructor(extension: string, message: string) {
    super(message);
    this.extension = extension;
  }
}
