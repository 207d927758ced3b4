// Copyright 2026 the portline authors. MIT license.
// download() as a byte stream (BYOB and default readers), and the upload
// paths: uploadFrom()'s block loop and upload()'s large-chunk pass-through.
import assert from "../_assert.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";
import { pattern, withFtp } from "./_setup.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

/** Reads a stream with a BYOB reader, always handing the same memory back. */
async function readByob(
  stream: ReadableStream<Uint8Array>,
  size: number,
): Promise<{ bytes: Uint8Array; reads: number; sizes: Set<number> }> {
  const reader = stream.getReader({ mode: "byob" });
  const parts: Uint8Array[] = [];
  const sizes = new Set<number>();
  let buffer = new Uint8Array(size);
  let reads = 0;
  for (;;) {
    const { done, value } = await reader.read(buffer);
    if (done) {
      // The buffer comes back with `done`, so it can be used again.
      assert.equal(value?.buffer.byteLength, size);
      break;
    }
    reads++;
    assert.ok(value.byteLength > 0 && value.byteLength <= size);
    parts.push(value.slice());
    sizes.add(value.buffer.byteLength);
    buffer = new Uint8Array(value.buffer);
  }
  reader.releaseLock();
  return { bytes: concat(parts), reads, sizes };
}

Deno.test("FtpClient.download() is a byte stream: a BYOB reader reuses one buffer", async () => {
  const data = pattern(3 * 1024 * 1024 + 11);
  await withFtp({ files: { "/big.bin": data } }, async ({ client }) => {
    const stream = await client.download("big.bin");
    const { bytes, sizes } = await readByob(stream, 100_000);
    assert.deepEqual(bytes, data);
    // Every chunk lived in the reader's own 100,000-byte buffer.
    assert.deepEqual([...sizes], [100_000]);
    // The connection is free again once the stream ended.
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("FtpClient.download() BYOB reads with tiny buffers, from an offset", async () => {
  const data = pattern(5000);
  await withFtp({ files: { "/f.bin": data } }, async ({ client }) => {
    const { bytes, reads } = await readByob(await client.download("f.bin", { offset: 7 }), 1);
    assert.deepEqual(bytes, data.subarray(7));
    assert.equal(reads, data.byteLength - 7);
    const small = await readByob(await client.download("f.bin"), 333);
    assert.deepEqual(small.bytes, data);
  });
});

Deno.test("FtpClient.download() ASCII mode through BYOB and default readers", async () => {
  // CR LF pairs everywhere, so conversions straddle every buffer boundary.
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}\r\n`).join("");
  const expected = lines.replaceAll("\r\n", "\n");
  await withFtp({ files: { "/dos.txt": lines } }, async ({ client }) => {
    for (const size of [1, 2, 7, 4096]) {
      const { bytes } = await readByob(await client.download("dos.txt", { ascii: true }), size);
      assert.equal(text(bytes), expected);
    }
    const stream = await client.download("dos.txt", { ascii: true, chunkSize: 100 });
    assert.equal(await new Response(stream).text(), expected);
  });
});

Deno.test("FtpClient.download() default readers get chunks of at most chunkSize", async () => {
  const data = pattern(1_000_000);
  await withFtp({ files: { "/f.bin": data } }, async ({ client }) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of await client.download("f.bin", { chunkSize: 10_000 })) {
      assert.ok(chunk.byteLength > 0 && chunk.byteLength <= 10_000);
      // A chunk never holds a buffer more than twice its size.
      assert.ok(chunk.buffer.byteLength <= 2 * chunk.byteLength);
      parts.push(chunk);
    }
    assert.deepEqual(concat(parts), data);
    // A reader may switch modes between reads.
    const stream = await client.download("f.bin");
    const first = stream.getReader();
    const head = await first.read();
    first.releaseLock();
    const rest = await readByob(stream, 65536);
    assert.deepEqual(concat([head.value!, rest.bytes]), data);
  });
});

Deno.test("FtpClient.download() reads nothing before the consumer asks", async () => {
  const data = pattern(2_000_000);
  await withFtp({ files: { "/f.bin": data } }, async ({ client }) => {
    const seen: number[] = [];
    const stream = await client.download("f.bin", { onProgress: (p) => seen.push(p.bytes) });
    // The server has sent what the socket buffers hold; the stream has read none of it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seen, []);
    const reader = stream.getReader({ mode: "byob" });
    const { value } = await reader.read(new Uint8Array(1000));
    assert.ok(value && value.byteLength > 0 && value.byteLength <= 1000);
    assert.equal(seen.at(-1), value!.byteLength);
    await reader.cancel();
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("FtpClient.download() rejects a bad chunkSize before sending anything", async () => {
  await withFtp({ files: { "/a.txt": "a" } }, async ({ client, commands }) => {
    const before = commands.length;
    await assert.rejects(client.download("a.txt", { chunkSize: 0 }), InvalidArgumentError);
    await assert.rejects(client.download("a.txt", { chunkSize: 1.5 }), InvalidArgumentError);
    assert.equal(commands.length, before);
    assert.equal(await client.downloadText("a.txt"), "a");
  });
});

Deno.test("FtpClient.download() BYOB reader sees an abort, and the session recovers", async () => {
  const data = pattern(8 * 1024 * 1024);
  await withFtp({ files: { "/big.bin": data, "/s.txt": "s" } }, async ({ client, commands }) => {
    const controller = new AbortController();
    const stream = await client.download("big.bin", { signal: controller.signal });
    const reader = stream.getReader({ mode: "byob" });
    let buffer = new Uint8Array(4096);
    const { value } = await reader.read(buffer);
    buffer = new Uint8Array(value!.buffer);
    controller.abort(new Error("stop now"));
    await assert.rejects(async () => {
      for (;;) {
        const next = await reader.read(buffer);
        if (next.done) break;
        buffer = new Uint8Array(next.value.buffer);
      }
    }, /stop now/);
    assert.ok(commands.includes("ABOR"));
    assert.equal(await client.downloadText("s.txt"), "s");
  });
});

Deno.test("FtpClient.uploadFrom() sends files of any size, with offset, append and ASCII", async () => {
  const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/portline-ftp-`);
  // Several 256 KiB blocks and a partial last one; an empty file.
  const data = pattern(3 * 256 * 1024 + 12_345);
  try {
    await writeFile(`${dir}/f.bin`, data);
    await writeFile(`${dir}/empty.bin`, new Uint8Array(0));
    await writeFile(`${dir}/unix.txt`, "a\nb\n");
    await withFtp({}, async ({ client, fs, commands }) => {
      const progress: [number, number | undefined][] = [];
      const result = await client.uploadFrom(`${dir}/f.bin`, "f.bin", {
        onProgress: (p) => progress.push([p.bytes, p.totalBytes]),
      });
      assert.equal(result.bytes, data.byteLength);
      assert.deepEqual(fs.readFile("/f.bin"), data);
      assert.deepEqual(progress.at(-1), [data.byteLength, data.byteLength]);

      assert.equal((await client.uploadFrom(`${dir}/empty.bin`, "empty.bin")).bytes, 0);
      assert.equal(fs.readFile("/empty.bin").byteLength, 0);

      // Resume an upload: REST + STOR, skipping as much of the local file.
      await client.upload("r.bin", data.subarray(0, 300_000));
      const resumed = await client.uploadFrom(`${dir}/f.bin`, "r.bin", { offset: 300_000 });
      assert.equal(resumed.bytes, data.byteLength - 300_000);
      assert.ok(commands.includes("REST 300000"));
      assert.deepEqual(fs.readFile("/r.bin"), data);

      await client.uploadFrom(`${dir}/f.bin`, "a.bin", { append: true });
      await client.uploadFrom(`${dir}/f.bin`, "a.bin", { append: true });
      assert.equal(fs.readFile("/a.bin").byteLength, 2 * data.byteLength);

      await client.uploadFrom(`${dir}/unix.txt`, "dos.txt", { ascii: true });
      assert.equal(text(fs.readFile("/dos.txt")), "a\nb\n");
      assert.ok(commands.includes("TYPE A"));

      // A missing local file fails before the server is asked anything.
      const before = commands.length;
      await assert.rejects(client.uploadFrom(`${dir}/missing.bin`, "m.bin"));
      assert.equal(commands.length, before);
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("FtpClient.uploadFrom() aborts with ABOR and the session continues", async () => {
  const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/portline-ftp-`);
  try {
    await writeFile(`${dir}/f.bin`, pattern(4 * 1024 * 1024));
    await withFtp({}, async ({ client, commands }) => {
      const controller = new AbortController();
      await assert.rejects(
        client.uploadFrom(`${dir}/f.bin`, "f.bin", {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.bytes > 0) controller.abort(new Error("halt"));
          },
        }),
        /halt/,
      );
      assert.ok(commands.includes("ABOR"));
      await client.upload("after.txt", "ok");
      assert.equal(await client.downloadText("after.txt"), "ok");
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("FtpClient.upload() keeps the order of small and large chunks", async () => {
  const data = pattern(1_200_000);
  // Small pieces are gathered; pieces of 256 KiB or more go out as they are,
  // after whatever was gathered before them.
  const cuts = [0, 10, 300_010, 300_015, 300_020, 700_020, 700_023, 1_000_000, 1_200_000];
  async function* pieces(bytes: Uint8Array) {
    for (let i = 1; i < cuts.length; i++) yield bytes.subarray(cuts[i - 1], cuts[i]);
  }
  const lines = new TextEncoder().encode(
    Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join("").slice(0, 1_200_000),
  );
  await withFtp({}, async ({ client, fs }) => {
    const result = await client.upload("mixed.bin", pieces(data));
    assert.equal(result.bytes, data.byteLength);
    assert.deepEqual(fs.readFile("/mixed.bin"), data);
    // ASCII: LF goes out as CRLF (the server stores LF again).
    await client.upload("mixed.txt", pieces(lines), { ascii: true });
    assert.deepEqual(fs.readFile("/mixed.txt"), lines);
  });
});
