// Copyright 2026 the portline authors. MIT license.
/**
 * HTTP/1.1 client comparison against the interop nginx (one run, one table):
 * (a) N GETs of a 1 KiB file over keep-alive at concurrency 1 and 32,
 * (b) one 256 MB download. Clients: ours (HttpConnection, HttpAgent.request,
 * httpFetch), Deno's fetch, undici (request and fetch, Node), Python's
 * http.client, and curl for (b). Each case runs in its own process (peak RSS
 * from /proc/self/status VmHWM); cases run round-robin and the median of the
 * rounds is shown.
 *
 * Needs: `bash scripts/interop/run.sh --setup-only` (nginx on 18080) and
 * `npm install` in scripts/bench (undici).
 *
 * Usage: deno run -A scripts/bench/http_compare.ts [--rounds 3] [--n 20000] [--skip-big]
 *
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    n: { type: "string", default: "20000" },
    base: { type: "string", default: "http://127.0.0.1:18080" },
    "skip-big": { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const n = Number(values.n);
const base = values.base!;
const here = new URL(".", import.meta.url).pathname;

interface Result {
  client: string;
  rps: number;
  mbps: number;
  rssMb: number;
}

interface Case {
  group: string;
  client: string;
  run: () => Promise<Result>;
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
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
for (const c of [1, 32]) {
  const group = `1 KiB GET x${n}, c=${c}`;
  for (
    const client of ["ours-conn", "ours-agent", "ours-fetch", "deno-fetch"]
  ) {
    cases.push({
      group,
      client,
      run: async () =>
        json(
          await run("deno", [
            "run",
            "-A",
            "http_bench_deno.ts",
            client,
            "small",
            small,
            `${n}`,
            `${c}`,
          ]),
        ),
    });
  }
  for (const client of ["undici-request", "undici-fetch"]) {
    cases.push({
      group,
      client,
      run: async () =>
        json(
          await run("node", [
            "http_bench_undici.mjs",
            client,
            "small",
            small,
            `${n}`,
            `${c}`,
          ]),
        ),
    });
  }
  cases.push({
    group,
    client: "python-http.client",
    run: async () =>
      json(
        await run("python3", [
          "http_bench_python.py",
          "small",
          small,
          `${n}`,
          `${c}`,
        ]),
      ),
  });
}
if (!values["skip-big"]) {
  const group = "256 MB download";
  for (const client of ["ours-conn", "ours-fetch", "deno-fetch"]) {
    cases.push({
      group,
      client,
      run: async () =>
        json(
          await run("deno", [
            "run",
            "-A",
            "http_bench_deno.ts",
            client,
            "big",
            big,
            "1",
            "1",
          ]),
        ),
    });
  }
  for (const client of ["undici-request", "undici-fetch"]) {
    cases.push({
      group,
      client,
      run: async () =>
        json(
          await run("node", [
            "http_bench_undici.mjs",
            client,
            "big",
            big,
            "1",
            "1",
          ]),
        ),
    });
  }
  cases.push({
    group,
    client: "python-http.client",
    run: async () =>
      json(
        await run("python3", ["http_bench_python.py", "big", big, "1", "1"]),
      ),
  });
  cases.push({
    group,
    client: "curl",
    run: async () => {
      const [size, time] = (await run("curl", [
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{size_download} %{time_total}",
        big,
      ]))
        .trim().split(" ").map(Number);
      return { client: "curl", rps: 0, mbps: size! / 1e6 / time!, rssMb: 0 };
    },
  });
}

const samples = new Map<Case, Result[]>();
for (let round = 1; round <= rounds; round++) {
  console.error(`round ${round}/${rounds}`);
  for (const c of cases) {
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
  "| Case | Client | Result (median) | ours-conn ÷ this | ours-fetch ÷ this | Peak RSS |",
);
rows.push("|---|---|---:|---:|---:|---:|");
const groups = [...new Set(cases.map((c) => c.group))];
for (const group of groups) {
  const inGroup = cases.filter((c) => c.group === group);
  const isBig = group.startsWith("256");
  const value = (c: Case) => median(samples.get(c)!.map((r) => isBig ? r.mbps : r.rps));
  const ref = (name: string) => {
    const c = inGroup.find((x) => x.client === name);
    return c ? value(c) : NaN;
  };
  const conn = ref("ours-conn");
  const fetchRef = ref("ours-fetch");
  for (const c of inGroup) {
    const v = value(c);
    const rss = median(samples.get(c)!.map((r) => r.rssMb));
    rows.push(
      `| ${group} | ${c.client} | ${isBig ? `${v.toFixed(0)} MB/s` : `${v.toFixed(0)} req/s`} | ${
        (conn / v).toFixed(2)
      }× | ${(fetchRef / v).toFixed(2)}× | ${rss > 0 ? `${rss.toFixed(0)} MB` : "–"} |`,
    );
  }
}
console.log(
  `HTTP/1.1 against nginx (${base}), ${rounds} round(s), median; Deno ${Deno.version.deno}`,
);
console.log(rows.join("\n"));
