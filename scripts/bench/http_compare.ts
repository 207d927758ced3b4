// Copyright 2026 the portline authors. MIT license.
/**
 * HTTP/1.1 client comparison against the interop nginx (one run, one table):
 * (a) N GETs of a 1 KiB file over keep-alive at concurrency 1 and 32,
 * (b) one 256 MB download. Clients: ours (HttpConnection, HttpAgent.request,
 * httpFetch), Deno's fetch, a bare hand-written keep-alive loop on
 * Deno.connect (the floor), undici (request and fetch, Node), Python's
 * http.client, and curl for (b). Each case runs in its own process (peak RSS
 * from /proc/self/status VmHWM); cases run round-robin, each round starting
 * one case further into its group (so no client always runs first), and the
 * median of the rounds is shown with the range. CPU time per request (per MB
 * for the download) is shown as user + system: on a shared VM the system
 * part (wake-ups, loopback) and throughput swing with the load, the user
 * part (the client's own work) much less. Concurrency 1 runs twice: as the
 * scheduler places client and nginx, and with both on CPU 0 (`taskset`), where
 * no wake-up crosses CPUs and a request costs what the two spend on it.
 *
 * Needs: `bash scripts/interop/run.sh --setup-only` (nginx on 18080) and
 * `npm install` in scripts/bench (undici).
 *
 * Usage: deno run -A scripts/bench/http_compare.ts [--rounds 5] [--big-rounds 5] [--n 20000]
 *   [--skip-big]
 *
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "5" },
    "big-rounds": { type: "string", default: "5" },
    n: { type: "string", default: "20000" },
    base: { type: "string", default: "http://127.0.0.1:18080" },
    "skip-big": { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
// One download takes a second or less and swings the most: more samples.
const bigRounds = Math.max(rounds, Number(values["big-rounds"]));
const n = Number(values.n);
const base = values.base!;
const here = new URL(".", import.meta.url).pathname;

interface Result {
  client: string;
  rps: number;
  mbps: number;
  rssMb: number;
  /** CPU per request (small) or per MB (download), in µs. */
  cpuUs: number;
  /** The user-mode part of it. */
  userUs?: number;
}

interface Case {
  group: string;
  client: string;
  run: () => Promise<Result>;
}

/**
 * Groups whose client runs on CPU 0 beside nginx's workers (see below): the
 * command goes through `taskset -c 0`.
 */
