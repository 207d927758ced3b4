// Copyright 2026 the portline authors. MIT license.
/**
 * POP3 client benchmark against dovecot (scripts/interop/setup_20_dovecot.sh),
 * user popbench, plain TCP on 127.0.0.1:11110, all in one run:
 *
 * 1. RETR of 1,000 messages of 20 KB: Pop3Client (pipelined `retrieveMany`,
 *    and lock-step `retrieveBytes`) against Python's poplib (lock-step,
 *    the only way it has), with a bare `conn.read` loop doing the same
 *    lock-step RETRs as the floor (no parsing, no copy, no timers).
 * 2. RETR of one 256 MB message: Pop3Client's `retrieve()` stream against a
 *    bare `conn.read` loop over the same RETR from the same dovecot (the
 *    client's own overhead).
 *
 * Usage: bash scripts/interop/run.sh --setup-only
 *        deno run -A scripts/bench/pop3_compare.ts [--rounds 3] [--big-mb 256]
 *
 * @module
 */
import { join } from "node:path";
import { chown, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { connect } from "../../protocols/_core/mod.ts";
import { Pop3Client } from "../../protocols/pop3/mod.ts";

const RUN = Deno.env.get("PORTLINE_INTEROP_DIR") ?? ".interop";
const USER = "popbench";
const PASSWORD = "benchpass";
const PORT = 11110;
const SMALL_COUNT = 1000;
const SMALL_SIZE = 20 * 1024;

function arg(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(Deno.args[at + 1]);
}
const ROUNDS = arg("rounds", 3);
const BIG_MB = arg("big-mb", 256);

const encoder = new TextEncoder();

/** LF text of about `size` bytes: a header and 76-column lines. */
function messageText(n: number, size: number): string {
  const header = `From: bench@example.org\nTo: popbench@portline.test\nSubject: bench ${n}\n` +
    `Message-ID: <bench-${n}@portline.test>\n\n`;
  const line = `${String(n).padStart(8, "0")} ${
    "abcdefghijklmnopqrstuvwxyz0123456789".repeat(2)
  }\n`;
  return header + line.repeat(Math.max(1, Math.floor((size - header.length) / line.length)));
}

/**
 * Seeds popbench's Maildir once: messages 1..1000 of ~20 KB, then one of
 * BIG_MB. The file names carry S= and W= (CRLF size) so dovecot need not
 * read the big file to LIST it.
 */
async function seed(): Promise<{ bigBytes: number }> {
  const mail = join(RUN, "mail");
  const maildir = join(mail, USER, "Maildir");
  const marker = join(mail, USER, `seeded-${SMALL_COUNT}-${SMALL_SIZE}-${BIG_MB}`);
  const bigLine = encoder.encode("x".repeat(99) + "\n");
  const bigCount = Math.floor(BIG_MB * 1024 * 1024 / bigLine.byteLength);
  const bigBytes = bigCount * (bigLine.byteLength + 1);
  try {
    await stat(marker);
    return { bigBytes };
  } catch {
    // Not seeded yet.
  }
  console.error(`seeding ${SMALL_COUNT} x ${SMALL_SIZE} B and one ${BIG_MB} MB message…`);
  const owner = await stat(mail);
  await rm(join(mail, USER), { recursive: true, force: true });
  for (
    const dir of [
      join(mail, USER),
      maildir,
      ...["cur", "new", "tmp"].map((d) => join(maildir, d)),
    ]
  ) {
    await mkdir(dir, { recursive: true });
    await chown(dir, owner.uid, owner.gid);
  }
  const base = 1_700_000_000;
  for (let i = 1; i <= SMALL_COUNT; i++) {
    const bytes = encoder.encode(messageText(i, SMALL_SIZE));
    const crlfSize = bytes.byteLength + bytes.filter((b) => b === 10).length;
    const file = join(
      maildir,
      "cur",
      `${base + i}.M${i}P1.bench,S=${bytes.byteLength},W=${crlfSize}:2,S`,
    );
    await writeFile(file, bytes);
    await chown(file, owner.uid, owner.gid);
  }
  const big = new Uint8Array(bigCount * bigLine.byteLength);
  for (let i = 0; i < bigCount; i++) big.set(bigLine, i * bigLine.byteLength);
  const bigFile = join(
    maildir,
    "cur",
    `${base + SMALL_COUNT + 1}.M0P1.bench,S=${big.byteLength},W=${bigBytes}:2,S`,
  );
  await writeFile(bigFile, big);
  await chown(bigFile, owner.uid, owner.gid);
  await writeFile(marker, "");
  if ((await readdir(join(maildir, "cur"))).length !== SMALL_COUNT + 1) {
    throw new Error("Cannot seed popbench: unexpected file count");
  }
  return { bigBytes };
}

function login(): Promise<Pop3Client> {
  return Pop3Client.connect({
    hostname: "127.0.0.1",
    port: PORT,
    tls: "none",
    auth: { username: USER, password: PASSWORD, method: "user" },
    timeoutMs: 120_000,
  });
}

const IDS = Array.from({ length: SMALL_COUNT }, (_, i) => i + 1);

async function oursPipelined(): Promise<{ seconds: number; bytes: number }> {
  const client = await login();
  const start = performance.now();
  let bytes = 0;
  for await (const message of client.retrieveMany(IDS)) bytes += message.bytes.byteLength;
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  return { seconds, bytes };
}

async function oursLockStep(): Promise<{ seconds: number; bytes: number }> {
  const client = await login();
  const start = performance.now();
  let bytes = 0;
  for (const id of IDS) bytes += (await client.retrieveBytes(id)).byteLength;
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  return { seconds, bytes };
}

const POPLIB = `
import poplib, sys, time
c = poplib.POP3("127.0.0.1", ${PORT}, timeout=120)
c.user("${USER}"); c.pass_("${PASSWORD}")
start = time.perf_counter()
total = 0
for i in range(1, ${SMALL_COUNT} + 1):
    resp, lines, octets = c.retr(i)
    total += sum(len(l) + 2 for l in lines)
elapsed = time.perf_counter() - start
c.quit()
print(elapsed, total)
`;

async function poplib(): Promise<{ seconds: number; bytes: number }> {
  const out = await new Deno.Command("python3", { args: ["-c", POPLIB], stdout: "piped" }).output();
  if (!out.success) throw new Error("Cannot run poplib: python3 failed");
  const [seconds, bytes] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
  return { seconds: seconds!, bytes: bytes! };
}

async function oursBig(id: number): Promise<{ seconds: number; bytes: number }> {
  const client = await login();
  const start = performance.now();
  let bytes = 0;
  for await (const chunk of await client.retrieve(id)) bytes += chunk.byteLength;
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  return { seconds, bytes };
}

/** Opens a bare connection logged in as popbench. */
async function rawLogin(buffer: Uint8Array) {
  const conn = await connect({ hostname: "127.0.0.1", port: PORT });
  const readUntil = async (needle: string) => {
    let text = "";
    while (!text.includes(needle)) {
      const n = await conn.read(buffer);
      if (n === null) throw new Error("Cannot read: closed");
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
  };
  await readUntil("\r\n");
  await conn.write(encoder.encode(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`));
  await readUntil("Logged in.\r\n");
  return conn;
}

/**
 * The lock-step floor: the same 1,000 RETRs, each read with bare conn.read
 * into one 64 KiB buffer up to its terminator, nothing parsed or copied.
 */
async function rawLockStep(): Promise<{ seconds: number; bytes: number }> {
  const buffer = new Uint8Array(65536);
  const conn = await rawLogin(buffer);
  const start = performance.now();
  let bytes = 0;
  for (const id of IDS) {
    await conn.write(encoder.encode(`RETR ${id}\r\n`));
    let have = 0;
    for (;;) {
      if (have === buffer.byteLength) throw new Error("Cannot read: reply over 64 KiB");
      const n = await conn.read(buffer.subarray(have));
      if (n === null) throw new Error("Cannot read: closed");
      have += n;
      if (
        have >= 5 && buffer[have - 5] === 13 && buffer[have - 4] === 10 &&
        buffer[have - 3] === 46 && buffer[have - 2] === 13 && buffer[have - 1] === 10
      ) break;
    }
    bytes += have;
  }
  const seconds = (performance.now() - start) / 1000;
  await conn.write(encoder.encode("QUIT\r\n"));
  conn.close();
  return { seconds, bytes };
}

/** The floor: the same RETR read with bare conn.read into one 64 KiB buffer. */
async function rawBig(id: number): Promise<{ seconds: number; bytes: number }> {
  const buffer = new Uint8Array(65536);
  const conn = await rawLogin(buffer);
  const start = performance.now();
  await conn.write(encoder.encode(`RETR ${id}\r\n`));
  let bytes = 0;
  const tail = new Uint8Array(5);
  const END = [13, 10, 46, 13, 10];
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("Cannot read: closed");
    bytes += n;
    // Keep the last five bytes seen, across reads.
    if (n >= 5) tail.set(buffer.subarray(n - 5, n));
    else {
      tail.copyWithin(0, n);
      tail.set(buffer.subarray(0, n), 5 - n);
    }
    if (tail.every((b, i) => b === END[i])) break;
  }
  const seconds = (performance.now() - start) / 1000;
  await conn.write(encoder.encode("QUIT\r\n"));
  conn.close();
  return { seconds, bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const { bigBytes } = await seed();
const bigId = SMALL_COUNT + 1;
// Warm dovecot's index and the page cache once.
await oursPipelined();
await rawBig(bigId);

const times: Record<string, number[]> = {
  pipelined: [],
  lockstep: [],
  poplib: [],
  rawLockStep: [],
  big: [],
  raw: [],
};
let smallTotal = 0;
for (let round = 0; round < ROUNDS; round++) {
  const a = await oursPipelined();
  const b = await oursLockStep();
  const c = await poplib();
  const d = await rawLockStep();
  if (a.bytes !== b.bytes || a.bytes !== c.bytes) {
    throw new Error(`Byte counts differ: ${a.bytes} / ${b.bytes} / ${c.bytes}`);
  }
  smallTotal = a.bytes;
  times.pipelined!.push(a.seconds);
  times.lockstep!.push(b.seconds);
  times.poplib!.push(c.seconds);
  times.rawLockStep!.push(d.seconds);
  const big = await oursBig(bigId);
  const raw = await rawBig(bigId);
  if (big.bytes !== bigBytes || raw.bytes < bigBytes) {
    throw new Error(`Big message sizes differ: ${big.bytes} / ${raw.bytes} / ${bigBytes}`);
  }
  times.big!.push(big.seconds);
  times.raw!.push(raw.seconds);
}

const MB = 1e6;
function row(name: string, seconds: number, count: number, bytes: number): string {
  return `| ${name.padEnd(44)} | ${(count / seconds).toFixed(0).padStart(8)} | ${
    (bytes / MB / seconds).toFixed(1).padStart(8)
  } |`;
}
const poplibRate = SMALL_COUNT / median(times.poplib!);
console.log(
  `\nRETR ${SMALL_COUNT} x ${SMALL_SIZE / 1024} KB from dovecot (median of ${ROUNDS}, ${
    (smallTotal / MB).toFixed(1)
  } MB each)\n`,
);
console.log("| client | msg/s | MB/s |");
console.log("|---|---:|---:|");
console.log(
  row(
    "portline Pop3Client.retrieveMany (pipelined)",
    median(times.pipelined!),
    SMALL_COUNT,
    smallTotal,
  ),
);
console.log(
  row(
    "portline Pop3Client.retrieveBytes (lock-step)",
    median(times.lockstep!),
    SMALL_COUNT,
    smallTotal,
  ),
);
console.log(row("Python poplib retr (lock-step)", median(times.poplib!), SMALL_COUNT, smallTotal));
console.log(
  row(
    "bare conn.read loop (lock-step, floor)",
    median(times.rawLockStep!),
    SMALL_COUNT,
    smallTotal,
  ),
);
console.log(
  `\nratio vs poplib: pipelined ${
    (SMALL_COUNT / median(times.pipelined!) / poplibRate).toFixed(2)
  }x, lock-step ${(SMALL_COUNT / median(times.lockstep!) / poplibRate).toFixed(2)}x; lock-step ${
    (100 * median(times.rawLockStep!) / median(times.lockstep!)).toFixed(0)
  }% of the bare loop`,
);
console.log(
  `per-round msg/s: lock-step ${
    times.lockstep!.map((t) => (SMALL_COUNT / t).toFixed(0)).join(" ")
  }; poplib ${times.poplib!.map((t) => (SMALL_COUNT / t).toFixed(0)).join(" ")}`,
);
const bigRate = bigBytes / MB / median(times.big!);
const rawRate = bigBytes / MB / median(times.raw!);
console.log(`\nRETR of one ${BIG_MB} MB message (median of ${ROUNDS})\n`);
console.log("| reader | MB/s |");
console.log("|---|---:|");
console.log(`| portline Pop3Client.retrieve() stream | ${bigRate.toFixed(0)} |`);
console.log(`| bare conn.read loop (64 KiB buffer) | ${rawRate.toFixed(0)} |`);
console.log(`\nclient throughput / raw: ${(100 * bigRate / rawRate).toFixed(0)}%`);
