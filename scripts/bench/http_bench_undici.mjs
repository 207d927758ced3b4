// Copyright 2026 the portline authors. MIT license.
// One HTTP benchmark case with undici (Node), run by http_compare.ts.
// Usage: node http_bench_undici.mjs CLIENT MODE URL N CONCURRENCY
//   CLIENT: undici-request | undici-fetch;  MODE: small | big
import { readFileSync } from "node:fs";
import { Agent, fetch, request } from "undici";

const [client, mode, href, nText, cText] = process.argv.slice(2);
const n = Number(nText);
const c = Number(cText);
const dispatcher = new Agent({ connections: c, keepAliveTimeout: 30_000 });

function peakRssMb() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

async function once() {
  if (client === "undici-request") {
    const { body } = await request(href, { dispatcher });
    if (mode === "small") return (await body.arrayBuffer()).byteLength;
    let bytes = 0;
    for await (const chunk of body) bytes += chunk.byteLength;
    return bytes;
  }
  const r = await fetch(href, { dispatcher });
  if (mode === "small") return (await r.arrayBuffer()).byteLength;
  let bytes = 0;
  for await (const chunk of r.body) bytes += chunk.byteLength;
  return bytes;
}

let bytes = 0;
let seconds;
let cpu0 = process.cpuUsage();
let cpuUs = 0;
let userUs = 0;
if (mode === "small") {
  await Promise.all(Array.from({ length: c }, async () => {
    for (let i = 0; i < Math.ceil(500 / c); i++) await once();
  }));
  let left = n;
  cpu0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: c }, async () => {
    while (left > 0) {
      left--;
      const got = await once();
      bytes += got;
    }
  }));
  seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu0);
  cpuUs = (used.user + used.system) / n;
  userUs = used.user / n;
} else {
  cpu0 = process.cpuUsage();
  const start = performance.now();
  bytes = await once();
  seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu0);
  // The whole download's CPU time, per MB.
  cpuUs = (used.user + used.system) / (bytes / 1e6);
  userUs = used.user / (bytes / 1e6);
}
await dispatcher.close();
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
  userUs,
}));
