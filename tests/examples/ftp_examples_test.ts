// Copyright 2026 the portline authors. MIT license.
// examples/ftp_sync.ts and examples/ftp_upload.ts run as programs (as a user
// would start them) against an in-process FtpServer: the mirrored bytes on
// disk, the uploaded bytes on the server, and the exit code and message when
// an argument is wrong or the server cannot be reached.
//
// The examples are Deno programs (Deno.args, Deno.exit), so these tests run
// only under Deno; they use node: APIs (as the npm build asks of every test
// file) and are skipped under Node.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import process from "node:process";
import assert from "../_assert.ts";
import { FtpMemoryFileSystem, FtpServer } from "../../protocols/ftp/mod.ts";

/** Skipped under Node: the examples are Deno programs. */
const ONLY_DENO = { ignore: !("deno" in process.versions) };
/** The repository root: the examples import `@portline/portline/ftp` through its deno.json. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const USERS = { alice: "secret" };
const decoder = new TextDecoder();

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `examples/<name>` with `args` in a child Deno and collects its output. */
function runExample(name: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // Under Deno, process.execPath is the running Deno.
    const child = spawn(process.execPath, ["run", "-A", `examples/${name}`, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    child.stdout.on("data", (chunk: Uint8Array) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Uint8Array) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code: number | null) => {
      const text = (chunks: Uint8Array[]) => decoder.decode(Buffer.concat(chunks));
      resolve({ code, stdout: text(stdout), stderr: text(stderr) });
    });
  });
}

/** The program's output, failing with all of it when it did not exit 0. */
function succeeded(outcome: Outcome): string {
  assert.equal(outcome.code, 0, `exit ${outcome.code}\n${outcome.stdout}\n${outcome.stderr}`);
  return outcome.stdout;
}

/** The arguments that reach `server` as alice. */
function login(server: FtpServer, password = USERS.alice): string[] {
  return ["--port", String(server.port), "--user", "alice", "--password", password];
}

/** `n` random bytes (so a shifted or truncated copy cannot compare equal). */
function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/** Every file under `dir`: its path relative to `dir` and its bytes. */
async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (prefix: string) => {
    for (const entry of await readdir(`${dir}/${prefix}`, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) await walk(`${path}/`);
      else files.set(path, new Uint8Array(await readFile(`${dir}/${path}`)));
    }
  };
  await walk("");
  return files;
}

/**
 * Fails unless `actual` holds exactly `expected`'s bytes, with a short
 * message (a deep-equality diff of 300 KB arrays would take minutes).
 */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const same = at === actual.length && at === expected.length;
  assert.ok(
    same,
    `${what}: ${actual.length} bytes, expected ${expected.length}; they differ from byte ${at}`,
  );
}

/** Fails unless the local tree `dir` holds exactly `expected` (path to bytes). */
async function assertTree(dir: string, expected: Record<string, Uint8Array>): Promise<void> {
  const actual = await readTree(dir);
  assert.deepEqual([...actual.keys()].sort(), Object.keys(expected).sort());
  for (const [path, bytes] of Object.entries(expected)) {
    assertSameBytes(actual.get(path)!, bytes, path);
  }
}

/** Whether `path` exists locally. */
async function exists(path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false);
}

/** A temporary directory for `fn`, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(`${tmpdir()}/portline-ftp-examples-`);
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Each example with arguments that work against a reachable server: mirror
 * `pub` into `dir`/mirror, upload `dir`/f.txt as f.txt.
 */
async function bothExamples(dir: string): Promise<[string, string[]][]> {
  await writeFile(`${dir}/f.txt`, "f");
  return [
    ["ftp_sync.ts", ["--remote", "pub", "--local", `${dir}/mirror`]],
    ["ftp_upload.ts", [`${dir}/f.txt`, "f.txt"]],
  ];
}

