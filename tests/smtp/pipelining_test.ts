// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { SmtpClient, SmtpServer } from "../../protocols/smtp/mod.ts";
import { dec } from "./_helpers.ts";

const to = ["a@x.org", "b@x.org", "c@x.org"];
const body = "Subject: p\r\n\r\npipelined\r\n";

async function reads(extensions: { pipelining?: boolean; chunking?: boolean }): Promise<string[]> {
  const chunks: string[] = [];
  await using server = await SmtpServer.listen({
    extensions,
    onRead: (c) => chunks.push(dec.decode(c)),
  });
  await using client = await SmtpClient.connect({ port: server.port, tls: "none" });
  await client.sendMail({ from: "ann@x.org", to, body });
  await client.sendMail({ from: "ann@x.org", to, body });
  assert.equal(server.transactions.length, 2);
  return chunks;
}

Deno.test("SmtpClient pipelines MAIL, every RCPT and DATA in ONE write", async () => {
  const chunks = await reads({ chunking: false });
  const envelope = chunks.find((c) => c.includes("MAIL FROM"))!;
  assert.equal(
    envelope,
    "MAIL FROM:<ann@x.org> SIZE=25\r\nRCPT TO:<a@x.org>\r\nRCPT TO:<b@x.org>\r\nRCPT TO:<c@x.org>\r\nDATA\r\n",
  );
  // The second message leads its batch with RSET.
  assert.ok(chunks.some((c) => c.startsWith("RSET\r\nMAIL FROM") && c.endsWith("DATA\r\n")));
});

Deno.test("SmtpClient with CHUNKING sends envelope, BDAT and the message in ONE write", async () => {
  const chunks = await reads({});
  const first = chunks.find((c) => c.includes("MAIL FROM"))!;
  assert.equal(
    first,
    "MAIL FROM:<ann@x.org> SIZE=25\r\nRCPT TO:<a@x.org>\r\nRCPT TO:<b@x.org>\r\nRCPT TO:<c@x.org>\r\nBDAT 25 LAST\r\n" +
      body,
  );
});

Deno.test("SmtpClient without PIPELINING sends one command per write", async () => {
  const chunks = await reads({ pipelining: false, chunking: false });
  const commands = chunks.filter((c) => /^(MAIL|RCPT|DATA)/.test(c));
  assert.ok(commands.length >= 10);
  for (const chunk of commands) assert.equal(chunk.split("\r\n").length, 2, JSON.stringify(chunk));
});
