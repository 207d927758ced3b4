// Copyright 2026 the portline authors. MIT license.
// portline/smtp from an installed tarball: a message through the in-process
// server over STARTTLS (ESM client, Buffer body) and over plain SMTP
// (CommonJS client against the ESM server).
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { SmtpClient, SmtpServer } from "portline/smtp";

const require = createRequire(import.meta.url);
const cjs = require("portline/smtp");
const certs = (name) => readFileSync(new URL(`./certs/${name}`, import.meta.url), "utf8");

const server = await SmtpServer.listen({ tls: { cert: certs("cert.pem"), key: certs("key.pem") } });
try {
  const client = await SmtpClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    tls: { mode: "starttls", caCerts: [certs("ca.pem")] },
  });
  const result = await client.sendMail({
    from: "ann@example.org",
    to: ["bob@example.org"],
    body: Buffer.from("Subject: from Node\r\n\r\nSent over STARTTLS.\r\n"),
  });
  assert.deepEqual(result.accepted, ["bob@example.org"]);
  await client.close();

  const plain = await cjs.SmtpClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    tls: "none",
  });
  await plain.sendMail({
    from: "ann@example.org",
    to: ["bob@example.org"],
    body: "Subject: from require()\r\n\r\nSent in the clear.\r\n",
  });
  await plain.close();

  const stored = await server.store.list("bob@example.org");
  assert.equal(stored.length, 2);
  assert.match(new TextDecoder().decode(stored[0].bytes), /Sent over STARTTLS\./);
} finally {
  await server.close();
}
console.log("ok smtp: 2 messages through SmtpServer (STARTTLS from ESM, plain from CommonJS)");