const encoder = new TextEncoder();
const BIG = randomBytes(300_000);
/** The remote tree under /pub, as the mirror must hold it. */
const PUB: Record<string, Uint8Array> = {
  "readme.txt": encoder.encode("hello from pub\n"),
  "dir with spaces/naïve ünï.txt": encoder.encode("ü and spaces\n"),
  "bin/data.bin": BIG,
  "bin/empty.bin": new Uint8Array(0),
  "a/b/c/deep.txt": encoder.encode("deep\n"),
};

function pubFileSystem(): FtpMemoryFileSystem {
  const fs = new FtpMemoryFileSystem({ "/outside.txt": "not under pub" });
  for (const [path, bytes] of Object.entries(PUB)) fs.writeFile(`/pub/${path}`, bytes);
  return fs;
}

Deno.test(
  "examples/ftp_sync.ts mirrors a remote tree over two connections, then fetches nothing",
  ONLY_DENO,
  async () => {
    await using server = await FtpServer.start({ fs: pubFileSystem(), users: USERS });
    await withTempDir(async (dir) => {
      const mirror = `${dir}/mirror`;
      const args = [...login(server), "--remote", "pub", "--local", mirror, "--parallel", "2"];
      const first = succeeded(await runExample("ftp_sync.ts", args));
      assert.match(first, /^5 file\(s\) to fetch$/m);
      assert.match(first, /^fetched pub\/bin\/data\.bin \(300000 bytes, /m);
      await assertTree(mirror, PUB);

      const second = succeeded(await runExample("ftp_sync.ts", args));
      assert.equal(second.trim(), "0 file(s) to fetch");
      await assertTree(mirror, PUB);
    });
  },
);

Deno.test(
  "examples/ftp_sync.ts resumes a shorter local file and replaces a longer one",
  ONLY_DENO,
  async () => {
    const commands: string[] = [];
    await using server = await FtpServer.start({
      fs: pubFileSystem(),
      users: USERS,
      onCommand: (line) => commands.push(line),
    });
    await withTempDir(async (dir) => {
      const mirror = `${dir}/mirror`;
      await mkdir(`${mirror}/bin`, { recursive: true });
      // An interrupted download: the first 100,000 bytes.
      await writeFile(`${mirror}/bin/data.bin`, BIG.subarray(0, 100_000));
      // A stale copy longer than the remote file.
      await writeFile(`${mirror}/readme.txt`, "an older and much longer readme\n");
      const out = succeeded(
        await runExample("ftp_sync.ts", [...login(server), "--remote", "pub", "--local", mirror]),
      );
      assert.match(out, /^5 file\(s\) to fetch$/m);
      assert.match(out, /^resumed pub\/bin\/data\.bin \(200000 bytes, /m);
      assert.match(out, /^fetched pub\/readme\.txt \(15 bytes, /m);
      assert.ok(commands.includes("REST 100000"), commands.join("\n"));
      await assertTree(mirror, PUB);
    });
  },
);

Deno.test(
  "examples/ftp_upload.ts uploads a file, then appends to it with --append",
  ONLY_DENO,
  async () => {
    const fs = new FtpMemoryFileSystem({ "/incoming/.keep": "" });
    await using server = await FtpServer.start({ fs, users: USERS });
    await withTempDir(async (dir) => {
      const first = randomBytes(200_000);
      const second = randomBytes(70_000);
      await writeFile(`${dir}/first.bin`, first);
      await writeFile(`${dir}/second.bin`, second);

      const out = succeeded(
        await runExample("ftp_upload.ts", [...login(server), `${dir}/first.bin`, "incoming/f.bin"]),
      );
      assert.match(out, /^uploaded incoming\/f\.bin: 200000 bytes in /m);
      assert.match(out, /^200000 bytes 100% at /m);
      assertSameBytes(fs.readFile("/incoming/f.bin"), first, "/incoming/f.bin");

      succeeded(
        await runExample("ftp_upload.ts", [
          ...login(server),
          "--append",
          `${dir}/second.bin`,
          "incoming/f.bin",
        ]),
      );
      const both = new Uint8Array(first.length + second.length);
      both.set(first);
      both.set(second, first.length);
      assertSameBytes(fs.readFile("/incoming/f.bin"), both, "/incoming/f.bin after --append");
    });
  },
);

Deno.test(
  "examples/ftp_upload.ts uploads a directory tree over two connections",
  ONLY_DENO,
  async () => {
    const fs = new FtpMemoryFileSystem();
    await using server = await FtpServer.start({ fs, users: USERS });
    await withTempDir(async (dir) => {
      const tree: Record<string, Uint8Array> = {
        "a.txt": encoder.encode("a\n"),
        "sub/b.bin": randomBytes(150_000),
        "sub/deeper/c.txt": encoder.encode("c\n"),
      };
      await mkdir(`${dir}/tree/sub/deeper`, { recursive: true });
      for (const [path, bytes] of Object.entries(tree)) {
        await writeFile(`${dir}/tree/${path}`, bytes);
      }
      const out = succeeded(
        await runExample("ftp_upload.ts", [
          ...login(server),
          "--parallel",
          "2",
          `${dir}/tree`,
          "site",
        ]),
      );
      assert.match(out, /^3 files, 2 directories, 150004 bytes$/m);
      assert.match(out, /^uploaded site\/sub\/b\.bin \(150000 bytes\)$/m);
      for (const [path, bytes] of Object.entries(tree)) {
        assertSameBytes(fs.readFile(`/site/${path}`), bytes, `/site/${path}`);
      }
      assert.deepEqual((await fs.list("/site")).map((e) => e.name), ["a.txt", "sub"]);
    });
  },
);

Deno.test(
  "examples/ftp_upload.ts without a remote path prints its usage and exits 2",
  ONLY_DENO,
  async () => {
    const outcome = await runExample("ftp_upload.ts", ["--port", "21", "only-a-local-path"]);
    assert.equal(outcome.code, 2);
    assert.match(outcome.stderr, /^usage: ftp_upload\.ts \[options\] <local path> <remote path>$/m);
    assert.equal(outcome.stdout, "");
  },
);

Deno.test(
  "examples/ftp_sync.ts and ftp_upload.ts reject a misspelt --tls mode",
  ONLY_DENO,
  async () => {
    await using server = await FtpServer.start({ fs: pubFileSystem(), users: USERS });
    await withTempDir(async (dir) => {
      for (const [name, args] of await bothExamples(dir)) {
        const outcome = await runExample(name, [...login(server), "--tls", "startls", ...args]);
        assert.notEqual(outcome.code, 0, name);
        assert.match(outcome.stderr, /TypeError: Unknown TLS mode "startls"/, name);
      }
      assert.equal(await server.fs.stat("/f.txt"), null);
      assert.equal(await exists(`${dir}/mirror`), false);
    });
  },
);

Deno.test(
  "examples/ftp_sync.ts and ftp_upload.ts exit non-zero when the login is refused",
  ONLY_DENO,
  async () => {
    await using server = await FtpServer.start({ fs: pubFileSystem(), users: USERS });
    await withTempDir(async (dir) => {
      for (const [name, args] of await bothExamples(dir)) {
        const outcome = await runExample(name, [...login(server, "wrong"), ...args]);
        assert.notEqual(outcome.code, 0, name);
        assert.match(outcome.stderr, /Cannot log in to "127\.0\.0\.1" as "alice": 530 /, name);
      }
      assert.equal(await server.fs.stat("/f.txt"), null);
      assert.equal(await exists(`${dir}/mirror`), false);
    });
  },
);

Deno.test(
  "examples/ftp_sync.ts and ftp_upload.ts exit non-zero when no server listens",
  ONLY_DENO,
  async () => {
    const port = await closedPort();
    await withTempDir(async (dir) => {
      for (const [name, args] of await bothExamples(dir)) {
        const outcome = await runExample(name, ["--port", String(port), ...args]);
        assert.notEqual(outcome.code, 0, name);
        assert.match(
          outcome.stderr,
          new RegExp(`Cannot connect to "127\\.0\\.0\\.1" on port ${port}: `),
          name,
        );
      }
    });
  },
);
