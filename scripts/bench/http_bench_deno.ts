// Copyright 2026 the portline authors. MIT license.
// One HTTP benchmark case in Deno, run by http_compare.ts in its own process
// (so peak RSS is per case). Prints one JSON line.
// Usage: deno run -A http_bench_deno.ts CLIENT MODE URL N CONCURRENCY
//   CLIENT: ours-conn | ours-agent | ours-fetch | deno-fetch, each optionally
//   with "-default" (download read with a default reader), or bare (the floor:
//   a hand-written keep-alive GET loop on Deno.connect, no checks at all);
//   MODE: small | big
import { readFileSync } from "node:fs";
import process from "node:process";
import { HttpAgent, HttpConnection } from "../../protocols/http/mod.ts";

const [client, mode, href, nText, cText] = Deno.args as [
  string,
  string,
  string,
  string,
  string,
];
const url = new URL(href);
const n = Number(nText);
const c = Number(cText);

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

type Once = () => Promise<number>;
const agent = new HttpAgent({
  proxy: null,
  maxSocketsPerOrigin: Math.max(c, 1),
});
const conns: HttpConnection[] = [];

// The download case reads every body into one reused 1 MiB buffer (curl and
// Python's readinto reuse theirs too): ours-conn with HttpResponse.readInto,
// the fetch clients with a BYOB reader; `*-default` clients use a default
// reader, which gets a fresh array per chunk.
const byob = !client.endsWith("-default");
let scratch = new Uint8Array(1 << 20);

async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (body === null) return 0;
  let bytes = 0;
  if (byob) {
    const reader = body.getReader({ mode: "byob" });
    for (;;) {
      const { done, value } = await reader.read(scratch);
      // The buffer comes back (transferred) with every result, the last one too.
      scratch = new Uint8Array(value!.buffer);
      if (done) return bytes;
      bytes += value.byteLength;
    }
  }
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

/**
 * The floor (shared/notes/deno-io-facts.md §5): one pre-encoded request per
 * write, the head scanned with indexOf(10) in a reused 64 KiB buffer, only
 * Content-Length and Connection: close looked at, the body copied out.
 */
async function bareWorker(): Promise<Once> {
  const request = new TextEncoder().encode(
    `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`,
  );
  const open = async () => {
    const conn = await Deno.connect({
      hostname: url.hostname,
      port: Number(url.port),
    });
    conn.setNoDelay(true);
    return conn;
  };
  let conn = await open();
  const buf = new Uint8Array(65536);
  const is = (at: number, lower: string) => {
    for (let i = 0; i < lower.length; i++) {
      if ((buf[at + i]! | 0x20) !== lower.charCodeAt(i)) return false;
    }
    return true;
  };
  return async () => {
    await conn.write(request);
    let end = 0;
    for (;;) {
      const got = await conn.read(buf.subarray(end));
      if (got === null) throw new Error("closed");
      end += got;
      let p = 0;
      let lf: number;
      let length = -1;
      let close = false;
      while ((lf = buf.indexOf(10, p)) !== -1 && lf < end) {
        const e = buf[lf - 1] === 13 ? lf - 1 : lf;
        if (e === p) {
          const head = lf + 1;
          const body = new Uint8Array(length);
          let have = Math.min(end - head, length);
          body.set(buf.subarray(head, head + have));
          while (have < length) {
            const more = await conn.read(body.subarray(have));
            if (more === null) throw new Error("closed");
            have += more;
          }
          if (close) {
            conn.close();
            conn = await open();
          }
          return length;
        }
        if (is(p, "content-length:")) {
          length = 0;
          for (let k = p + 15; k < e; k++) {
            const d = buf[k]! - 48;
            if (d >= 0 && d <= 9) length = length * 10 + d;
          }
        } else if (is(p, "connection: close")) close = true;
        p = lf + 1;
      }
    }
  };
}

async function makeWorker(): Promise<Once> {
  switch (client.replace(/-default$/, "")) {
    case "bare":
      return await bareWorker();
    case "ours-conn": {
      const conn = await HttpConnection.connect({
        hostname: url.hostname,
        port: Number(url.port),
      });
      conns.push(conn);
      const target = url.pathname;
      // Small bodies are read whole (as fetch's arrayBuffer() below): no stream.
      return async () => {
        const r = await conn.request({ target });
        if (mode === "small") return (await r.bytes()).byteLength;
        if (!byob) return drain(r.body);
        // The low-level loop (Python's readinto): into the reused buffer.
        let bytes = 0;
        for (let got; (got = await r.readInto(scratch)) !== null;) bytes += got;
        return bytes;
      };
    }
    case "ours-agent":
      return async () => {
        const r = await agent.request(url, { method: "GET", headers: [] });
        return mode === "small" ? (await r.bytes()).byteLength : drain(r.body);
      };
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

const workers = await Promise.all(
  Array.from({ length: c }, () => makeWorker()),
);
let bytes = 0;
let seconds: number;
let cpu0 = process.cpuUsage();
let cpuUs = 0;
let userUs = 0;
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
      const got = await w();
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
  bytes = await workers[0]!();
  seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu0);
  // The whole download's CPU time, per MB.
  cpuUs = (used.user + used.system) / (bytes / 1e6);
  userUs = used.user / (bytes / 1e6);
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
  userUs,
}));
