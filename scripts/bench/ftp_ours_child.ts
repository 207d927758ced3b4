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
// Timed like curl's `time_total - time_pretransfer`: from the server's
// go-ahead (150) to its final reply. For downloadTo/uploadFrom that is the
// result's elapsedMs; a stream is timed from download()'s return.
let bytes = 0;
let seconds = 0;
if (op === "download") {
  const stream = await client.download(remote!);
  const start = performance.now();
  for await (const chunk of stream) {
    bytes += chunk.byteLength;
  }
  seconds = (performance.now() - start) / 1000;
} else if (op === "download-byob") {
  const reader = (await client.download(remote!)).getReader({ mode: "byob" });
  const start = performance.now();
  let buffer = new Uint8Array(4 * 1024 * 1024);
  for (;;) {
    const { done, value } = await reader.read(buffer);
    if (done) break;
    bytes += value.byteLength;
    buffer = new Uint8Array(value.buffer);
  }
  seconds = (performance.now() - start) / 1000;
} else {
  const result = op === "download-sink"
    ? await client.downloadTo(remote!, () => {})
    : op === "download-file"
    ? await client.downloadTo(remote!, local ?? "/dev/null")
    : await client.uploadFrom(local!, remote!);
  bytes = result.bytes;
  seconds = result.elapsedMs / 1000;
}
await client.close();
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
console.log(
  JSON.stringify({ bytes, seconds, rssMb: Number(hwm?.[1] ?? 0) / 1024 }),
);
