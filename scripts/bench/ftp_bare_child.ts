// Copyright 2026 the portline authors. MIT license.
// The reference row of ftp_compare.ts: one transfer over bare Deno.connect,
// with no client code at all (no parser, no stream, no error handling beyond
// what the transfer needs), to show what the runtime itself reaches here.
// Timed like the others: from the server's 150 reply to its final reply.
// Prints JSON {bytes, seconds, rssMb}.
// Usage: deno run -A ftp_bare_child.ts <download|upload> <port> <remote> [local]
//   download: reads into one 4 MiB buffer (as downloadTo() does)
//   upload: reads the local file in 256 KiB blocks (as uploadFrom() does)
import { readFileSync } from "node:fs";

const [op, port, remote, local] = Deno.args;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const control = await Deno.connect({
  hostname: "127.0.0.1",
  port: Number(port),
});
control.setNoDelay(true);
const scratch = new Uint8Array(64 * 1024);
let pending = "";

/** The next complete reply (its last line `NNN text`). */
async function reply(): Promise<string> {
  for (;;) {
    const last = /^(\d{3}) .*\r\n/m.exec(pending);
    if (last) {
      const end = last.index + last[0].length;
      const text = pending.slice(0, end);
      pending = pending.slice(end);
      return text;
    }
    const n = await control.read(scratch);
    if (n === null) throw new Error("the server closed the control connection");
    pending += decoder.decode(scratch.subarray(0, n));
  }
}

async function command(line: string): Promise<string> {
  await control.write(encoder.encode(`${line}\r\n`));
  return await reply();
}

await reply();
await command("USER ftpuser");
await command("PASS ftppass");
await command("TYPE I");
const epsv = /\|\|\|(\d+)\|/.exec(await command("EPSV"));
if (!epsv) throw new Error("no EPSV port");
const data = await Deno.connect({
  hostname: "127.0.0.1",
  port: Number(epsv[1]),
});
data.setNoDelay(true);

let bytes = 0;
let start = 0;
if (op === "download") {
  await command(`RETR ${remote}`);
  start = performance.now();
  const buffer = new Uint8Array(4 * 1024 * 1024);
  for (;;) {
    const n = await data.read(buffer);
    if (n === null) break;
    bytes += n;
  }
  data.close();
} else {
  const file = Deno.openSync(local!);
  await command(`STOR ${remote}`);
  start = performance.now();
  const block = new Uint8Array(256 * 1024);
  for (;;) {
    const n = file.readSync(block);
    if (n === null || n === 0) break;
    let written = 0;
    while (written < n) written += await data.write(block.subarray(written, n));
    bytes += n;
  }
  file.close();
  data.close();
}
const final = await reply();
const seconds = (performance.now() - start) / 1000;
if (!final.startsWith("2")) throw new Error(`transfer failed: ${final}`);
await command("QUIT");
control.close();
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
console.log(
  JSON.stringify({ bytes, seconds, rssMb: Number(hwm?.[1] ?? 0) / 1024 }),
);
