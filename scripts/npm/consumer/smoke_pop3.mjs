// Copyright 2026 the portline authors. MIT license.
// portline/pop3 from an installed tarball: a message delivered into the mail
// store is listed and read back over POP3 (ESM client), streamed and parsed,
// then a CommonJS client deletes it and QUIT commits the deletion.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { MailMessage, MemoryMailStore } from "portline/mail";
import { Pop3Client, Pop3Server } from "portline/pop3";

const require = createRequire(import.meta.url);
const cjs = require("portline/pop3");

const store = new MemoryMailStore();
const message = new MailMessage({
  from: "Ann <ann@example.org>",
  to: "bob@example.org",
  subject: "Grüße from Node",
  text: "Read back over POP3.",
});
await store.deliver("bob", await message.bytes());
const server = await Pop3Server.listen({ store, accounts: { bob: "pw" } });
try {
  const client = await Pop3Client.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
    auth: { username: "bob", password: "pw" },
  });
  const [entry] = await client.list();
  assert.equal(entry.id, 1);
  const parsed = await client.retrieveParsed(1);
  assert.equal(parsed.subject, "Grüße from Node");
  let streamed = 0;
  for await (const chunk of await client.retrieve(1)) streamed += chunk.byteLength;
  assert.equal(streamed, entry.size);
  await client.close();

  const other = await cjs.Pop3Client.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
    auth: { username: "bob", password: "pw" },
  });
  await other.delete(1);
  await other.close();
  assert.equal((await store.list("bob")).length, 0);
} finally {
  await server.close();
}
console.log("ok pop3: listed, streamed, parsed (ESM) and deleted at QUIT (CommonJS)");
