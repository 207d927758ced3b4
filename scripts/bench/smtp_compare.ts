// Copyright 2026 the portline authors. MIT license.
// SMTP client comparison, one run: 1,000 messages of 10 KB to 3 recipients
// over one connection, with our SmtpClient, Python's smtplib (sendmail in a
// loop) and nodemailer (pooled transport, one connection), against
//   1. our in-process SmtpServer, run in its own process (the client is the bottleneck),
//   2. postfix from scripts/interop/setup_30_postfix.sh on 127.0.0.1:12525
//      (recipients in a domain routed to postfix's discard transport).
// Usage: deno run -A scripts/bench/smtp_compare.ts [--count N] [--skip-postfix]
// Needs: cd scripts/bench && npm install; python3; node.
import { SmtpClient } from "../../protocols/smtp/mod.ts";

const args = Deno.args;
const COUNT = Number(args[args.indexOf("--count") + 1] || 1000) || 1000;
const SKIP_POSTFIX = args.includes("--skip-postfix");
const HERE = new URL(".", import.meta.url).pathname;

function message(size: number): string {
  const head = "From: Bench <bench@example.org>\r\nTo: a@bench.portline.test\r\n" +
    "Subject: benchmark message\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n" +
    "Message-ID: <bench@example.org>\r\nMIME-Version: 1.0\r\n" +
    "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  const line = "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghij\r\n";
  let body = head;
  while (body.length + line.length <= size) body += line;
  return body + "x".repeat(size - body.length - 2) + "\r\n";
}

const MESSAGE = message(10 * 1024);
const file = await Deno.makeTempFile({ suffix: ".eml" });
await Deno.writeTextFile(file, MESSAGE);

async function ours(port: number, to: string[]): Promise<number> {
  const client = await SmtpClient.connect({
    hostname: "127.0.0.1",
    port,
    tls: "none",
    localName: "bench.local",
  });
  const mail = { from: "bench@example.org", to, body: MESSAGE };
  for (let i = 0; i < 20; i++) await client.sendMail(mail);
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) await client.sendMail(mail);
  const elapsed = (performance.now() - start) / 1000;
  await client.close();
  return elapsed;
}

async function external(cmd: string, script: string, port: number, to: string[]): Promise<number> {
  const out = await new Deno.Command(cmd, {
    args: [HERE + script, "127.0.0.1", String(port), String(COUNT), file, ...to],
    cwd: HERE,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${script} failed`);
  return Number(new TextDecoder().decode(out.stdout).trim());
}

interface Row {
  target: string;
  client: string;
  seconds: number;
}

async function run(target: string, port: number, to: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push({ target, client: "portline SmtpClient", seconds: await ours(port, to) });
  rows.push({
    target,
    client: "Python smtplib",
    seconds: await external("python3", "smtp_smtplib.py", port, to),
  });
  rows.push({
    target,
    client: "nodemailer",
    seconds: await external("node", "smtp_nodemailer.mjs", port, to),
  });
  return rows;
}

const rows: Row[] = [];
const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", HERE + "smtp_server.ts"],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
try {
  const reader = server.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const port = Number(new TextDecoder().decode(value).trim());
  rows.push(...await run("in-process SmtpServer", port, ["a@x.test", "b@x.test", "c@x.test"]));
} finally {
  await server.stdin.close();
  await server.status;
  await server.stdout.cancel().catch(() => {});
}
if (!SKIP_POSTFIX) {
  const to = ["a@bench.portline.test", "b@bench.portline.test", "c@bench.portline.test"];
  rows.push(...await run("postfix 3.7", 12525, to));
}
await Deno.remove(file);

console.log(`\n${COUNT} messages of ${MESSAGE.length} bytes to 3 recipients, one connection\n`);
console.log("| server | client | msg/s | ours ÷ this |");
console.log("|---|---|---:|---:|");
for (const row of rows) {
  const rate = COUNT / row.seconds;
  const ourRow = rows.find((r) => r.target === row.target && r.client.startsWith("portline"))!;
  const ratio = (COUNT / ourRow.seconds) / rate;
  console.log(`| ${row.target} | ${row.client} | ${rate.toFixed(0)} | ${ratio.toFixed(2)}× |`);
}
