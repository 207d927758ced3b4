// Copyright 2026 the portline authors. MIT license.
/**
 * LMTP (RFC 2033): the SMTP client speaking LHLO, with one reply per
 * recipient after the data, over TCP or a Unix socket.
 *
 * @module
 */
import { SmtpClient, type SmtpClientOptions } from "./client.ts";

/** Options of {@linkcode LmtpClient.connect}: those of SMTP, `lmtp` implied. */
export type LmtpClientOptions = Omit<SmtpClientOptions, "lmtp">;

/**
 * An LMTP client: {@linkcode SmtpClient} with `lmtp: true`. Each recipient
 * gets its own delivery result in `sendMail`'s `accepted`/`rejected`.
 *
 * @example Usage
 * ```ts
 * import { LmtpClient, SmtpServer } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * await using server = await SmtpServer.listen({
 *   lmtp: true,
 *   hooks: { message: (_tx, rcpt) => rcpt === "full@example.org" ? "452 4.2.2 Mailbox full" : undefined },
 * });
 * await using client = await LmtpClient.connect({ port: server.port });
 * const result = await client.sendMail({
 *   from: "ann@example.org",
 *   to: ["bob@example.org", "full@example.org"],
 *   body: "Subject: hi\r\n\r\nhello\r\n",
 * });
 * assert.deepEqual(result.accepted, ["bob@example.org"]);
 * assert.equal(result.rejected[0]!.replyCode, 452);
 * ```
 */
export class LmtpClient extends SmtpClient {
  /**
   * Creates an unconnected client; use {@linkcode LmtpClient.connect}.
   *
   * @param options Where and how to connect.
   */
  constructor(options: LmtpClientOptions) {
    super({ ...options, lmtp: true });
  }
}
