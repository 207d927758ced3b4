// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  AuthenticationError,
  InvalidArgumentError,
  listen,
  TimeoutError,
} from "../../protocols/_core/mod.ts";
import {
  FtpBusyError,
  FtpClient,
  FtpFeatureError,
  FtpReplyError,
  FtpServer,
  type FtpTransferResult,
} from "../../protocols/ftp/mod.ts";
import { pattern, withFtp } from "./_setup.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("FtpClient.connect() logs in, reads FEAT and sends OPTS UTF8 ON", async () => {
  const transcript: string[] = [];
  await withFtp(
    { client: { onTranscript: (e) => transcript.push(`${e.direction} ${e.line}`) } },
    async ({ client, commands }) => {
      assert.ok(client.features.has("MLST"));
      assert.ok(client.features.has("EPSV"));
      assert.equal(client.features.get("REST"), "STREAM");
      assert.ok(client.welcome[0]?.includes("ready"));
      assert.ok(commands.includes("OPTS UTF8 ON"));
      assert.equal(client.secure, false);
      assert.match(await client.system(), /UNIX/);
      await client.noop();
      assert.ok((await client.help()).length > 2);
      assert.ok((await client.status()).some((line) => line.includes("alice")));
      assert.equal((await client.site("CHMOD 644 x")).code, 200);
      assert.equal((await client.sendCommand("XYZZY")).code, 502);
    },
  );
  // close() says QUIT and waits for the server's goodbye.
  assert.equal(transcript.at(-2), "send QUIT");
  assert.match(transcript.at(-1)!, /^receive 221 /);
  // The password never reaches the transcript.
  assert.ok(transcript.includes("send PASS ****"));
  assert.ok(!transcript.some((line) => line.includes("secret")));
});

Deno.test("FtpClient.connect() rejects a wrong password with AuthenticationError", async () => {
  const server = await FtpServer.start({ users: { alice: "secret" } });
  try {
    await assert.rejects(
      FtpClient.connect({
        hostname: "127.0.0.1",
        port: server.port,
        user: "alice",
        password: "no",
      }),
      (error: unknown) => error instanceof AuthenticationError && error.replyCode === 530,
    );
  } finally {
    await server.close();
  }
});

Deno.test("FtpClient.connect() sends ACCT when the server asks for it", async () => {
  const server = await FtpServer.start({ users: { bob: "pw" }, accounts: { bob: "acct1" } });
  try {
    await assert.rejects(
      FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "bob", password: "pw" }),
      AuthenticationError,
    );
    const client = await FtpClient.connect({
      hostname: "127.0.0.1",
      port: server.port,
      user: "bob",
      password: "pw",
      account: "acct1",
    });
    assert.equal(await client.pwd(), "/");
    await client.close();
  } finally {
    await server.close();
  }
});

