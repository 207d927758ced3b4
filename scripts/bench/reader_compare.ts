// Copyright 2026 the portline authors. MIT license.
// Prints MB/s of the three line readers over the same 64 MiB of CRLF lines fed
// in 64 KiB chunks, measured in one run (1 warm-up, median of 5, round-robin).
// deno run -A scripts/bench/reader_compare.ts
import { makeLineData } from "../../protocols/_core/_bench_data.ts";
import {
  readWithBufferedReader,
  readWithNodeReadline,
  readWithTextLineStream,
} from "../../protocols/_core/_bench_readers.ts";

const SIZE = 64 * 1024 * 1024;
const { chunks, lines } = makeLineData(SIZE);
const bytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
const readers: [string, (c: Uint8Array[]) => Promise<number>][] = [
  ["BufferedReader.readLine()", readWithBufferedReader],
  ["TextDecoderStream + split", readWithTextLineStream],
  ["node:readline", readWithNodeReadline],
];
const times = new Map<string, number[]>(readers.map(([name]) => [name, []]));
for (let round = 0; round < 6; round++) {
  for (const [name, read] of readers) {
    const start = performance.now();
    const count = await read(chunks);
    const elapsed = performance.now() - start;
    if (count !== lines) throw new Error(`${name} counted ${count} lines, expected ${lines}`);
    if (round > 0) times.get(name)!.push(elapsed);
  }
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ours = median(times.get(readers[0]![0])!);
console.log(`${(bytes / 1e6).toFixed(1)} MB, ${lines} lines (avg ${(bytes / lines).toFixed(1)} B)`);
console.log("| reader | MB/s | Mlines/s | ours is |");
console.log("|---|---:|---:|---:|");
for (const [name] of readers) {
  const ms = median(times.get(name)!);
  console.log(
    `| ${name} | ${(bytes / 1e6 / (ms / 1000)).toFixed(0)} | ${
      (lines / 1e6 / (ms / 1000)).toFixed(2)
    } | ${(ms / ours).toFixed(2)}× |`,
  );
}
