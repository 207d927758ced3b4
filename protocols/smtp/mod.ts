// Copyright 2026 the portline authors. MIT license.
/**
 * SMTP and LMTP: a client that exceeds smtplib and nodemailer (full
 * PIPELINING, BDAT/CHUNKING, SIZE, 8BITMIME, SMTPUTF8, DSN, REQUIRETLS,
 * every SASL mechanism, STARTTLS and implicit TLS with clear mismatch
 * errors, streamed smuggling-safe bodies), a pool for bulk sending, and an
 * in-process server for tests and demos that delivers into a `MailStore`.
 *
 * @example Send a message through the in-process server
 * ```ts
 * import { SmtpClient, SmtpServer } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * await using server = await SmtpServer.listen();
 * await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
 * const result = await client.sendMail({
 *   from: "ann@example.org",
 *   to: ["bob@example.org"],
 *   body: "Subject: hello\r\n\r\nHi Bob!\r\n",
 * });
 * assert.deepEqual(result.accepted, ["bob@example.org"]);
 * assert.equal((await server.store.list("bob@example.org")).length, 1);
 * ```
 *
 * @module
 */
export { SmtpClient } from "./client.ts";
// Core types that appear in this module's API, re-exported so the API is complete.
export {
  ConnectionClosedError,
  PortlineError,
  type PortlineErrorOptions,
  ReplyError,
  type ReplyErrorOptions,
  SocksProxyError,
  type SocksProxyErrorOptions,
  TlsError,
} from "../_core/errors.ts";
export type {
  ClientCertificate,
  Conn,
  NetAddress,
  ServerTlsOptions,
  TlsOptions,
} from "../_core/transport.ts";
export type { BufferedReaderOptions } from "../_core/buffered_reader.ts";
export type { CallOptions, SessionOptions, TranscriptEntry } from "../_core/session.ts";
export type { Reply } from "../_core/reply.ts";
export type { BodySource } from "../_core/writer.ts";
export type { SaslCredentials } from "../_core/sasl.ts";
export type { SaslAccounts } from "../_core/sasl_server.ts";
export type { MailStore, StoredMessage } from "../mail/store.ts";
export type { AddressInput, MailAddress, MailAttachment, MailInit } from "../mail/mod.ts";
export type { SmtpClientOptions, SmtpSendOptions } from "./client.ts";
export { LmtpClient } from "./lmtp.ts";
export type { LmtpClientOptions } from "./lmtp.ts";
export { SmtpPool } from "./pool.ts";
export type { SmtpPoolOptions, SmtpRateLimit } from "./pool.ts";
export type { SmtpAuthOptions } from "./auth.ts";
export type { SmtpMail } from "./plan.ts";
export type { SmtpSendResult } from "./transaction.ts";
export type { SmtpMessageInput, SmtpMessageLike } from "./message.ts";
export { SmtpExtensionError, SmtpRecipientsRefusedError, SmtpReplyError } from "./errors.ts";
export type { SmtpRecipientsRefusedErrorOptions, SmtpRejectedRecipient } from "./errors.ts";
export { noSmtpExtensions, parseSmtpExtensions } from "./extensions.ts";
export type { SmtpExtensions } from "./extensions.ts";
export {
  decodeXtext,
  encodeXtext,
  formatMailFrom,
  formatOriginalRecipient,
  formatRcptTo,
  normalizeSmtpAddress,
  parseSmtpPath,
  smtpAddressNeedsUtf8,
} from "./envelope.ts";
export type {
  SmtpDsnOptions,
  SmtpMailParameters,
  SmtpPath,
  SmtpRcptParameters,
} from "./envelope.ts";
export { classifySmtpGreeting, probeSmtpPort } from "./tls_probe.ts";
export type { SmtpPortKind } from "./tls_probe.ts";
export { SmtpServer } from "./server.ts";
export type {
  SmtpHookResult,
  SmtpServerExtensions,
  SmtpServerHooks,
  SmtpServerOptions,
  SmtpServerRecipient,
  SmtpServerSessionInfo,
  SmtpServerTransaction,
} from "./server_types.ts";
