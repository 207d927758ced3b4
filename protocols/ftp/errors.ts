// Copyright 2026 the portline authors. MIT license.
/**
 * FTP's typed errors.
 *
 * @module
 */
import { PortlineError, ReplyError, type ReplyErrorOptions } from "../_core/errors.ts";

/**
 * The FTP server refused a command (a 4xx or 5xx reply). `transient` is true
 * for 4xx replies: the same command may succeed later.
 *
 * @example Usage
 * ```ts
 * import { FtpReplyError } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const error = new FtpReplyError("Cannot delete \"a.txt\": 550 No such file", {
 *   replyCode: 550,
 *   command: "DELE a.txt",
 *   response: "No such file",
 * });
 * assert.equal(error.transient, false);
 * assert.equal(error.code, "ERR_FTP_REPLY");
 * ```
 */
export class FtpReplyError extends ReplyError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "FtpReplyError";
  /** Always `"ERR_FTP_REPLY"`. */
  override readonly code: string = "ERR_FTP_REPLY";
}

/**
 * The server refused an encrypted data connection because its TLS session did
 * not resume the control connection's session (proftpd's default, vsftpd's
 * `require_ssl_reuse=YES`, FileZilla Server). Deno's TLS cannot resume
 * sessions; under Node the client resumes them. Server-side settings that
 * accept such clients: vsftpd `require_ssl_reuse=NO`, proftpd
 * `TLSOptions NoSessionReuseRequired`.
 *
 * @example Usage
 * ```ts
 * import { FtpReplyError, FtpTlsSessionReuseError } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const error = new FtpTlsSessionReuseError("Cannot open the data connection", {
 *   replyCode: 425,
 *   response: "Unable to build data connection: Operation not permitted",
 * });
 * assert.ok(error instanceof FtpReplyError);
 * assert.equal(error.code, "ERR_FTP_TLS_SESSION_REUSE");
 * ```
 */
export class FtpTlsSessionReuseError extends FtpReplyError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "FtpTlsSessionReuseError";
  /** Always `"ERR_FTP_TLS_SESSION_REUSE"`. */
  override readonly code: string = "ERR_FTP_TLS_SESSION_REUSE";

  /**
   * Creates the error; it is never transient (retrying cannot help).
   *
   * @param message What failed and what to do about it.
   * @param options The server's reply.
   */
  constructor(message: string, options: ReplyErrorOptions) {
    super(message, { ...options, transient: false });
  }
}

/**
 * A command was issued while a transfer was running on the same connection.
 * FTP carries one transfer at a time per control connection; open another
 * client (or use the `concurrency` option of the tree helpers) instead.
 *
 * @example Usage
 * ```ts
 * import { FtpBusyError } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new FtpBusyError("Cannot list: a transfer is running").code, "ERR_FTP_BUSY");
 * ```
 */
export class FtpBusyError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "FtpBusyError";
  /** Always `"ERR_FTP_BUSY"`. */
  override readonly code: string = "ERR_FTP_BUSY";
}

/**
 * The call needs an FTP feature (an RFC 2389 FEAT entry such as MFMT) that
 * the server's FEAT reply does not announce. Nothing was sent; the session
 * stays usable.
 *
 * @example Usage
 * ```ts
 * import { FtpFeatureError } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const error = new FtpFeatureError("MFMT", "Cannot set the modification time of \"a.txt\": the server does not offer MFMT");
 * assert.equal(error.feature, "MFMT");
 * assert.equal(error.code, "ERR_FTP_FEATURE");
 * ```
 */
export class FtpFeatureError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "FtpFeatureError";
  /** Always `"ERR_FTP_FEATURE"`. */
  override readonly code: string = "ERR_FTP_FEATURE";
  /** The missing feature's FEAT name, upper-cased. */
  readonly feature: string;

  /**
   * Creates the error.
   *
   * @param feature The FEAT name that is missing.
   * @param message What could not be done and why.
   */
  constructor(feature: string, message: string) {
    super(message);
    this.feature = feature;
  }
}
