// Copyright 2026 the portline authors. MIT license.
// BufferedReader.readLine() against the two usual ways of reading lines:
// TextDecoderStream + a split-on-newline TransformStream (the shape of
// @std/streams' TextLineStream) and Node's node:readline. Same 64 MiB of
// CRLF lines, fed in 64 KiB chunks. `deno task bench` runs it; MB/s are
// 64 MiB divided by each row's time; scripts/bench/reader_compare.ts prints them.
import { makeLineData } from "./_bench_data.ts";
import {
  readWithBufferedReader,
  readWithNodeReadline,
  readWithTextLineStream,
} from "./_bench_readers.ts";

const { chunks, lines } = makeLineData(64 * 1024 * 1024);

Deno.bench(
  "BufferedReader.readLine()",
  { group: "lines", baseline: true, n: 10, warmup: 2 },
  async () => {
    if ((await readWithBufferedReader(chunks)) !== lines) throw new Error("line count differs");
  },
);

Deno.bench(
  "TextDecoderStream + split TransformStream",
  { group: "lines", n: 10, warmup: 2 },
  async () => {
    if ((await readWithTextLineStream(chunks)) !== lines) throw new Error("line count differs");
  },
);

Deno.bench("node:readline", { group: "lines", n: 10, warmup: 2 }, async () => {
  if ((await readWithNodeReadline(chunks)) !== lines) throw new Error("line count differs");
});
