// Copyright 2026 the portline authors. MIT license.
// One transfer with basic-ftp (Node), timed; prints JSON {bytes, seconds, rssMb}.
// Usage: node ftp_basic_child.mjs <download|upload> <port> <remote> [local]
// (download: [local] is a file to write; without it the bytes are counted)
import { readFileSync, statSync } from "node:fs";
import { Writable } from "node:stream";
import { Client } from "basic-ftp";

const [op, port, remote, local] = process.argv.slice(2);
const client = new Client(0);
await client.access({
  host: "127.0.0.1",
  port: Number(port),
  user: "ftpuser",
  password: "ftppass",
});
// Timed from the call (basic-ftp has no hook at the server's 150 reply): its
// window includes EPSV, the data connection and RETR/STOR, about 2 ms here.
const start = performance.now();
let bytes = 0;
if (op === "download") {
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  if (local) bytes = (await client.downloadTo(local, remote), statSync(local).size);
  else await client.downloadTo(sink, remote);
} else {
  await client.uploadFrom(local, remote);
  bytes = await client.size(remote);
}
const seconds = (performance.now() - start) / 1000;
client.close();
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
console.log(
  JSON.stringify({ bytes, seconds, rssMb: Number(hwm?.[1] ?? 0) / 1024 }),
);