const pinnedGroups = new Set<string>();
let pinning = false;

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(pinning ? "taskset" : cmd, {
    args: pinning ? ["-c", "0", cmd, ...args] : args,
    cwd: here,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

function json(text: string): Result {
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

const small = `${base}/1k.bin`;
const big = `${base}/big.bin`;
const cases: Case[] = [];

/** One case: a child process (command and script) that prints one JSON result line. */
function child(group: string, client: string, command: string[], args: (string | number)[]) {
  cases.push({
    group,
    client,
    run: async () => json(await run(command[0]!, [...command.slice(1), ...args.map(String)])),
  });
}

const deno = (group: string, client: string, ...args: (string | number)[]) =>
  child(group, client, ["deno", "run", "-A", "http_bench_deno.ts", client], args);
const undici = (group: string, client: string, ...args: (string | number)[]) =>
  child(group, client, ["node", "http_bench_undici.mjs", client], args);
const python = (group: string, ...args: (string | number)[]) =>
  child(group, "python-http.client", ["python3", "http_bench_python.py"], args);

// c=1 twice: as scheduled, and with client and nginx on one CPU. On this
// 2-vCPU VM a wake-up across CPUs costs 50–150 µs of system time (it varies
// run to run), more than the client's own work; on one CPU a request costs
// what its client and nginx spend on it, which is what the comparison is for.
for (const [c, pin] of [[1, true], [1, false], [32, false]] as const) {
  const group = `1 KiB GET x${n}, c=${c}${pin ? ", one CPU" : ""}`;
  if (pin) pinnedGroups.add(group);
  for (
    const client of [
      "ours-conn",
      "ours-agent",
      "ours-fetch",
      "deno-fetch",
      "bare",
    ]
  ) {
    deno(group, client, "small", small, n, c);
  }
  for (const client of ["undici-request", "undici-fetch"]) {
    undici(group, client, "small", small, n, c);
  }
  python(group, "small", small, n, c);
}
if (!values["skip-big"]) {
  const group = "256 MB download";
  // BYOB readers into one reused 1 MiB buffer; "-default": a default reader.
  for (
    const client of [
      "ours-conn",
      "ours-conn-default",
      "ours-fetch",
      "deno-fetch",
      "deno-fetch-default",
    ]
  ) {
    deno(group, client, "big", big, 1, 1);
  }
  for (const client of ["undici-request", "undici-fetch"]) {
    undici(group, client, "big", big, 1, 1);
  }
  python(group, "big", big, 1, 1);
  cases.push({
    group,
    client: "curl",
    run: async () => {
      const out = await new Deno.Command("/usr/bin/time", {
        args: [
          "-f",
          "%U %S",
          "curl",
          "-s",
          "-o",
          "/dev/null",
          "-w",
          "%{size_download} %{time_total}",
          big,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!out.success) {
        throw new Error(`curl failed: ${new TextDecoder().decode(out.stderr)}`);
      }
      const [size, time] = new TextDecoder().decode(out.stdout).trim().split(
        " ",
      ).map(Number);
      const [user, sys] = new TextDecoder().decode(out.stderr).trim().split(
        "\n",
      ).at(-1)!
        .split(" ").map(Number);
      return {
        client: "curl",
        rps: 0,
        mbps: size! / 1e6 / time!,
        rssMb: 0,
        cpuUs: (user! + sys!) * 1e6 / (size! / 1e6),
        userUs: user! * 1e6 / (size! / 1e6),
      };
    },
  });
}

/** nginx's worker processes (children of the master in its pid file). */
async function nginxWorkers(): Promise<string[]> {
  const runDir = Deno.env.get("PORTLINE_INTEROP_DIR") ??
    new URL("../../.interop", import.meta.url).pathname;
  const master = (await Deno.readTextFile(`${runDir}/nginx/nginx.pid`)).trim();
  const children = await Deno.readTextFile(
    `/proc/${master}/task/${master}/children`,
  );
  return children.trim().split(/\s+/).filter((pid) => pid !== "");
}

/** Pins nginx's workers to CPU 0 (`on`) or lets them run anywhere. */
async function pinNginx(on: boolean): Promise<void> {
  for (const pid of await nginxWorkers()) {
    await run("taskset", [
      "-pc",
      on ? "0" : `0-${navigator.hardwareConcurrency - 1}`,
      pid,
    ]);
  }
}

const samples = new Map<Case, Result[]>();
const groups = [...new Set(cases.map((c) => c.group))];
for (let round = 1; round <= bigRounds; round++) {
  console.error(`round ${round}/${round <= rounds ? rounds : bigRounds}`);
  for (const group of groups) {
    if (round > rounds && !group.startsWith("256")) continue;
    const inGroup = cases.filter((c) => c.group === group);
    if (pinnedGroups.has(group)) await pinNginx(true);
    pinning = pinnedGroups.has(group);
    try {
      await runGroup(inGroup, round);
    } finally {
      pinning = false;
      if (pinnedGroups.has(group)) await pinNginx(false);
    }
  }
}

async function runGroup(inGroup: Case[], round: number): Promise<void> {
  for (let i = 0; i < inGroup.length; i++) {
    const c = inGroup[(i + round - 1) % inGroup.length]!;
    let result: Result;
    try {
      result = await c.run();
    } catch (error) {
      // A server reload (another job re-running the interop setup) resets connections.
      console.error(`${c.group} ${c.client} failed, retrying once: ${error}`);
      result = await c.run();
    }
    samples.set(c, [...(samples.get(c) ?? []), result]);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const rows: string[] = [];
rows.push(
  "| Case | Client | Result (median) | min–max | CPU user + sys (median) | ours-conn ÷ this | ours-fetch ÷ this | Peak RSS |",
);
rows.push("|---|---|---:|---:|---:|---:|---:|---:|");
for (const group of groups) {
  const inGroup = cases.filter((c) => c.group === group);
  const isBig = group.startsWith("256");
  const values = (c: Case) => samples.get(c)!.map((r) => isBig ? r.mbps : r.rps);
  const value = (c: Case) => median(values(c));
  const ref = (name: string) => {
    const c = inGroup.find((x) => x.client === name);
    return c ? value(c) : NaN;
  };
  const conn = ref("ours-conn");
  const fetchRef = ref("ours-fetch");
  const unit = isBig ? "MB/s" : "req/s";
  for (const c of inGroup) {
    const v = value(c);
    const all = values(c);
    const cpu = median(samples.get(c)!.map((r) => r.cpuUs ?? 0));
    const user = median(samples.get(c)!.map((r) => r.userUs ?? 0));
    const rss = median(samples.get(c)!.map((r) => r.rssMb));
    const cpuText = cpu > 0
      ? `${user.toFixed(0)} + ${(cpu - user).toFixed(0)} µs/${isBig ? "MB" : "req"}`
      : "–";
    rows.push(
      `| ${group} | ${c.client} | ${v.toFixed(0)} ${unit} | ${Math.min(...all).toFixed(0)}–${
        Math.max(...all).toFixed(0)
      } | ${cpuText} | ${(conn / v).toFixed(2)}× | ${(fetchRef / v).toFixed(2)}× | ${
        rss > 0 ? `${rss.toFixed(0)} MB` : "–"
      } |`,
    );
  }
}
console.log(
  `HTTP/1.1 against nginx (${base}), ${rounds} round(s) (download: ${bigRounds}), median; Deno ${Deno.version.deno}`,
);
console.log(rows.join("\n"));
