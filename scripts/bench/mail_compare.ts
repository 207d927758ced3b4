// Copyright 2026 the portline authors. MIT license.
/**
 * Mail compose/parse benchmark, all in one run, same workloads everywhere:
 *
 * 1. Compose 2,000 small messages (UTF-8 subject and names, text + HTML) to
 *    bytes: our `MailMessage` against Python's `email` (EmailMessage,
 *    `as_bytes(policy=SMTP)`) and nodemailer's MailComposer (Node).
 * 2. Compose one message with a 20 MB binary attachment to bytes.
 * 3. Parse the 2,000 small messages, and the 20 MB message: our `parseMail`
 *    against Python's `email.message_from_bytes(policy=default)` (with the
 *    attachment decoded). nodemailer has no parser.
 *
 * Each figure is the best of `--rounds` runs (the machine may be shared).
 *
 * Usage: deno run -A scripts/bench/mail_compare.ts [--count 2000] [--mb 20] [--rounds 3]
 *   (nodemailer comes from scripts/bench/node_modules: `npm ci` there first)
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MailMessage, parseMail } from "../../protocols/mail/mod.ts";

function arg(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(Deno.args[at + 1]);
}
const COUNT = arg("count", 2000);
const MB = arg("mb", 20);
const ROUNDS = arg("rounds", 3);
const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));

const TEXT = "Hallo Welt! Grüße aus Köln.\n".repeat(20);
const HTML = "<p>Hallo <b>Welt</b>! Grüße aus Köln.</p>\n".repeat(20);

function small(i: number): MailMessage {
  return new MailMessage({
    from: { name: "Jörg Müller", address: "joerg@example.org" },
    to: [{ name: "Lee, Ann", address: "ann@example.org" }, "bo@example.org"],
    subject: `Grüße Nummer ${i} — Bericht`,
    text: TEXT,
    html: HTML,
  });
}

function big(data: Uint8Array): MailMessage {
  return new MailMessage({
    from: "a@example.org",
    to: "b@example.org",
    subject: "Big",
    text: "attached",
    attachments: [{ filename: "big.bin", content: data }],
  });
}

async function ours() {
  const best: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, value] of Object.entries(await oursOnce())) {
      best[key] = Math.min(best[key] ?? Infinity, value);
    }
  }
  return best;
}

async function oursOnce() {
  let t = performance.now();
  const messages: Uint8Array[] = [];
  for (let i = 0; i < COUNT; i++) messages.push(await small(i).bytes());
  const compose = performance.now() - t;
  const data = new Uint8Array(MB * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
  t = performance.now();
  const bigBytes = await big(data).bytes();
  const composeBig = performance.now() - t;
  t = performance.now();
  for (const message of messages) parseMail(message);
  const parse = performance.now() - t;
  t = performance.now();
  const parsed = parseMail(bigBytes);
  const parseBig = performance.now() - t;
  if (parsed.attachments[0]!.body.length !== data.length) {
    throw new Error("bad round trip");
  }
  return { compose, composeBig, parse, parseBig };
}

const PYTHON = String.raw`
import email, email.policy, json, sys, time
from email.message import EmailMessage
from email.headerregistry import Address
count, mb, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
text = "Hallo Welt! Grüße aus Köln.\n" * 20
html = "<p>Hallo <b>Welt</b>! Grüße aus Köln.</p>\n" * 20
def small(i):
    m = EmailMessage()
    m["From"] = Address("Jörg Müller", "joerg", "example.org")
    m["To"] = (Address("Lee, Ann", "ann", "example.org"), Address("", "bo", "example.org"))
    m["Subject"] = f"Grüße Nummer {i} — Bericht"
    m.set_content(text)
    m.add_alternative(html, subtype="html")
    return m.as_bytes(policy=email.policy.SMTP)
data = bytes(((i * 2654435761) & 0xffffffff) >> 24 for i in range(mb * 1024 * 1024))
def once():
    t = time.perf_counter(); msgs = [small(i) for i in range(count)]; compose = time.perf_counter() - t
    t = time.perf_counter()
    m = EmailMessage(); m["From"] = "a@example.org"; m["To"] = "b@example.org"; m["Subject"] = "Big"
    m.set_content("attached")
    m.add_attachment(data, maintype="application", subtype="octet-stream", filename="big.bin")
    big = m.as_bytes(policy=email.policy.SMTP)
    compose_big = time.perf_counter() - t
    t = time.perf_counter()
    for raw in msgs:
        p = email.message_from_bytes(raw, policy=email.policy.default)
        p.get_body(("plain",)).get_content(); p.get_body(("html",)).get_content(); str(p["subject"]); p["to"].addresses
    parse = time.perf_counter() - t
    t = time.perf_counter()
    p = email.message_from_bytes(big, policy=email.policy.default)
    n = len(next(p.iter_attachments()).get_content())
    parse_big = time.perf_counter() - t
    assert n == len(data)
    return {"compose": compose * 1000, "composeBig": compose_big * 1000, "parse": parse * 1000, "parseBig": parse_big * 1000}
best = {}
for _ in range(rounds):
    for k, v in once().items():
        best[k] = min(best.get(k, v), v)
print(json.dumps(best))
`;

const NODE = String.raw`
import MailComposer from "nodemailer/lib/mail-composer";
const [count, mb, rounds] = process.argv.slice(1).map(Number);
const text = "Hallo Welt! Grüße aus Köln.\n".repeat(20);
const html = "<p>Hallo <b>Welt</b>! Grüße aus Köln.</p>\n".repeat(20);
const build = (mail) => new Promise((resolve, reject) =>
  new MailComposer(mail).compile().build((error, message) => error ? reject(error) : resolve(message)));
const data = Buffer.alloc(mb * 1024 * 1024);
for (let i = 0; i < data.length; i++) data[i] = Math.imul(i, 2654435761) >>> 24;
let compose = Infinity, composeBig = Infinity;
for (let round = 0; round < rounds; round++) {
  let t = performance.now();
  for (let i = 0; i < count; i++) {
    await build({
      from: { name: "Jörg Müller", address: "joerg@example.org" },
      to: [{ name: "Lee, Ann", address: "ann@example.org" }, "bo@example.org"],
      subject: "Grüße Nummer " + i + " — Bericht", text, html,
    });
  }
  compose = Math.min(compose, performance.now() - t);
  t = performance.now();
  await build({ from: "a@example.org", to: "b@example.org", subject: "Big", text: "attached",
    attachments: [{ filename: "big.bin", content: data }] });
  composeBig = Math.min(composeBig, performance.now() - t);
}
console.log(JSON.stringify({ compose, composeBig }));
`;

function run(command: string, args: string[], cwd?: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) {
    console.error(`${command} failed: ${result.stderr || result.error}`);
    return undefined;
  }
  return JSON.parse(result.stdout) as Record<string, number>;
}

const results: Record<string, Record<string, number> | undefined> = {
  "portline (Deno)": await ours(),
  "Python email": run("python3", [
    "-c",
    PYTHON,
    String(COUNT),
    String(MB),
    String(ROUNDS),
  ]),
  "nodemailer MailComposer (Node)": run(
    "node",
    [
      "--input-type=module",
      "-e",
      NODE,
      String(COUNT),
      String(MB),
      String(ROUNDS),
    ],
    BENCH_DIR,
  ),
};

const rate = (ms: number | undefined, n: number) =>
  ms === undefined ? "—" : (n / (ms / 1000)).toFixed(0);
const mbps = (ms: number | undefined) => ms === undefined ? "—" : (MB / (ms / 1000)).toFixed(0);
console.log(
  `| | compose ${COUNT} small (msg/s) | compose ${MB} MB attachment (MB/s) | parse ${COUNT} small (msg/s) | parse ${MB} MB (MB/s) |`,
);
console.log("|---|---:|---:|---:|---:|");
for (const [name, r] of Object.entries(results)) {
  console.log(
    `| ${name} | ${rate(r?.compose, COUNT)} | ${mbps(r?.composeBig)} | ${rate(r?.parse, COUNT)} | ${
      mbps(r?.parseBig)
    } |`,
  );
}
