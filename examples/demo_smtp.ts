// Copyright 2026 the portline authors. MIT license.
/**
 * The SMTP step of `deno task demo`: starts the in-process SMTP server on a
 * mail store, sends a message with an attachment through it, and prints
 * what happened. The POP3 demo then reads the message back from the same
 * store.
 *
 * @module
 */
import { MailMessage, type MailStore, MemoryMailStore } from "@portline/portline/mail";
import { SmtpClient, SmtpServer } from "@portline/portline/smtp";

/**
 * Sends one message with an attachment through the in-process SMTP server
 * into `store` (mailbox `bob@example.org`).
 *
 * @param store Where the server delivers.
 */
export async function demoSmtp(store: MailStore = new MemoryMailStore()): Promise<void> {
  await using server = await SmtpServer.listen({ store, accounts: { ann: "secret" } });
  console.log(`smtp: in-process server on 127.0.0.1:${server.port}`);
  await using client = await SmtpClient.connect({
    port: server.port,
    tls: "none",
    auth: { username: "ann", password: "secret" },
  });
  console.log(
    `smtp: logged in as ${client.user}; server offers ${
      [...client.extensions.keywords.keys()].join(" ")
    }`,
  );
  const message = new MailMessage({
    from: "Ann <ann@example.org>",
    to: "Bob <bob@example.org>",
    subject: "Hello from the portline demo ✓",
    text: "Hi Bob,\n\nthe report is attached.\n\nAnn",
    attachments: [{ filename: "report.csv", content: "month,total\nJanuary,42\nFebruary,57\n" }],
  });
  const result = await client.sendMessage(message);
  const tx = server.transactions.at(-1)!;
  console.log(
    `smtp: sent ${result.bytes} bytes by ${tx.via} to ${
      result.accepted.join(", ")
    }: ${result.replyCode} ${result.response}`,
  );
  const stored = await store.list("bob@example.org");
  console.log(`smtp: bob@example.org now holds ${stored.length} message(s)`);
}

if (import.meta.main) await demoSmtp();
