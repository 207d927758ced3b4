// Copyright 2026 the portline authors. MIT license.
// The local file seam: when reads and writes go synchronous or to the
// thread pool, and the writer's offsets.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import assert from "../_assert.ts";
import { openLocalReader, openLocalWriter, SyncIoPolicy } from "../../protocols/ftp/_local_fs.ts";

/** Records `ms` for `count` reads and returns whether reads are then synchronous. */
function after(policy: SyncIoPolicy, ms: number, count = 1): boolean {
  for (let i = 0; i < count; i++) policy.record(ms);
  return policy.sync;
}

Deno.test("local reads: synchronous while reads are quick", () => {
  const policy = new SyncIoPolicy();
  assert.equal(policy.sync, true);
  assert.equal(after(policy, 0.1, 1000), true);
  assert.equal(after(policy, 2), true, "the budget itself is still quick");
});

Deno.test("local reads: an overrun goes asynchronous, a run of quick reads comes back", () => {
  const policy = new SyncIoPolicy();
  assert.equal(after(policy, 5), false);
  // A preempted read from the page cache: the asynchronous ones are quick.
  assert.equal(after(policy, 0.2, 3), false);
  assert.equal(after(policy, 0.2), true);
});

Deno.test("local reads: a slow asynchronous read restarts the run", () => {
  const policy = new SyncIoPolicy();
  after(policy, 5);
  after(policy, 0.2, 3);
  assert.equal(after(policy, 8), false);
  assert.equal(after(policy, 0.2, 3), false);
  assert.equal(after(policy, 0.2), true);
});

Deno.test("local reads: each return asks twice the run of the last, up to a cap", () => {
  const policy = new SyncIoPolicy();
  const runs: number[] = [];
  for (let i = 0; i < 12; i++) {
    assert.equal(after(policy, 5), false); // overran again: asynchronous
    let run = 0;
    while (!policy.sync) {
      policy.record(0.2);
      run++;
    }
    runs.push(run);
  }
  assert.deepEqual(runs, [4, 8, 16, 32, 64, 128, 256, 512, 1024, 1024, 1024, 1024]);
});

Deno.test("local reads: a file reads whole and in order from an offset", async () => {
  const dir = await mkdtemp(`${tmpdir()}/portline-local-`);
  try {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
    await writeFile(`${dir}/f.bin`, bytes);
    const reader = await openLocalReader(`${dir}/f.bin`, 1000);
    try {
      assert.equal(reader.size, 300_000);
      const buffer = new Uint8Array(128 * 1024);
      const parts: number[] = [];
      let n;
      while ((n = await reader.readFull(buffer)) > 0) {
        assert.deepEqual(
          buffer.subarray(0, n),
          bytes.subarray(1000 + parts.reduce((a, b) => a + b, 0)).subarray(0, n),
        );
        parts.push(n);
      }
      assert.deepEqual(parts, [131072, 131072, 36856]);
    } finally {
      await reader.close();
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("local I/O: a large operation may take longer while it moves at least 200 MB/s", () => {
  const policy = new SyncIoPolicy();
  // 1 MiB in 4 ms (262 MB/s): the page cache, still synchronous.
  policy.record(4, 1024 * 1024);
  assert.equal(policy.sync, true);
  // 1 MiB in 8 ms (131 MB/s): the disk, asynchronous from now on.
  policy.record(8, 1024 * 1024);
  assert.equal(policy.sync, false);
});

Deno.test("local writes: written whole at the offset, appended, or from a resume point", async () => {
  const dir = await mkdtemp(`${tmpdir()}/portline-local-`);
  try {
    const path = `${dir}/w.bin`;
    const writer = await openLocalWriter(path);
    await writer.write(new TextEncoder().encode("hello "));
    await writer.write(new TextEncoder().encode("world"));
    await writer.close();
    assert.equal(await readFile(path, "utf8"), "hello world");
    const appender = await openLocalWriter(path, { append: true });
    await appender.write(new TextEncoder().encode("!"));
    await appender.close();
    assert.equal(await readFile(path, "utf8"), "hello world!");
    const resumer = await openLocalWriter(path, { offset: 5 });
    await resumer.write(new TextEncoder().encode(", you"));
    await resumer.close();
    assert.equal(await readFile(path, "utf8"), "hello, you");
  } finally {
    await rm(dir, { recursive: true });
  }
});
