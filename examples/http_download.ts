// Copyright 2026 the portline authors. MIT license.
/**
 * Downloads a URL to a file with a progress bar, streaming (constant memory).
 *
 * Usage: deno run -A examples/http_download.ts URL [FILE]
 * e.g. after `bash scripts/interop/run.sh --setup-only`:
 *   deno run -A examples/http_download.ts http://127.0.0.1:18080/big.bin /tmp/big.bin
 *
 * @module
 */
import { open } from "node:fs/promises";
import process from "node:process";
import { HttpAgent, httpFetch } from "@portline/portline/http";

const [href, target] = Deno.args;
if (!href) {
  console.error("usage: deno run -A examples/http_download.ts URL [FILE]");
  Deno.exit(2);
}
const url = new URL(href);
const file = target ?? (url.pathname.split("/").pop() || "download.bin");

function bar(done: number, total: number, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  const rate = done / 1e6 / Math.max(seconds, 1e-3);
  if (total <= 0) return `${(done / 1e6).toFixed(1)} MB  ${rate.toFixed(0)} MB/s`;
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${
    ((done / total) * 100).toFixed(1).padStart(5)
  }%  ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB  ${rate.toFixed(0)} MB/s`;
}

await using agent = new HttpAgent();
// No Accept-Encoding: the file is saved as served, and Content-Length gives the total.
const response = await httpFetch(url, { agent, decompress: false });
if (!response.ok || response.body === null) {
  console.error(`${response.status} ${response.statusText}`);
  Deno.exit(1);
}
const total = Number(response.headers.get("content-length") ?? -1);
const handle = await open(file, "w");
const started = performance.now();
let done = 0;
let shown = 0;
try {
  for await (const chunk of response.body) {
    await handle.write(chunk);
    done += chunk.byteLength;
    if (performance.now() - shown > 100) {
      shown = performance.now();
      process.stderr.write(`\r${bar(done, total, started)}`);
    }
  }
} finally {
  await handle.close();
}
process.stderr.write(`\r${bar(done, total, started)}\n`);
console.log(`saved ${done} bytes to ${file}`);