Deno.test("FtpClient anonymous login is read-only on the test server", async () => {
  await withFtp({
    server: { anonymous: true },
    client: { user: undefined, password: undefined },
    files: { "/pub/readme.txt": "read me" },
  }, async ({ client }) => {
    assert.equal(await client.downloadText("pub/readme.txt"), "read me");
    await assert.rejects(
      client.upload("x.txt", "no"),
      (e: unknown) => e instanceof FtpReplyError && e.replyCode === 550 && !e.transient,
    );
    await assert.rejects(client.mkdir("d"), FtpReplyError);
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("FtpClient directory commands: cd, cdup, pwd, mkdir, rmdir, rename, remove", async () => {
  await withFtp({ files: { '/a "quoted" dir/f.txt': "f" } }, async ({ client, fs }) => {
    await client.cd('a "quoted" dir');
    assert.equal(await client.pwd(), '/a "quoted" dir');
    await client.cdup();
    assert.equal(await client.pwd(), "/");
    assert.equal(await client.mkdir("new dir"), "/new dir");
    assert.equal(await client.mkdir("deep/er/path", { recursive: true }), "deep/er/path");
    assert.equal(await client.mkdir("deep/er", { recursive: true }), "deep/er");
    assert.equal((await fs.stat("/deep/er/path"))?.type, "directory");
    await client.rename('a "quoted" dir/f.txt', "new dir/g.txt");
    assert.equal(text(fs.readFile("/new dir/g.txt")), "f");
    await client.remove("new dir/g.txt");
    await client.rmdir("new dir");
    assert.equal(await fs.stat("/new dir"), null);
    await assert.rejects(
      client.cd("missing"),
      (e: unknown) => e instanceof FtpReplyError && e.replyCode === 550,
    );
    await assert.rejects(client.rmdir("deep"), FtpReplyError);
    await assert.rejects(client.rename("missing", "x"), FtpReplyError);
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("FtpClient.setLastModified() needs MFMT in FEAT, or no FEAT at all", async () => {
  const when = new Date("2021-03-04T05:06:07Z");
  // FEAT without MFMT: refused before anything is sent; the session goes on.
  await withFtp(
    { files: { "/a.txt": "a" }, server: { disabledCommands: ["MFMT"] } },
    async ({ client, commands }) => {
      await assert.rejects(
        client.setLastModified("a.txt", when),
        (error: unknown) =>
          error instanceof FtpFeatureError && error.feature === "MFMT" &&
          /does not offer MFMT/.test(error.message),
      );
      assert.ok(!commands.some((line) => line.startsWith("MFMT")));
      assert.equal(await client.size("a.txt"), 1);
    },
  );
  // No FEAT: MFMT is tried, and works where the server has it.
  await withFtp(
    { files: { "/a.txt": "a" }, server: { disabledCommands: ["FEAT"] } },
    async ({ client, fs }) => {
      assert.equal(client.features.size, 0);
      await client.setLastModified("a.txt", when);
      assert.equal((await fs.stat("/a.txt"))?.modifiedAt.getTime(), when.getTime());
    },
  );
});

Deno.test("FtpClient size, lastModified, setLastModified and stat", async () => {
  await withFtp({ files: { "/d/file.bin": pattern(1000) } }, async ({ client, fs }) => {
    assert.equal(await client.size("d/file.bin"), 1000);
    const when = new Date("2021-03-04T05:06:07Z");
    await client.setLastModified("d/file.bin", when);
    assert.equal((await client.lastModified("d/file.bin")).getTime(), when.getTime());
    assert.equal((await fs.stat("/d/file.bin"))?.modifiedAt.getTime(), when.getTime());
    const info = await client.stat("d/file.bin");
    assert.deepEqual([info.type, info.size, info.modifiedAt?.getTime()], [
      "file",
      1000,
      when.getTime(),
    ]);
    assert.equal((await client.stat("d")).type, "directory");
    await assert.rejects(client.size("d"), FtpReplyError);
    await assert.rejects(client.stat("nope"), FtpReplyError);
  });
});

Deno.test("FtpClient.stat() falls back to the parent's LIST without MLST", async () => {
  await withFtp({
    server: { disabledCommands: ["MLST", "MLSD"] },
    files: { "/d/file.bin": pattern(10) },
  }, async ({ client }) => {
    assert.equal(client.features.has("MLST"), false);
    const info = await client.stat("d/file.bin");
    assert.deepEqual([info.name, info.type, info.size], ["file.bin", "file", 10]);
  });
});

Deno.test("FtpClient.list() uses MLSD, LIST when MLSD is absent, and both agree", async () => {
  const files = {
    "/t/plain.txt": "abc",
    "/t/with space.txt": "12345",
    "/t/日本語.txt": "x",
    "/t/sub dir/inner": "",
  };
  let mlsd: [string, string, number | undefined][] = [];
  await withFtp({ files }, async ({ client, commands }) => {
    mlsd = (await client.list("t")).map((e) => [e.name, e.type, e.size]);
    assert.ok(commands.includes("MLSD t"));
    assert.deepEqual(
      await client.listNames("t"),
      Object.keys(files).map((p) => `t/${p.split("/")[2]!}`).sort(),
    );
    assert.match(await client.listRaw("t"), /with space\.txt/);
  });
  await withFtp(
    { files, server: { disabledCommands: ["MLST", "MLSD"] } },
    async ({ client, commands }) => {
      const list = (await client.list("t")).map((
        e,
      ) => [e.name, e.type, e.type === "file" ? e.size : undefined]);
      assert.ok(commands.includes("LIST t"));
      assert.deepEqual(list, mlsd);
    },
  );
  assert.deepEqual(mlsd, [
    ["plain.txt", "file", 3],
    ["sub dir", "directory", undefined],
    ["with space.txt", "file", 5],
    ["日本語.txt", "file", 1],
  ]);
});

Deno.test("FtpClient downloads and uploads a few MB in passive mode (EPSV)", async () => {
  const data = pattern(3 * 1024 * 1024 + 7);
  await withFtp({ files: { "/big.bin": data } }, async ({ client, fs, commands }) => {
    const got = await client.downloadBytes("big.bin");
    assert.deepEqual(got, data);
    await client.upload(
      "copy.bin",
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(data.subarray(0, 1000));
          controller.enqueue(data.subarray(1000));
          controller.close();
        },
      }),
    );
    assert.deepEqual(fs.readFile("/copy.bin"), data);
    assert.ok(commands.includes("EPSV"));
    assert.ok(commands.includes("TYPE I"));
  });
});

Deno.test("FtpClient falls back from EPSV to PASV and ignores the PASV address", async () => {
  await withFtp({
    server: { disabledCommands: ["EPSV"], pasvAddress: "127.0.0.2" },
    files: { "/a.txt": "via pasv" },
  }, async ({ client, commands }) => {
    assert.equal(await client.downloadText("a.txt"), "via pasv");
    assert.equal(await client.downloadText("a.txt"), "via pasv");
    // EPSV is tried once, then PASV only.
    assert.equal(commands.filter((c) => c === "EPSV").length, 1);
    assert.equal(commands.filter((c) => c === "PASV").length, 2);
  });
  // Trusting the announced (wrong) address fails: the bounce guard mattered.
  await withFtp({
    server: { disabledCommands: ["EPSV"], pasvAddress: "127.0.0.2" },
    client: { trustPasvAddress: true },
    files: { "/a.txt": "x" },
  }, async ({ client }) => {
    await assert.rejects(client.downloadText("a.txt"));
  });
});

Deno.test("FtpClient active mode: EPRT, and PORT when EPRT is refused", async () => {
  const data = pattern(2 * 1024 * 1024);
  for (const disabled of [[], ["EPRT"]]) {
    await withFtp({
      client: { passive: false },
      server: { disabledCommands: disabled },
      files: { "/big.bin": data },
    }, async ({ client, fs, commands }) => {
      assert.deepEqual(await client.downloadBytes("big.bin"), data);
      await client.upload("up.bin", data);
      assert.deepEqual(fs.readFile("/up.bin"), data);
      assert.deepEqual((await client.list()).map((e) => e.name), ["big.bin", "up.bin"]);
      assert.ok(commands.some((c) => c.startsWith(disabled.length ? "PORT " : "EPRT ")));
    });
  }
});

Deno.test("FtpServer refuses a PORT that names another host (FTP bounce)", async () => {
  await withFtp({}, async ({ client }) => {
    const reply = await client.sendCommand("PORT 10,0,0,1,0,80");
    assert.equal(reply.code, 500);
  });
});

Deno.test("FtpClient resumes a download with REST and an upload with APPE", async () => {
  const data = pattern(1_500_000);
  await withFtp({ files: { "/f.bin": data } }, async ({ client, fs, commands }) => {
    const tail = await client.downloadBytes("f.bin", { offset: 1_000_000 });
    assert.deepEqual(tail, data.subarray(1_000_000));
    assert.ok(commands.includes("REST 1000000"));
    await client.upload("g.bin", data.subarray(0, 500_000));
    await client.upload("g.bin", data.subarray(500_000), { append: true });
    assert.deepEqual(fs.readFile("/g.bin"), data);
    assert.ok(commands.includes("APPE g.bin"));
    // REST + STOR overwrites from an offset.
    await client.upload("g.bin", new Uint8Array([1, 2, 3]), { offset: 10 });
    assert.deepEqual(
      fs.readFile("/g.bin").subarray(0, 14),
      new Uint8Array([...data.subarray(0, 10), 1, 2, 3]),
    );
  });
});

Deno.test("FtpClient ASCII mode converts line ends both ways", async () => {
  await withFtp({ files: { "/unix.txt": "one\ntwo\n" } }, async ({ client, fs, commands }) => {
    // The server sends CRLF in TYPE A; we give back LF.
    assert.equal(await client.downloadText("unix.txt", { ascii: true }), "one\ntwo\n");
    assert.ok(commands.includes("TYPE A"));
    // Binary mode shows the file as stored.
    assert.equal(await client.downloadText("unix.txt"), "one\ntwo\n");
    assert.ok(commands.includes("TYPE I"));
    await client.upload("up.txt", "a\nb\n", { ascii: true });
    assert.equal(text(fs.readFile("/up.txt")), "a\nb\n");
  });
  await withFtp({ files: { "/dos.txt": "x\r\ny\r\n" } }, async ({ client }) => {
    assert.equal(await client.downloadText("dos.txt", { ascii: true }), "x\ny\n");
  });
});

Deno.test("FtpClient reports progress with bytes, total and rate", async () => {
  const data = pattern(2_000_000);
  await withFtp({ files: { "/p.bin": data } }, async ({ client }) => {
    const seen: number[] = [];
    let last: { totalBytes: number | undefined; bytesPerSecond: number } | undefined;
    await client.downloadBytes("p.bin", {
      onProgress: (p) => {
        seen.push(p.bytes);
        last = p;
      },
    });
    assert.equal(seen.at(-1), data.byteLength);
    assert.equal(last?.totalBytes, data.byteLength);
    assert.ok(last!.bytesPerSecond > 0);
    const up: number[] = [];
    const result: FtpTransferResult = await client.upload("q.bin", data, {
      onProgress: (p) => up.push(p.bytes),
    });
    assert.equal(result.bytes, data.byteLength);
    assert.equal(up.at(-1), data.byteLength);
    // The first chunk is reported at once (not only after 100 ms), then the end.
    assert.ok(up.length >= 2, `progress calls: ${up}`);
    // The rate is the bytes over the (sub-millisecond) elapsed time.
    assert.ok(result.elapsedMs > 0 && result.elapsedMs < 60_000);
    assert.equal(result.bytesPerSecond, Math.round(result.bytes * 1000 / result.elapsedMs));
  });
});

Deno.test("FtpClient aborts a download with ABOR and keeps the connection usable", async () => {
  const data = pattern(8 * 1024 * 1024);
  await withFtp(
    { files: { "/big.bin": data, "/small.txt": "still here" } },
    async ({ client, commands }) => {
      const controller = new AbortController();
      const stream = await client.download("big.bin", { signal: controller.signal });
      const reader = stream.getReader();
      const first = await reader.read();
      assert.ok(first.value && first.value.byteLength > 0);
      controller.abort(new Error("user stop"));
      await assert.rejects(async () => {
        for (;;) if ((await reader.read()).done) break;
      }, /user stop/);
      assert.ok(commands.includes("ABOR"));
      assert.equal(await client.downloadText("small.txt"), "still here");
      assert.equal(await client.pwd(), "/");
    },
  );
});

Deno.test("FtpClient cancelling a download stream leaves the connection usable", async () => {
  const data = pattern(8 * 1024 * 1024);
  await withFtp({ files: { "/big.bin": data } }, async ({ client }) => {
    const stream = await client.download("big.bin");
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    assert.deepEqual((await client.list()).map((e) => e.name), ["big.bin"]);
    assert.equal((await client.downloadBytes("big.bin")).byteLength, data.byteLength);
  });
});

Deno.test("FtpClient aborts an upload and continues", async () => {
  await withFtp({}, async ({ client }) => {
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0;; i++) {
        if (i === 4) controller.abort(new Error("enough"));
        yield new Uint8Array(256 * 1024);
      }
    }
    await assert.rejects(
      client.upload("endless.bin", endless(), { signal: controller.signal }),
      /enough/,
    );
    await client.upload("after.txt", "ok");
    assert.equal(await client.downloadText("after.txt"), "ok");
  });
});

Deno.test("FtpClient refuses a second transfer or command during a transfer", async () => {
  await withFtp(
    { files: { "/a.bin": pattern(4 * 1024 * 1024), "/b.txt": "b" } },
    async ({ client }) => {
      const stream = await client.download("a.bin");
      await assert.rejects(client.download("b.txt"), FtpBusyError);
      await assert.rejects(client.list(), FtpBusyError);
      await assert.rejects(client.pwd(), FtpBusyError);
      await assert.rejects(client.sendCommand("NOOP"), FtpBusyError);
      assert.equal((await new Response(stream).arrayBuffer()).byteLength, 4 * 1024 * 1024);
      const results = await Promise.allSettled([
        client.downloadText("b.txt"),
        client.downloadText("b.txt"),
      ]);
      assert.equal(results[0].status, "fulfilled");
      assert.ok(results[1].status === "rejected" && results[1].reason instanceof FtpBusyError);
      assert.equal(await client.downloadText("b.txt"), "b");
    },
  );
});

Deno.test("FtpClient rejects CR/LF in paths and arguments (command injection)", async () => {
  await withFtp({ files: { "/a.txt": "a" } }, async ({ client, fs }) => {
    await assert.rejects(client.remove("a.txt\r\nDELE b"), InvalidArgumentError);
    await assert.rejects(client.download("a.txt\nRETR x"), InvalidArgumentError);
    await assert.rejects(client.upload("x\r\n", "y"), InvalidArgumentError);
    await assert.rejects(client.mkdir("d\0"), InvalidArgumentError);
    await assert.rejects(client.rename("a.txt", "b\rc"), InvalidArgumentError);
    await assert.rejects(client.sendCommand("NOOP\r\nDELE a.txt"), InvalidArgumentError);
    assert.equal(text(fs.readFile("/a.txt")), "a");
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("FtpClient errors: 550 is permanent, missing files reject the download call", async () => {
  await withFtp({}, async ({ client }) => {
    await assert.rejects(
      client.download("missing.bin"),
      (e: unknown) =>
        e instanceof FtpReplyError && e.replyCode === 550 && e.transient === false &&
        e.command === "RETR missing.bin",
    );
    assert.deepEqual(await client.listNames(), []);
  });
});

Deno.test("FtpClient times out on a silent server with TimeoutError", async () => {
  const listener = await listen({ port: 0 });
  const served = (async () => {
    const conn = (await listener.accept())!;
    await conn.write(new TextEncoder().encode("220 hello\r\n"));
    // Never answers USER.
    await conn.read(new Uint8Array(100));
    await conn.read(new Uint8Array(100)).catch(() => null);
    conn.close();
  })();
  await assert.rejects(
    FtpClient.connect({ hostname: "127.0.0.1", port: listener.addr.port, timeoutMs: 100 }),
    TimeoutError,
  );
  await served;
  listener.close();
});

Deno.test("FtpClient times out a stalled data connection", async () => {
  const { FtpMemoryFileSystem } = await import("../../protocols/ftp/mod.ts");
  class SlowFs extends FtpMemoryFileSystem {
    override async *read(path: string, offset: number): AsyncIterable<Uint8Array> {
      await new Promise((resolve) => setTimeout(resolve, 400));
      yield* super.read(path, offset);
    }
  }
  const fs = new SlowFs({ "/slow.bin": pattern(10) });
  const server = await FtpServer.start({ fs, users: { a: "b" } });
  const client = await FtpClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    user: "a",
    password: "b",
    timeoutMs: 150,
  });
  try {
    await assert.rejects(client.downloadBytes("slow.bin"), TimeoutError);
  } finally {
    client.destroy();
    await server.close();
  }
});

Deno.test("FtpClient.downloadTo() and uploadFrom() go through local files, with resume", async () => {
  const { mkdtemp, readFile, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/portline-ftp-`);
  // Several times the 1 MiB read size: the one buffer is reused many times.
  const data = pattern(9_000_000);
  try {
    await withFtp({ files: { "/f.bin": data } }, async ({ client, fs }) => {
      const result = await client.downloadTo("f.bin", `${dir}/f.bin`);
      assert.equal(result.bytes, data.byteLength);
      assert.deepEqual(new Uint8Array(await readFile(`${dir}/f.bin`)), data);
      // An interrupted download: the first 1,000,000 bytes are there.
      await writeFile(`${dir}/partial.bin`, data.subarray(0, 1_000_000));
      const resumed = await client.downloadTo("f.bin", `${dir}/partial.bin`, { resume: true });
      assert.equal(resumed.bytes, data.byteLength - 1_000_000);
      assert.deepEqual(new Uint8Array(await readFile(`${dir}/partial.bin`)), data);
      const up = await client.uploadFrom(`${dir}/f.bin`, "up.bin");
      assert.equal(up.bytes, data.byteLength);
      assert.deepEqual(fs.readFile("/up.bin"), data);
      await client.downloadTo("f.bin", `${dir}/ascii.txt`, { ascii: true });
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("FtpClient upload refused mid-transfer (552 over quota) rejects with the reply and stays usable", async () => {
  const data = pattern(3 * 1024 * 1024);
  for (const passive of [true, false]) {
    await withFtp({
      server: { maxUploadBytes: 1024 * 1024 },
      client: { passive },
      files: { "/small.txt": "still here" },
    }, async ({ client, fs }) => {
      await assert.rejects(
        client.upload("big.bin", data),
        (error: unknown) =>
          error instanceof FtpReplyError && error.replyCode === 552 && !error.transient,
      );
      // The server kept what it got, no more than the quota.
      assert.ok((await fs.stat("/big.bin"))!.size <= 1024 * 1024);
      assert.equal(await client.downloadText("small.txt"), "still here");
      await client.upload("ok.bin", data.subarray(0, 1000));
      assert.deepEqual(fs.readFile("/ok.bin"), data.subarray(0, 1000));
    });
  }
});
