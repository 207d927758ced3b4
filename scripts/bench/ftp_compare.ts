// Copyright 2026 the portline authors. MIT license.
/**
 * FTP client comparison against the interop servers (vsftpd, proftpd or
 * both; one table per server): a 256 MB download and a 256 MB upload over
 * loopback, plain FTP, passive mode; the download also into a local file.
 * Clients: ours (stream, chunk function, file), curl, Python's ftplib
 * (`retrbinary`/`storbinary`'s loops, 64 KiB blocks) and basic-ftp (Node);
 * and a reference row, the same transfer as a bare read or write loop on
 * `Deno.connect` with no client code (ftp_bare_child.ts), which shows what
 * the runtime itself reaches. Each transfer runs in its own process.
 * Throughput is timed as curl reports it (`time_total - time_pretransfer`):
 * from the server's go-ahead (the 150 reply) to the final 226 — for ours
 * (the result's `elapsedMs`; streams from `download()`'s return), curl and
 * ftplib (from `transfercmd()`'s return); basic-ftp has no hook there and is
 * timed from its call, about 2 ms more of EPSV, connect and RETR/STOR. Peak
 * RSS is the process's VmHWM from /proc (GNU time's maximum RSS for curl).
 * Cases run round-robin, each group's order rotated every round; the median
 * of the rounds is shown, with the range (min–max) next to it, and "ours ÷
 * this" is the median of the per-round ratios (our fastest variant's rate
 * over the client's in the same round, which cancels the machine's slow and
 * fast spells), with the middle half of them. Every case runs twice: as the
 * scheduler places client and server, and with both on CPU 0 (`taskset`
 * on the process listening on the server's port, whose per-session children
 * inherit that: vsftpd's master, or for proftpd, which runs in inetd mode,
 * the socat that spawns one proftpd per connection). On this 2-CPU VM single
 * transfers swing 2x from run to run in the first setting (which CPU ends up
 * doing the loopback TCP work of both sides varies); on one CPU a transfer
 * costs what client and server spend on it. Before each upload the uploaded
 * copies are deleted (untimed): replacing an existing 256 MB file makes
 * vsftpd truncate it before its 150 reply (about 100 ms here), which curl's
 * pretransfer time hides but every other client's timer counts.
 *
 * Servers (from `bash scripts/interop/run.sh --setup-only`; both serve
 * ftpuser's home with the 256 MB big.bin): vsftpd on 12121 and proftpd on
 * 12123 (the instance without FTPS session-reuse checks; plain FTP is the
 * same on 12122). With `--server both` every round runs each server's cases
 * in turn, so the two see the same spells of the machine. Needs also
 * `npm install` in scripts/bench (basic-ftp).
 *
 * Usage: deno run -A scripts/bench/ftp_compare.ts [--rounds 5]
 *   [--server vsftpd|proftpd|both] (default vsftpd)
 *   [--port PORT] (another port for the one server chosen)
 *   [--only GROUP] (the groups whose name starts with GROUP, e.g. "upload")
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";

/** The interop servers' plain-FTP ports (scripts/interop/setup_40_ftp.sh). */
const SERVER_PORTS = { vsftpd: "12121", proftpd: "12123" } as const;
type Server = keyof typeof SERVER_PORTS;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "5" },
    server: { type: "string", default: "vsftpd" },
    port: { type: "string" },
    only: { type: "string" },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  throw new RangeError(`Cannot run "${values.rounds}" rounds: use a whole number from 1`);
}
const servers: Server[] = values.server === "both"
  ? ["vsftpd", "proftpd"]
  : values.server === "vsftpd" || values.server === "proftpd"
  ? [values.server]
  : [];
if (servers.length === 0) {
  throw new TypeError(`Unknown server "${values.server}": use "vsftpd", "proftpd" or "both"`);
}
if (values.port !== undefined && servers.length > 1) {
  throw new TypeError("Cannot use --port with --server both: each server has its own port");
}
/** The port each server chosen is benchmarked on. */
const ports = new Map<Server, string>(
  servers.map((server) => [server, values.port ?? SERVER_PORTS[server]]),
);
const here = new URL(".", import.meta.url).pathname;
const run_dir = process.env.PORTLINE_INTEROP_DIR ??
  new URL("../../.interop", import.meta.url).pathname;
// Both servers serve ftpuser's home: this is the file they send.
const local = `${run_dir}/ftp/home/big.bin`;
const urlOf = (port: string) => `ftp://ftpuser:ftppass@127.0.0.1:${port}`;
/** Where the "download to a file" cases write (removed before each). */
const downloaded = `${run_dir}/ftp/bench-download.bin`;

interface Result {
  bytes: number;
  seconds: number;
  rssMb: number;
}

interface Case {
  server: Server;
  group: string;
  client: string;
  run: () => Promise<Result>;
}

/** Whether commands run on CPU 0 (through `taskset -c 0`). */
let pinning = false;

