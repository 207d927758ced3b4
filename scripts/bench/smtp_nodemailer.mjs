// Copyright 2026 the portline authors. MIT license.
// nodemailer side of smtp_compare.ts: a pooled transport with one connection
// (maxConnections 1, unlimited messages), each sendMail awaited in turn.
// Usage: node smtp_nodemailer.mjs HOST PORT COUNT MESSAGE_FILE RCPT...
// Prints the elapsed seconds of the timed loop.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// require() keeps `deno check scripts/` from resolving this Node-only package.
const nodemailer = createRequire(import.meta.url)("nodemailer");

const [host, port, count, path, ...to] = process.argv.slice(2);
const raw = readFileSync(path);
const transport = nodemailer.createTransport({
  host,
  port: Number(port),
  secure: false,
  ignoreTLS: true,
  pool: true,
  maxConnections: 1,
  maxMessages: Infinity,
  name: "bench.local",
});
const envelope = { from: "bench@example.org", to };
for (let i = 0; i < 20; i++) await transport.sendMail({ envelope, raw }); // warm-up
const start = process.hrtime.bigint();
for (let i = 0; i < Number(count); i++) await transport.sendMail({ envelope, raw });
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
transport.close();
console.log(elapsed);
