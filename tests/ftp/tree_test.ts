// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { ProtocolError } from "../../protocols/_core/mod.ts";
import {
  FtpDirectoryFileSystem,
  FtpMemoryFileSystem,
  type FtpServerEntry,
} from "../../protocols/ftp/mod.ts";
import { pattern, withFtp } from "./_setup.ts";

async function tempDir(): Promise<string> {
  return await mkdtemp(`${tmpdir()}/portline-ftp-`);
}

async function makeTree(root: string): Promise<void> {
  await mkdir(`${root}/a/b c`, { recursive: true });
  await mkdir(`${root}/empty`);
  await writeFile(`${root}/top.txt`, "top");
  await writeFile(`${root}/a/one.bin`, pattern(300_000));
  await writeFile(`${root}/a/b c/two words.txt`, "two");
  await writeFile(`${root}/a/b c/日本.txt`, "utf8");
  for (let i = 0; i < 6; i++) await writeFile(`${root}/a/f${i}.txt`, `file ${i}`);
}

async function snapshot(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (
    const entry of (await readdir(`${root}/${prefix}`, { withFileTypes: true })).sort((x, y) =>
      x.name < y.name ? -1 : 1
    )
  ) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(`${rel}/`);
      out.push(...await snapshot(root, rel));
    } else out.push(`${rel}:${(await readFile(`${root}/${rel}`)).byteLength}`);
  }
  return out;
}

for (const concurrency of [1, 3]) {
  Deno.test(`FtpClient uploadDir, downloadDir and removeDir round-trip a tree (concurrency ${concurrency})`, async () => {
    const local = await tempDir();
    try {
      await makeTree(`${local}/src`);
      await withFtp({}, async ({ client, fs }) => {
        const up = await client.uploadDir(`${local}/src`, "remote/tree", { concurrency });
        assert.equal(up.files, 10);
        assert.equal(up.directories, 3);
        assert.equal((await fs.stat("/remote/tree/empty"))?.type, "directory");
        const seen: string[] = [];
        const down = await client.downloadDir("remote/tree", `${local}/copy`, {
          concurrency,
          onFile: (f) => seen.push(f.path),
        });
        assert.equal(down.files, 10);
        assert.equal(down.bytes, up.bytes);
        assert.equal(seen.length, 10);
        assert.deepEqual(await snapshot(`${local}/copy`), await snapshot(`${local}/src`));
        const removed = await client.removeDir("remote", { concurrency });
        assert.equal(removed.files, 10);
        assert.equal(await fs.stat("/remote"), null);
        // The pool's connections are closed; the client still works.
        assert.equal(await client.pwd(), "/");
      });
    } finally {
      await rm(local, { recursive: true });
    }
  });
}

Deno.test("FtpClient.downloadDir() refuses names that escape the target (path traversal)", async () => {
  class EvilFs extends FtpMemoryFileSystem {
    override async list(path: string): Promise<FtpServerEntry[]> {
      const entries = await super.list(path);
      // (".." itself never reaches the tree walk: the MLSD parser leaves it out.)
      return [...entries, { name: "../evil", type: "file", size: 1, modifiedAt: new Date() }];
    }
  }
  const local = await tempDir();
  try {
    await withFtp({ server: { fs: new EvilFs({ "/d/ok.txt": "ok" }) } }, async ({ client }) => {
      // MLSD lists "../evil" as type=file: it must not become a file outside.
      await assert.rejects(client.downloadDir("d", `${local}/out`), ProtocolError);
    });
  } finally {
    await rm(local, { recursive: true });
  }
});

Deno.test("FtpDirectoryFileSystem serves a local directory", async () => {
  const root = await tempDir();
  try {
    await makeTree(root);
    await withFtp({ server: { fs: new FtpDirectoryFileSystem(root) } }, async ({ client }) => {
      assert.deepEqual((await client.list("a/b c")).map((e) => e.name), [
        "two words.txt",
        "日本.txt",
      ]);
      assert.deepEqual(await client.downloadBytes("a/one.bin"), pattern(300_000));
      await client.upload("a/new.txt", "new");
      await client.rename("a/new.txt", "renamed.txt");
      assert.equal(await readFile(`${root}/renamed.txt`, "utf8"), "new");
      await assert.rejects(client.downloadText("../../etc/passwd"));
    });
  } finally {
    await rm(root, { recursive: true });
  }
});
