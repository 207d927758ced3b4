// Copyright 2026 the portline authors. MIT license.
// SMTP client comparison, one run: 1,000 messages of 10 KB to 3 recipients
// over one connection, with our SmtpClient, Python's smtplib (sendmail in a
// loop) and nodemailer (pooled transport, one connection), against
//   1. our in-process SmtpServer, run in its own process (the client is the bottleneck),
//   2. postfix from scripts/interop/setup_30_postfix.sh on 127.0.0.1:12525
//      (recipients in a domain routed to postfix's discard transport).
// Each round runs the three clients one after the other, the order rotated
// every round (against postfix a client that follows another meets the
// queue the first one left); the table shows the median of the rounds.
// Usage: deno run -A scripts/bench/smtp_compare.ts [--count N] [--rounds R] [--skip-postfix]
// Needs: cd scripts/bench && npm install; python3; node.
import { SmtpClient } from "../../protocols/smtp/mod.ts";

const args = Deno.args;
const COUNT = Number(args[args.indexOf("--count") + 1] || 1000) || 1000;
const SKIP_POSTFIX = args.includes("--skip-postfix");
const ROUNDS = args.includes("--rounds") ? Number(args[args.indexOf("--rounds") + 1]) || 1 : 1;
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

const CLIENTS: [string, (port: number, to: string[]) => Promise<number>][] = [
  ["portline SmtpClient", ours],
  ["Python smtplib", (port, to) => external("python3", "smtp_smtplib.py", port, to)],
  ["nodemailer", (port, to) => external("node", "smtp_nodemailer.mjs", port, to)],
];

async function run(target: string, port: number, to: string[], round: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < CLIENTS.length; i++) {
    const [client, send] = CLIENTS[(i + round) % CLIENTS.length]!;
    rows.push({ target, client, seconds: await send(port, to) });
  }
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
  for (let round = 0; round < ROUNDS; round++) {
    rows.push(
      ...await run("in-process SmtpServer", port, ["a@x.test", "b@x.test", "c@x.test"], round),
    );
  }
} finally {
  await server.stdin.close();
  await server.status;
  await server.stdout.cancel().catch(() => {});
}
if (!SKIP_POSTFIX) {
  const to = ["a@bench.portline.test", "b@bench.portline.test", "c@bench.portline.test"];
  for (let round = 0; round < ROUNDS; round++) {
    rows.push(...await run("postfix 3.7", 12525, to, round));
  }
}
await Deno.remove(file);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

console.log(
  `\n${COUNT} messages of ${MESSAGE.length} bytes to 3 recipients, one connection, ` +
    `median of ${ROUNDS} round(s)\n`,
);
console.log("| server | client | msg/s (median) | min–max | ours ÷ this |");
console.log("|---|---|---:|---:|---:|");
const rate = (target: string, client: string) =>
  rows.filter((r) => r.target === target && r.client === client).map((r) => COUNT / r.seconds);
for (const target of [...new Set(rows.map((r) => r.target))]) {
  const ourRate = median(rate(target, "portline SmtpClient"));
  for (const [client] of CLIENTS) {
    const rates = rate(target, client);
    const m = median(rates);
    console.log(
      `| ${target} | ${client} | ${m.toFixed(0)} | ${Math.min(...rates).toFixed(0)}–${
        Math.max(...rates).toFixed(0)
      } | ${(ourRate / m).toFixed(2)}× |`,
    );
  }
}
