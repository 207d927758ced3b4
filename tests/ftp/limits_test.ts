// Copyright 2026 the portline authors. MIT license.
// Everything the client reads into memory is bounded: over a bound, a
// LimitError naming the command, and the connection stays usable.
import assert from "../_assert.ts";
import { InvalidArgumentError, LimitError } from "../../protocols/_core/mod.ts";
import { pattern, withFtp } from "./_setup.ts";

function limitError(command: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof LimitError, String(error));
    assert.match(error.message, command);
    return true;
  };
}

Deno.test("FtpClient.downloadBytes() stops at maxBytes with ABOR and stays usable", async () => {
  const data = pattern(300_000);
  await withFtp({
    files: { "/big.bin": data, "/small.txt": "small" },
  }, async ({ client, commands }) => {
    await assert.rejects(
      client.downloadBytes("big.bin", { maxBytes: 100_000 }),
      limitError(/RETR big\.bin.*maxBytes \(100000 bytes\)/),
    );
    assert.ok(commands.includes("ABOR"));
    assert.equal(await client.pwd(), "/");
    assert.equal(await client.downloadText("small.txt"), "small");
    // Exactly maxBytes is allowed; one byte less is not.
    assert.deepEqual(await client.downloadBytes("big.bin", { maxBytes: 300_000 }), data);
    await assert.rejects(
      client.downloadBytes("big.bin", { maxBytes: 299_999 }),
      LimitError,
    );
    // An offset counts only what is read.
    assert.deepEqual(
      await client.downloadBytes("big.bin", { maxBytes: 1000, offset: 299_000 }),
      data.subarray(299_000),
    );
    assert.equal(await client.downloadText("small.txt"), "small");
  });
});

Deno.test("FtpClient.downloadText() in ASCII mode counts the bytes as they arrive", async () => {
  const line = "x".repeat(99) + "\n";
  await withFtp({
    files: { "/lines.txt": line.repeat(2000) },
  }, async ({ client }) => {
    await assert.rejects(
      client.downloadText("lines.txt", { ascii: true, maxBytes: 50_000 }),
      limitError(/RETR lines\.txt/),
    );
    assert.equal(await client.pwd(), "/");
    assert.equal(
      await client.downloadText("lines.txt", { ascii: true, maxBytes: 200_000 }),
      line.repeat(2000),
    );
  });
});

Deno.test("FtpClient.downloadBytes() rejects a bad maxBytes", async () => {
  await withFtp({ files: { "/a": "a" } }, async ({ client }) => {
    await assert.rejects(client.downloadBytes("a", { maxBytes: -1 }), InvalidArgumentError);
    assert.deepEqual(await client.downloadBytes("a", { maxBytes: 1 }), new Uint8Array([97]));
    await assert.rejects(client.downloadBytes("a", { maxBytes: 0 }), LimitError);
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("FtpClient listings (MLSD, LIST, NLST) stop at maxListingBytes and stay usable", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 100; i++) files[`/dir/file-${String(i).padStart(3, "0")}.txt`] = "x";
  await withFtp({ files, client: { maxListingBytes: 1000 } }, async ({ client, fs }) => {
    await assert.rejects(client.list("dir"), limitError(/MLSD dir.*maxListingBytes/));
    assert.equal(await client.pwd(), "/");
    await assert.rejects(client.listRaw("dir"), limitError(/LIST dir/));
    assert.equal(await client.pwd(), "/");
    await assert.rejects(client.listNames("dir"), limitError(/NLST dir/));
    assert.equal(await client.pwd(), "/");
    for (let i = 10; i < 100; i++) await fs.remove(`/dir/file-${String(i).padStart(3, "0")}.txt`);
    assert.equal((await client.list("dir")).length, 10);
    assert.equal((await client.listNames("dir")).length, 10);
  });
});

Deno.test("FtpClient control replies stop at maxReplyBytes and stay in step", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 100; i++) files[`/dir/file-${i}.txt`] = "x";
  const transcript: string[] = [];
  await withFtp({
    files,
    client: { maxReplyBytes: 2000, onTranscript: (entry) => transcript.push(entry.line) },
  }, async ({ client }) => {
    await assert.rejects(client.status("dir"), limitError(/reply to "STAT dir".*2000 bytes/));
    // The rest of the reply was read and discarded: the next reply is NOOP's.
    await client.noop();
    assert.equal(await client.pwd(), "/");
    assert.ok((await client.status()).length > 2);
    await client.cd("dir");
    assert.equal(await client.pwd(), "/dir");
  });
  // Lines over the limit are not kept, but they are still in the transcript.
  assert.ok(transcript.some((line) => line.includes("file-99.txt")));
});

Deno.test("FtpClient control replies: an over-long line is skipped, not buffered", async () => {
  const long = "n".repeat(20_000);
  await withFtp({
    files: { [`/dir/${long}`]: "x", "/dir/short.txt": "y" },
  }, async ({ client }) => {
    await assert.rejects(client.status("dir"), limitError(/reply to "STAT dir".*8192 bytes/));
    await client.noop();
    assert.equal(await client.pwd(), "/");
    // Data-channel listings have no line limit of their own, only a byte one.
    assert.equal((await client.list("dir")).length, 2);
  });
});

Deno.test("FtpClient control replies stop at 10 000 lines", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10_001; i++) files[`/dir/${i}`] = "";
  await withFtp({ files }, async ({ client }) => {
    await assert.rejects(client.status("dir"), limitError(/STAT dir.*10000 lines/));
    await client.noop();
    assert.equal(await client.pwd(), "/");
  });
});
