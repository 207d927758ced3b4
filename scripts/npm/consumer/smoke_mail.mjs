// Copyright 2026 the portline authors. MIT license.
// portline/mail from an installed tarball: compose with a Buffer attachment
// (ESM), write the message to a file through a Node stream, read it back as a
// web stream with Readable.toWeb() and parse it with the CommonJS copy.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { MailMessage } from "portline/mail";

const require = createRequire(import.meta.url);
const cjs = require("portline/mail");

const message = new MailMessage({
  from: { name: "Jörg Müller", address: "joerg@example.org" },
  to: "Ann <ann@example.org>",
  subject: "Grüße from Node",
  text: "See the attachment.\n",
  attachments: [{ filename: "data.bin", content: Buffer.from([0, 1, 2, 255]) }],
});

const dir = await mkdtemp(join(tmpdir(), "portline-mail-"));
try {
  const file = join(dir, "message.eml");
  await message.stream().pipeTo(Writable.toWeb(createWriteStream(file)));
  const parsed = await cjs.parseMailStream(Readable.toWeb(createReadStream(file)));
  assert.equal(parsed.subject, "Grüße from Node");
  assert.equal(parsed.from[0].name, "Jörg Müller");
  assert.equal(parsed.text, "See the attachment.\n");
  assert.equal(parsed.attachments.length, 1);
  assert.equal(parsed.attachments[0].filename, "data.bin");
  assert.deepEqual([...parsed.attachments[0].body], [0, 1, 2, 255]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(
  "ok mail: composed with a Buffer attachment (ESM), Node file streams, parsed by the CommonJS copy",
);
