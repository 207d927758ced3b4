// Copyright 2026 the portline authors. MIT license.
/**
 * Fetches a POP3 mailbox: lists it, saves new messages (by UIDL) as .eml
 * files streamed straight to disk, and optionally deletes them (committed
 * only when QUIT succeeds).
 *
 *   deno run -A examples/pop3_fetch.ts --host pop.example.org --user ann \
 *     --password secret [--tls implicit|starttls|none] [--port 995] [--ca ca.pem] \
 *     [--out mail/] \
 *     [--delete] [--verbose]
 *
 * Every flag can come from the environment instead: POP3_HOST, POP3_PORT,
 * POP3_USER, POP3_PASSWORD, POP3_CA, POP3_TLS. Against the interop dovecot:
 * --host 127.0.0.1 --port 11110 --user popuser --password poppass
 * --ca .interop/certs/ca.pem (STLS is used when offered; `--tls starttls`
 * insists on it, `--tls implicit` with `--port 11995` is POP3S).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Pop3Client } from "@portline/portline/pop3";
import type { TlsMode } from "@portline/portline/core";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    host: { type: "string", default: Deno.env.get("POP3_HOST") ?? "127.0.0.1" },
    port: { type: "string", default: Deno.env.get("POP3_PORT") },
    user: { type: "string", default: Deno.env.get("POP3_USER") },
    password: { type: "string", default: Deno.env.get("POP3_PASSWORD") },
    ca: { type: "string", default: Deno.env.get("POP3_CA") },
    tls: { type: "string", default: Deno.env.get("POP3_TLS") },
    out: { type: "string", default: "mail" },
    delete: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});

if (!values.user || values.password === undefined) {
  console.error("Cannot fetch: --user and --password (or POP3_USER, POP3_PASSWORD) are required");
  Deno.exit(2);
}

await using client = await Pop3Client.connect({
  hostname: values.host,
  ...(values.port ? { port: Number(values.port) } : {}),
  tls: {
    ...(values.tls ? { mode: values.tls as TlsMode } : {}),
    ...(values.ca ? { caCerts: [await readFile(values.ca, "utf8")] } : {}),
  },
  auth: { username: values.user, password: values.password },
  ...(values.verbose ? { onTranscript: (e) => console.error(e.direction, e.line) } : {}),
});
console.log(`logged in to ${values.host} (${client.secure ? "TLS" : "plaintext"})`);

await mkdir(values.out, { recursive: true });
const seenFile = join(values.out, ".seen");
const seen = new Set((await readFile(seenFile, "utf8").catch(() => "")).split("\n"));
const sizes = new Map((await client.list()).map((entry) => [entry.id, entry.size]));
let saved = 0;
for (const { id, uid } of await client.uidl()) {
  if (seen.has(uid)) continue;
  const path = join(values.out, `${uid.replace(/[^\w.-]/g, "_")}.eml`);
  // Streamed from the socket to the file: a large message never sits in memory.
  const stream = await client.retrieve(id);
  await stream.pipeTo(Writable.toWeb(createWriteStream(path)));
  console.log(`saved #${id} (${sizes.get(id)} octets) to ${path}`);
  seen.add(uid);
  saved++;
  if (values.delete) await client.delete(id);
}
await writeFile(seenFile, [...seen].filter(Boolean).join("\n") + "\n");
console.log(`${saved} new message(s)${values.delete ? `, ${saved} marked for deletion` : ""}`);
// Leaving the block sends QUIT: only then are the deletions committed.
