// Copyright 2026 the portline authors. MIT license.
// The in-process SMTP server as its own process, for smtp_compare.ts: the
// clients under test then get the CPU to themselves. Prints its port, runs
// until stdin closes. Messages are counted and discarded.
import { SmtpServer } from "../../protocols/smtp/mod.ts";
import type { MailStore, StoredMessage } from "../../protocols/mail/store.ts";

let delivered = 0;
const discard: MailStore = {
  deliver(_mailbox: string, bytes: Uint8Array): Promise<StoredMessage> {
    delivered++;
    return Promise.resolve({
      uid: delivered,
      flags: new Set(),
      size: bytes.byteLength,
      internalDate: new Date(),
      bytes: new Uint8Array(0),
    });
  },
  list: () => Promise.resolve([]),
  delete: () => Promise.resolve(),
  mailboxes: () => Promise.resolve([]),
};

const server = await SmtpServer.listen({ store: discard, record: false });
console.log(server.port);
for await (const _ of Deno.stdin.readable) { /* wait for EOF */ }
await server.close();
console.error(`smtp_server: ${delivered} deliveries`);
