// Copyright 2026 the portline authors. MIT license.
// One transfer with our FtpClient, timed; prints JSON {bytes, seconds, rssMb}.
// Usage: deno run -A ftp_ours_child.ts <download|download-byob|download-sink|download-file|upload> <port> <remote> [local]
//   download: download() stream read with `for await` (a fresh chunk per read)
//   download-byob: download() stream read with a BYOB reader reusing one 4 MiB buffer
import { readFileSync } from "node:fs";
import { FtpClient } from "../../protocols/ftp/mod.ts";

const [op, port, remote, local] = Deno.args;
const client = await FtpClient.connect({
  hostname: "127.0.0.1",
  port: Number(port),
  user: "ftpuser",
  password: "ftppass",
});
const start = performance.now();
let bytes = 0;
if (op === "download") {
  for await (const chunk of await client.download(remote!)) {
    bytes += chunk.byteLength;
  }
} else if (op === "download-byob") {
  const reader = (await client.download(remote!)).getReader({ mode: "byob" });
  let buffer = new Uint8Array(4 * 1024 * 1024);
  for (;;) {
    const { done, value } = await reader.read(buffer);
    if (done) break;
    bytes += value.byteLength;
    buffer = new Uint8Array(value.buffer);
  }
} else if (op === "download-sink") {
  bytes = (await client.downloadTo(remote!, () => {})).bytes;
} else if (op === "download-file") {
  bytes = (await client.downloadTo(remote!, local ?? "/dev/null")).bytes;
} else {
  bytes = (await client.uploadFrom(local!, remote!)).bytes;
}
const seconds = (performance.now() - start) / 1000;
await client.close();
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
console.log(
  JSON.stringify({ bytes, seconds, rssMb: Number(hwm?.[1] ?? 0) / 1024 }),
);
