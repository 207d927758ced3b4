// Copyright 2026 the portline authors. MIT license.
/**
 * The client's own CPU per message, without a network: a scripted in-memory
 * server answers each RETR at once with the same ~20 KB message dovecot
 * serves in pop3_compare.ts, so the time per message is the client's cost
 * alone (the lock-step path's floor over a real connection is this plus
 * one round trip). Prints µs per message for `retrieveBytes`, `retrieve()`
 * read through its stream, and `retrieveMany` (1 warm-up, median of 5).
 *
 * Usage: deno run -A scripts/bench/pop3_cpu.ts [--count 20000] [--split 0] [--timeout 120000]
 * (`--split n` delivers each reply in n-byte pieces, 0 = one piece;
 * `--timeout 0` runs without the per-wait timers.)
 *
 * @module
 */
import type { Conn } from "../../protocols/_core/mod.ts";
import { Pop3Client } from "../../protocols/pop3/mod.ts";

function arg(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(Deno.args[at + 1]);
}
const COUNT = arg("count", 20000);
const SPLIT = arg("split", 0);
const TIMEOUT = arg("timeout", 120_000);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The CRLF wire form of a ~20 KB message like pop3_compare.ts seeds. */
function message(size: number): Uint8Array {
  const header = "From: bench@example.org\r\nTo: popbench@portline.test\r\nSubject: bench 1\r\n" +
    "Message-ID: <bench-1@portline.test>\r\n\r\n";
  const line = `00000001 ${"abcdefghijklmnopqrstuvwxyz0123456789".repeat(2)}\r\n`;
  return encoder.encode(
    header + line.repeat(Math.floor((size - header.length) / line.length)),
  );
}

const body = message(20 * 1024 + 300);
const retrReply = new Uint8Array([
  ...encoder.encode(`+OK ${body.byteLength} octets\r\n`),
  ...body,
  ...encoder.encode(".\r\n"),
]);

/** A server that answers every command line at once from memory. */
function scriptedConn(pipelining: boolean): Conn {
  const queue: Uint8Array[] = [encoder.encode("+OK ready\r\n")];
  let closed = false;
  const address = { hostname: "memory", port: 0 };
  const answer = (line: string): Uint8Array => {
    if (line === "CAPA") {
      return encoder.encode(
        `+OK\r\nUSER\r\nUIDL\r\nTOP\r\n${pipelining ? "PIPELINING\r\n" : ""}.\r\n`,
      );
    }
    if (line.startsWith("RETR ")) return retrReply;
    return encoder.encode("+OK\r\n");
  };
  return {
    localAddr: address,
    remoteAddr: address,
    secure: false,
    read(buffer: Uint8Array): Promise<number | null> {
      if (closed) return Promise.resolve(null);
      const next = queue[0];
      if (!next) {
        return Promise.reject(
          new Error("read with nothing to answer (lock-step bug)"),
        );
      }
      const n = Math.min(
        buffer.byteLength,
        next.byteLength,
        SPLIT > 0 ? SPLIT : Infinity,
      );
      buffer.set(next.subarray(0, n));
      if (n === next.byteLength) queue.shift();
      else queue[0] = next.subarray(n);
      return Promise.resolve(n);
    },
    write(data: Uint8Array): Promise<void> {
      for (const line of decoder.decode(data).split("\r\n")) {
        if (line !== "") queue.push(answer(line));
      }
      return Promise.resolve();
    },
    closeWrite: () => Promise.resolve(),
    close() {
      closed = true;
    },
  };
}

async function client(pipelining: boolean): Promise<Pop3Client> {
  return await Pop3Client.fromConn(scriptedConn(pipelining), {
    hostname: "memory",
    auth: { username: "u", password: "p", method: "user" },
    timeoutMs: TIMEOUT,
  });
}

const ids = Array.from({ length: COUNT }, (_, i) => i + 1);
const cases: [string, () => Promise<number>][] = [
  ["retrieveBytes (lock-step)", async () => {
    const c = await client(false);
    let bytes = 0;
    for (const id of ids) bytes += (await c.retrieveBytes(id)).byteLength;
    c.destroy();
    return bytes;
  }],
  ["retrieve() stream (lock-step)", async () => {
    const c = await client(false);
    let bytes = 0;
    for (const id of ids) {
      for await (const chunk of await c.retrieve(id)) bytes += chunk.byteLength;
    }
    c.destroy();
    return bytes;
  }],
  ["retrieveMany (pipelined)", async () => {
    const c = await client(true);
    let bytes = 0;
    for await (const m of c.retrieveMany(ids)) bytes += m.bytes.byteLength;
    c.destroy();
    return bytes;
  }],
];
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let round = 0; round < 6; round++) {
  for (const [name, run] of cases) {
    const start = performance.now();
    const bytes = await run();
    const ms = performance.now() - start;
    if (bytes !== COUNT * body.byteLength) {
      throw new Error(`${name}: ${bytes} bytes`);
    }
    if (round > 0) times.get(name)!.push(ms);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `${COUNT} messages of ${body.byteLength} B from memory${
    SPLIT > 0 ? ` in ${SPLIT}-byte reads` : ""
  } (median of 5)\n`,
);
console.log("| path | µs/msg | msg/s |");
console.log("|---|---:|---:|");
for (const [name] of cases) {
  const ms = median(times.get(name)!);
  console.log(
    `| ${name} | ${(ms * 1000 / COUNT).toFixed(1)} | ${(COUNT / (ms / 1000)).toFixed(0)} |`,
  );
}
