// Copyright 2026 the portline authors. MIT license.
import { Buffer } from "node:buffer";
import {
  SmtpClient,
  type SmtpClientOptions,
  SmtpReplyError,
  type SmtpSendResult,
  SmtpServer,
} from "portline/smtp";

export async function send(options: SmtpClientOptions): Promise<SmtpSendResult> {
  const server = await SmtpServer.listen();
  const client = await SmtpClient.connect({ ...options, port: server.port, tls: "none" });
  try {
    return await client.sendMail({
      from: "ann@example.org",
      to: ["bob@example.org"],
      body: Buffer.from("Subject: hi\r\n\r\nhello\r\n"),
    });
  } catch (error) {
    if (error instanceof SmtpReplyError) throw new Error(`refused: ${error.replyCode}`);
    throw error;
  } finally {
    await client.close();
    await server.close();
  }
}