async function exec(
  cmd: string,
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  const out = await new Deno.Command(pinning ? "taskset" : cmd, {
    args: pinning ? ["-c", "0", cmd, ...args] : args,
    cwd: here,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${stderr}`);
  }
  return { stdout, stderr };
}

async function child(cmd: string, args: string[]): Promise<Result> {
  const { stdout } = await exec(cmd, args);
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

async function curl(args: string[]): Promise<Result> {
  const { stdout, stderr } = await exec("/usr/bin/time", [
    "-f",
    "RSS %M",
    "curl",
    "-s",
    ...args,
  ]);
  const [bytes, total, pretransfer] = stdout.trim().split(" ").map(Number);
  const rss = /RSS (\d+)/.exec(stderr);
  return {
    bytes: bytes!,
    seconds: total! - pretransfer!,
    rssMb: Number(rss?.[1] ?? 0) / 1024,
  };
}

/** The cases against one server (every child gets its port). */
function serverCases(server: Server, port: string): Case[] {
  const url = urlOf(port);
  const ours = (op: string, ...rest: string[]) => () =>
    child("deno", ["run", "-A", "ftp_ours_child.ts", op, port, ...rest]);
  /** The reference: the same transfer over bare `Deno.connect`, no client code. */
  const bare = (op: string, ...rest: string[]) => () =>
    child("deno", ["run", "-A", "ftp_bare_child.ts", op, port, ...rest]);
  const ftplib = (op: string, ...rest: string[]) => () =>
    child("python3", ["ftp_ftplib_child.py", op, port, ...rest]);
  const basic = (op: string, ...rest: string[]) => () =>
    child("node", ["ftp_basic_child.mjs", op, port, ...rest]);
  const curlDownload = (to: string) => () =>
    curl([
      "-o",
      to,
      "-w",
      "%{size_download} %{time_total} %{time_pretransfer}",
      `${url}/big.bin`,
    ]);
  const cases: Omit<Case, "server">[] = [
    {
      group: "download",
      client: "ours: download() stream, for await",
      run: ours("download", "big.bin"),
    },
    {
      group: "download",
      client: "ours: download() stream, BYOB reader",
      run: ours("download-byob", "big.bin"),
    },
    {
      group: "download",
      client: "ours: downloadTo(fn)",
      run: ours("download-sink", "big.bin"),
    },
    {
      group: "download",
      client: "ours: downloadTo(/dev/null)",
      run: ours("download-file", "big.bin", "/dev/null"),
    },
    {
      group: "download",
      client: "reference: bare Deno loop",
      run: bare("download", "big.bin"),
    },
    { group: "download", client: "curl", run: curlDownload("/dev/null") },
    {
      group: "download",
      client: "ftplib retrbinary 64 KiB",
      run: ftplib("download", "big.bin"),
    },
    {
      group: "download",
      client: "basic-ftp (Node)",
      run: basic("download", "big.bin"),
    },
    {
      group: "download to a file",
      client: "ours: downloadTo(file)",
      run: ours("download-file", "big.bin", downloaded),
    },
    { group: "download to a file", client: "curl", run: curlDownload(downloaded) },
    {
      group: "download to a file",
      client: "ftplib retrbinary 64 KiB",
      run: ftplib("download", "big.bin", downloaded),
    },
    {
      group: "download to a file",
      client: "basic-ftp (Node)",
      run: basic("download", "big.bin", downloaded),
    },
    {
      group: "upload",
      client: "ours: uploadFrom(file)",
      run: ours("upload", "upload/bench-ours.bin", local),
    },
    {
      group: "upload",
      client: "reference: bare Deno loop",
      run: bare("upload", "upload/bench-bare-deno.bin", local),
    },
    {
      group: "upload",
      client: "curl",
      run: () =>
        curl([
          "-T",
          local,
          "-w",
          "%{size_upload} %{time_total} %{time_pretransfer}",
          `${url}/upload/bench-curl.bin`,
        ]),
    },
    {
      group: "upload",
      client: "ftplib storbinary 64 KiB",
      run: ftplib("upload", "upload/bench-ftplib.bin", local),
    },
    {
      group: "upload",
      client: "basic-ftp (Node)",
      run: basic("upload", "upload/bench-basic.bin", local),
    },
  ];
  return cases.map((c) => ({ ...c, server }));
}

// Each case also runs with client and server on one CPU (those groups after
// the others, as the tables list them).
const baseCases = servers.flatMap((server) => serverCases(server, ports.get(server)!));
const cases: Case[] = ["", ", one CPU"].flatMap((suffix) =>
  baseCases.map((c) => ({ ...c, group: c.group + suffix }))
).filter((c) => values.only === undefined || c.group.startsWith(values.only));
if (cases.length === 0) throw new TypeError(`No group starts with "${values.only}"`);

const uploads = ["ours", "bare-deno", "curl", "ftplib", "basic"].map((name) =>
  `upload/bench-${name}.bin`
);

/** Deletes the uploaded copies (a `*` prefix: a missing file is no error). */
async function removeUploads(server: Server): Promise<void> {
  await exec("curl", [
    "-s",
    ...uploads.flatMap((path) => ["-Q", `*DELE ${path}`]),
    `${urlOf(ports.get(server)!)}/`,
    "-o",
    "/dev/null",
  ]);
}

/** The groups in their first-seen order (the same for every server). */
const groups = [...new Set(cases.map((c) => c.group))];

/**
 * The pid of the process listening on a server's port: vsftpd's master, or
 * the socat that starts one proftpd per connection (inetd mode). The
 * sessions' processes are its children and inherit its CPU affinity.
 */
async function listenerPid(server: Server): Promise<string> {
  const port = ports.get(server)!;
  const { stdout } = await exec("ss", ["-Hltnp", `sport = :${port}`]);
  const pid = /pid=(\d+)/.exec(stdout)?.[1];
  if (!pid) throw new Error(`no process listens on ${port} (${server}): ${stdout}`);
  return pid;
}

/** Pins a server's new sessions to CPU 0 (`on`) or lets them run anywhere. */
async function pinServer(server: Server, on: boolean): Promise<void> {
  const cpus = on ? "0" : `0-${navigator.hardwareConcurrency - 1}`;
  await exec("taskset", ["-pc", cpus, await listenerPid(server)]);
}

const samples = new Map<Case, Result[]>();
for (let round = 1; round <= rounds; round++) {
  console.error(`round ${round}/${rounds}`);
  for (const server of servers) {
    for (const group of groups) {
      const inGroup = cases.filter((c) => c.server === server && c.group === group);
      if (inGroup.length === 0) continue;
      const pinned = group.endsWith("one CPU");
      if (pinned) await pinServer(server, true);
      try {
        // Rotated by the round, so no client always goes first.
        const k = (round - 1) % inGroup.length;
        for (const c of [...inGroup.slice(k), ...inGroup.slice(0, k)]) {
          pinning = false;
          if (c.group.startsWith("upload")) await removeUploads(server);
          await Deno.remove(downloaded).catch(() => {});
          // Untimed: the previous cases' files (up to 1 GB per round) go to
          // the disk now, not as writeback while this case runs.
          await exec("sync", []);
          pinning = pinned;
          const result = await c.run();
          if (result.bytes !== 268435456) {
            throw new Error(`${server}, ${c.client}: ${result.bytes} bytes`);
          }
          samples.set(c, [...(samples.get(c) ?? []), result]);
        }
      } finally {
        pinning = false;
        if (pinned) await pinServer(server, false);
      }
    }
  }
}

// Remove the uploaded and downloaded copies (1 GB of disk otherwise; both
// servers share ftpuser's home, so one server's DELE would do).
for (const server of servers) await removeUploads(server);
await Deno.remove(downloaded).catch(() => {});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const rates = (c: Case) => samples.get(c)!.map((r) => r.bytes / 1e6 / r.seconds);
const mbps = (c: Case) => median(rates(c));
const range = (c: Case) =>
  `${Math.min(...rates(c)).toFixed(0)}–${Math.max(...rates(c)).toFixed(0)}`;
const rss = (c: Case) => median(samples.get(c)!.map((r) => r.rssMb));
/** Paired ratios `ours ÷ c`, one per round: median and middle half. */
function ratios(ours: Case, c: Case): string {
  const a = rates(ours);
  const b = rates(c);
  const sorted = a.map((x, i) => x / b[i]!).sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return `${median(sorted).toFixed(2)} (${at(0.25).toFixed(2)}–${at(0.75).toFixed(2)})`;
}
/** How each server runs, for the tables' headings. */
const described: Record<Server, string> = {
  vsftpd: "",
  proftpd: ", inetd mode behind socat",
};
const plural = rounds === 1 ? "round" : "rounds";
for (const server of servers) {
  console.log(
    `\nFTP 256 MB over loopback against ${server} (port ${ports.get(server)}${
      described[server]
    }), median of ${rounds} ${plural}\n`,
  );
  console.log(
    "| Server | Transfer | Client | MB/s | range | ours ÷ this (middle half) | Peak RSS (MB) |",
  );
  console.log("|---|---|---|---:|---:|---:|---:|");
  for (const group of groups) {
    const inGroup = cases.filter((c) => c.server === server && c.group === group);
    if (inGroup.length === 0) continue;
    // The reference "ours" row: the fastest of our variants in the group.
    const ours = inGroup.filter((c) => c.client.startsWith("ours"))
      .reduce((a, b) => mbps(b) > mbps(a) ? b : a);
    for (const c of inGroup) {
      const ratio = c.client.startsWith("ours") ? "" : ratios(ours, c);
      console.log(
        `| ${server} | ${group} | ${c.client} | ${mbps(c).toFixed(0)} | ${range(c)} | ${ratio} | ${
          rss(c).toFixed(0)
        } |`,
      );
    }
  }
}
