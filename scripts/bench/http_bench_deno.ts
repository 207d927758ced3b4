// Copyright 2026 the portline authors. MIT license.
// One HTTP benchmark case in Deno, run by http_compare.ts in its own process
// (so peak RSS is per case). Prints one JSON line.
// Usage: deno run -A http_bench_deno.ts CLIENT MODE URL N CONCURRENCY
//   CLIENT: ours-conn | ours-agent | ours-fetch | deno-fetch;  MODE: small | big
import { readFileSync } from "node:fs";
import process from "node:process";
import { HttpAgent, HttpConnection } from "../../protocols/http/mod.ts";

const [client, mode, href, nText, cText] = Deno.args as [string, string, string, string, string];
const url = new URL(href);
const n = Number(nText);
const c = Number(cText);

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

type Once = () => Promise<number>;
const agent = new HttpAgent({ proxy: null, maxSocketsPerOrigin: Math.max(c, 1) });
const conns: HttpConnection[] = [];

async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (body === null) return 0;
  let bytes = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

async function makeWorker(): Promise<Once> {
  switch (client) {
    case "ours-conn": {
      const conn = await HttpConnection.connect({ hostname: url.hostname, port: Number(url.port) });
      conns.push(conn);
      const target = url.pathname;
      return async () => drain((await conn.request({ target })).body);
    }
    case "ours-agent":
      return async () => drain((await agent.request(url, { method: "GET", headers: [] })).body);
    case "ours-fetch":
      return async () => {
        const r = await agent.fetch(url);
        return mode === "small" ? (await r.arrayBuffer()).byteLength : drain(r.body);
      };
    case "deno-fetch":
      return async () => {
        const r = await fetch(url);
        return mode === "small" ? (await r.arrayBuffer()).byteLength : drain(r.body);
      };
    default:
      throw new Error(`unknown client ${client}`);
  }
}

const workers = await Promise.all(Array.from({ length: c }, () => makeWorker()));
let bytes = 0;
let seconds: number;
let cpu0 = process.cpuUsage();
let cpuUs = 0;
if (mode === "small") {
  // Warm-up: connections open, JIT warm.
  await Promise.all(workers.map(async (w) => {
    for (let i = 0; i < Math.ceil(500 / c); i++) await w();
  }));
  let left = n;
  cpu0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(workers.map(async (w) => {
    while (left > 0) {
      left--;
      bytes += await w();
    }
  }));
  seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu0);
  cpuUs = (used.user + used.system) / n;
} else {
  const start = performance.now();
  bytes = await workers[0]!();
  seconds = (performance.now() - start) / 1000;
}
for (const conn of conns) conn.close();
await agent.close();
console.log(JSON.stringify({
  client,
  mode,
  c,
  n: mode === "small" ? n : 1,
  seconds,
  bytes,
  rps: mode === "small" ? n / seconds : 0,
  mbps: bytes / 1e6 / seconds,
  rssMb: peakRssMb(),
  cpuUs,
}));
