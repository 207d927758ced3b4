// Copyright 2026 the portline authors. MIT license.
// Minimal inputs for the in-process server bugs the server fuzz test found,
// each sent over a real control connection.
import assert from "../_assert.ts";
import { latin1Bytes } from "../_fuzz.ts";
import { BufferedReader, connect, readReply } from "../../protocols/_core/mod.ts";
import {
  FtpDirectoryFileSystem,
  FtpMemoryFileSystem,
  FtpServer,
  type FtpServerFileSystem,
  parseEpsvReply,
} from "../../protocols/ftp/mod.ts";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";

/**
 * Logs in as alice, sends each line and reads its reply (and the final one
 * after a 1xx); after an EPSV reply it opens the data connection, writes
 * nothing and closes it. Returns the replies as `code text` lines.
 */
async function talk(fs: FtpServerFileSystem, lines: string[]): Promise<string[]> {
  const server = await FtpServer.start({ fs, users: { alice: "secret" }, dataTimeoutMs: 2000 });
  const control = await connect({ hostname: "127.0.0.1", port: server.port });
  const replies: string[] = [];
  try {
    const reader = new BufferedReader(control, { maxLineBytes: 8192 });
    await readReply(reader);
    for (const line of ["USER alice", "PASS secret", ...lines]) {
      await control.write(latin1Bytes(line + "\r\n"));
      let reply = await readReply(reader);
      if (reply.code < 200) reply = await readReply(reader);
      const text = `${reply.code} ${reply.lines.join("\n")}`;
      replies.push(text);
      const port = reply.code === 229 ? parseEpsvReply(text) : null;
      if (port !== null) (await connect({ hostname: "127.0.0.1", port })).close();
    }
    return replies.slice(2);
  } finally {
    control.close();
    await server.close();
  }
}

async function withTempDir(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(`${tmpdir()}/portline-ftp-regression-`);
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

Deno.test("FtpServer echoes no CR or NUL of a command into a reply (a bare CR split the reply)", async () => {
  const [reply] = await talk(new FtpMemoryFileSystem(), ["\0A\rB"]);
  assert.equal(reply, "502  A B not implemented");
});

Deno.test("FtpServer refuses a path with CR, LF or NUL (MKD created an unlistable name)", async () => {
  const fs = new FtpMemoryFileSystem();
  const [reply] = await talk(fs, ["MKD a\rb"]);
  assert.match(reply!, /^550 /);
  assert.deepEqual(await fs.list("/"), []);
});

Deno.test("FtpServer refuses RNTO / (the memory tree got an entry without a name)", async () => {
  const fs = new FtpMemoryFileSystem({ "/a.txt": "a" });
  const replies = await talk(fs, ["RNFR a.txt", "RNTO /"]);
  assert.match(replies[1]!, /^550 /);
  assert.deepEqual((await fs.list("/")).map((entry) => entry.name), ["a.txt"]);
  await assert.rejects(async () => await fs.rename("/a.txt", "/"), Error);
  await assert.rejects(async () => await fs.write("/", { append: false, offset: 0 }), Error);
});

Deno.test("FtpServer refuses RMD / (it removed an empty served directory)", async () => {
  await withTempDir(async (root) => {
    const replies = await talk(new FtpDirectoryFileSystem(root), ["RMD /", "DELE /"]);
    assert.match(replies[0]!, /^550 /);
    assert.match(replies[1]!, /^550 /);
    assert.ok((await stat(root)).isDirectory());
  });
});

Deno.test("FtpDirectoryFileSystem errors name the virtual path, not the local one", async () => {
  await withTempDir(async (root) => {
    const [reply] = await talk(new FtpDirectoryFileSystem(root), ["RMD nothere"]);
    assert.equal(reply, "550 No such file or directory: /nothere");
  });
});

Deno.test("FtpDirectoryFileSystem.mkdir() needs the parent, like the memory tree (it made parents)", async () => {
  await withTempDir(async (root) => {
    const [reply] = await talk(new FtpDirectoryFileSystem(root), ["MKD a/b"]);
    assert.match(reply!, /^550 /);
    await assert.rejects(stat(`${root}/a`));
  });
});

Deno.test("FtpServer refuses STOR after a REST past the end of the file (made a 4 GiB sparse file)", async () => {
  await withTempDir(async (root) => {
    await writeFile(`${root}/a.txt`, "abc");
    const replies = await talk(new FtpDirectoryFileSystem(root), [
      "TYPE I",
      "REST 4294967296",
      "EPSV",
      "STOR a.txt",
    ]);
    assert.match(replies[3]!, /^550 /);
    assert.equal((await stat(`${root}/a.txt`)).size, 3);
  });
});

Deno.test("FtpServer refuses PORT, EPRT and PASV after EPSV ALL (RFC 2428)", async () => {
  const replies = await talk(new FtpMemoryFileSystem(), [
    "EPSV ALL",
    "PORT 127,0,0,1,4,1",
    "EPRT |1|127.0.0.1|1025|",
    "PASV",
  ]);
  assert.deepEqual(replies.map((reply) => reply.slice(0, 3)), ["200", "503", "503", "503"]);
});

Deno.test("FtpServer aborts a transfer that moves no byte for dataTimeoutMs (426), the session goes on", async () => {
  // A client that opened the data connection and then neither sent (STOR)
  // nor read (RETR) held the session, QUIT included, for ever.
  // More than can be in flight at most: the sender's socket buffer (tcp_wmem
  // up to 4 MiB here), the receiver's (tcp_rmem up to 32 MiB; it grows while
  // the Node transport reads ahead) and that transport's 1 MiB read-ahead.
  // 8 MiB sometimes fitted whole under Node, and the transfer ended with 226.
  const big = new Uint8Array(64 * 1024 * 1024);
  const fs = new FtpMemoryFileSystem({ "/big.bin": big });
  await using server = await FtpServer.start({
    fs,
    users: { alice: "secret" },
    dataTimeoutMs: 200,
  });
  const control = await connect({ hostname: "127.0.0.1", port: server.port });
  const held: { close(): void }[] = [];
  try {
    const reader = new BufferedReader(control, { maxLineBytes: 8192 });
    const command = async (line: string) => {
      await control.write(latin1Bytes(line + "\r\n"));
      return await readReply(reader);
    };
    await readReply(reader);
    await command("USER alice");
    await command("PASS secret");
    await command("TYPE I");
    for (const verb of ["STOR up.bin", "RETR big.bin"]) {
      const port = parseEpsvReply(`229 ${(await command("EPSV")).lines.join(" ")}`)!;
      const data = await connect({ hostname: "127.0.0.1", port });
      held.push(data);
      // STOR: a few bytes, then silence; RETR: never read (64 MiB outgrows the buffers).
      if (verb.startsWith("STOR")) await data.write(new Uint8Array(10));
      assert.equal((await command(verb)).code, 150, verb);
      assert.equal((await readReply(reader)).code, 426, verb);
      assert.equal((await command("NOOP")).code, 200, verb);
    }
  } finally {
    for (const conn of held) conn.close();
    control.close();
  }
});
