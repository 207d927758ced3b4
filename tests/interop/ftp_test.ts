// Copyright 2026 the portline authors. MIT license.
// FTP/FTPS against real servers (scripts/interop/setup_40_ftp.sh): vsftpd on
// 12121 (require_ssl_reuse=NO) and 12124 (require_ssl_reuse=YES, its default),
// proftpd on 12122 (FTPS requires TLS session reuse), 12123 (reuse not
// required) and 12990 (implicit FTPS).
import assert from "../_assert.ts";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import process from "node:process";
import {
  FtpClient,
  type FtpClientOptions,
  FtpFeatureError,
  type FtpFileInfo,
  FtpReplyError,
  FtpTlsSessionReuseError,
  LimitError,
  parseList,
} from "../../protocols/ftp/mod.ts";
import { ConnectionClosedError } from "../../protocols/_core/mod.ts";
import { HttpTestServer } from "../../protocols/http/mod.ts";
import { sha256Of } from "./_helpers.ts";

const RUN = process.env.PORTLINE_INTEROP_DIR ?? ".interop";
const CA = await readFile(`${RUN}/certs/ca.pem`, "utf8");
const BIG_SHA256 = (await readFile(`${RUN}/ftp/big.bin.sha256`, "utf8")).trim();
const BIG_SIZE = 268435456;
const VSFTPD = 12121;
const VSFTPD_REUSE = 12124;
const PROFTPD = 12122;
const PROFTPD_RELAXED = 12123;
const PROFTPD_IMPLICIT = 12990;
/** Explicit FTPS (AUTH TLS), and implicit FTPS, with the interop CA. */
const STARTTLS: Partial<FtpClientOptions> = { tls: { mode: "starttls", caCerts: [CA] } };
const IMPLICIT: Partial<FtpClientOptions> = { tls: { mode: "implicit", caCerts: [CA] } };
/**
 * Node resumes the control connection's TLS session on data connections;
 * Deno 2.9's TLS cannot. Tests of servers that require resumption expect what
 * the runtime must do, not what the client reports.
 */
const IS_DENO = "deno" in process.versions;

function connectTo(
  port: number,
  options: Partial<FtpClientOptions> = {},
): Promise<FtpClient> {
  return FtpClient.connect({
    hostname: "localhost",
    port,
    user: "ftpuser",
    password: "ftppass",
    tls: { caCerts: [CA] },
    timeoutMs: 20_000,
    ...options,
  });
}

async function withClient(
  port: number,
  options: Partial<FtpClientOptions>,
  fn: (client: FtpClient) => Promise<void>,
): Promise<void> {
  const client = await connectTo(port, options);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
}

async function fileSha256(path: string): Promise<string> {
  return createHash("sha256").update(await readFile(path)).digest("hex");
}

function shape(list: FtpFileInfo[]): string[] {
  return list.map((e) => `${e.name}|${e.type}|${e.type === "file" ? e.size : "-"}`).sort();
}

Deno.test("interop FTP: log in to vsftpd and proftpd, read features", async () => {
  for (const port of [VSFTPD, PROFTPD]) {
    await withClient(port, {}, async (client) => {
      assert.equal(await client.pwd(), "/");
      assert.match(await client.system(), /UNIX/);
      assert.ok(client.features.has("EPSV"));
      assert.ok(client.features.has("UTF8"));
      await client.noop();
    });
  }
  for (const port of [VSFTPD, PROFTPD]) {
    const anonymous = await FtpClient.connect({ hostname: "127.0.0.1", port });
    try {
      assert.equal(
        await anonymous.downloadText("pub/welcome.txt"),
        "anonymous can read this\n",
      );
      await assert.rejects(anonymous.upload("pub/x.txt", "no"), FtpReplyError);
    } finally {
      await anonymous.close();
    }
  }
});

Deno.test("interop FTP: MLSD and LIST give the same tree (spaces, UTF-8)", async () => {
  await withClient(PROFTPD, {}, async (proftpd) => {
    assert.ok(proftpd.features.has("MLST"));
    await withClient(VSFTPD, {}, async (vsftpd) => {
      assert.ok(!vsftpd.features.has("MLST"));
      for (
        const dir of [
          "",
          "dir with spaces",
          "ünïcödé",
          "ünïcödé/日本語",
          "tree/sub",
        ]
      ) {
        const mlsd = shape(await proftpd.list(dir));
        assert.deepEqual(
          shape(parseList(await proftpd.listRaw(dir))),
          mlsd,
          dir,
        );
        assert.deepEqual(shape(await vsftpd.list(dir)), mlsd, dir);
      }
      assert.deepEqual(shape(await proftpd.list("dir with spaces")), [
        "a  b  c.txt|file|18",
        "file one.txt|file|14",
      ]);
    });
  });
});

for (
  const [name, port, options] of [
    ["vsftpd passive", VSFTPD, {}],
    ["vsftpd active", VSFTPD, { passive: false }],
    ["vsftpd FTPS", VSFTPD, STARTTLS],
    ["vsftpd FTPS active", VSFTPD, { ...STARTTLS, passive: false }],
    ["proftpd passive", PROFTPD, {}],
    ["proftpd active", PROFTPD, { passive: false }],
    ["proftpd relaxed FTPS", PROFTPD_RELAXED, STARTTLS],
    ["proftpd implicit FTPS", PROFTPD_IMPLICIT, IMPLICIT],
  ] as [string, number, Partial<FtpClientOptions>][]
) {
  Deno.test(`interop FTP: 256 MB download, ${name}, SHA-256 checked`, async () => {
    await withClient(port, options, async (client) => {
      assert.equal(await client.size("big.bin"), BIG_SIZE);
      const [digest, bytes] = await sha256Of(await client.download("big.bin"));
      assert.equal(bytes, BIG_SIZE);
      assert.equal(digest, BIG_SHA256);
      assert.equal(await client.pwd(), "/");
    });
  });
}

Deno.test("interop FTP: proftpd's default (TLS session reuse required)", async () => {
  await withClient(PROFTPD, STARTTLS, async (client) => {
    assert.equal(client.canResumeTlsSession, !IS_DENO);
    if (!IS_DENO) {
      // Node resumes the control session on data connections: accepted.
      assert.equal(
        await client.downloadText("readme.txt"),
        "hello from the interop tree\n",
      );
      assert.ok((await client.list()).length > 3);
    } else {
      // Deno cannot resume TLS sessions: proftpd refuses with 425, reported clearly.
      await assert.rejects(
        client.downloadText("readme.txt"),
        (error: unknown) =>
          error instanceof FtpTlsSessionReuseError && error.replyCode === 425 &&
          /NoSessionReuseRequired/.test(error.message),
      );
      assert.equal(await client.pwd(), "/");
    }
  });
});

Deno.test("interop FTP: vsftpd's default (require_ssl_reuse=YES)", async () => {
  await withClient(VSFTPD_REUSE, STARTTLS, async (client) => {
    assert.equal(client.canResumeTlsSession, !IS_DENO);
    if (!IS_DENO) {
      // Node resumes the control session on every data connection.
      assert.deepEqual(await sha256Of(await client.download("big.bin")), [BIG_SHA256, BIG_SIZE]);
      assert.ok((await client.list()).some((e) => e.name === "big.bin" && e.size === BIG_SIZE));
      assert.equal(await client.pwd(), "/");
      return;
    }
    // Deno: vsftpd answers 522 after the data handshake, reported clearly.
    await assert.rejects(
      client.downloadText("readme.txt"),
      (error: unknown) =>
        error instanceof FtpTlsSessionReuseError && error.replyCode === 522 &&
        /session reuse required/.test(error.message) &&
        /require_ssl_reuse=NO/.test(error.message),
    );
    // Unlike proftpd, vsftpd then ends the session (vsf_cmdio_write_exit),
    // without TLS close_notify: a closed connection, not a TLS failure.
    await assert.rejects(client.pwd(), ConnectionClosedError);
  });
  // What still works under Deno: an encrypted control connection, clear data.
  await withClient(
    VSFTPD_REUSE,
    { tls: { mode: "starttls", caCerts: [CA] }, dataProtection: "clear" },
    async (client) => {
      assert.equal(client.secure, true);
      assert.equal(client.dataProtected, false);
      assert.equal(await client.downloadText("readme.txt"), "hello from the interop tree\n");
    },
  );
});

Deno.test("interop FTP: set a modification time with MFMT (proftpd); vsftpd lacks it", async () => {
  const when = new Date("2020-02-02T02:02:02Z");
  await withClient(PROFTPD, {}, async (client) => {
    assert.ok(client.features.has("MFMT"));
    await client.upload("upload/dated.txt", "dated\n");
    try {
      await client.setLastModified("upload/dated.txt", when);
      assert.equal((await client.lastModified("upload/dated.txt")).getTime(), when.getTime());
      assert.equal((await client.stat("upload/dated.txt")).modifiedAt?.getTime(), when.getTime());
    } finally {
      await client.remove("upload/dated.txt");
    }
  });
  await withClient(VSFTPD, {}, async (client) => {
    assert.ok(!client.features.has("MFMT"));
    await assert.rejects(
      client.setLastModified("readme.txt", when),
      (error: unknown) => error instanceof FtpFeatureError && error.feature === "MFMT",
    );
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("interop FTP: upload, read back, append, REST resume, rename, delete", async () => {
  const data = new Uint8Array(3_000_000).map((_, i) => (i * 7) & 255);
  for (const port of [VSFTPD, PROFTPD]) {
    await withClient(port, {}, async (client) => {
      await client.upload("upload/data.bin", data);
      assert.equal(await client.size("upload/data.bin"), data.byteLength);
      assert.deepEqual(await client.downloadBytes("upload/data.bin"), data);
      await client.upload("upload/data.bin", data.subarray(0, 1000), {
        append: true,
      });
      assert.equal(
        await client.size("upload/data.bin"),
        data.byteLength + 1000,
      );
      const tail = await client.downloadBytes("upload/data.bin", {
        offset: 2_000_000,
      });
      assert.deepEqual(tail.subarray(0, 1_000_000), data.subarray(2_000_000));
      await client.upload("upload/text.txt", "a\nb\n", { ascii: true });
      assert.equal(
        await client.downloadText("upload/text.txt", { ascii: true }),
        "a\nb\n",
      );
      await client.rename("upload/data.bin", "upload/renamed file.bin");
      assert.ok(
        (await client.listNames("upload")).some((n) => n.endsWith("renamed file.bin")),
      );
      await client.remove("upload/renamed file.bin");
      await client.remove("upload/text.txt");
      await assert.rejects(
        client.size("upload/renamed file.bin"),
        FtpReplyError,
      );
    });
  }
});

for (
  const [name, port, options] of [
    ["vsftpd FTPS passive", VSFTPD, STARTTLS],
    ["vsftpd FTPS active", VSFTPD, { ...STARTTLS, passive: false }],
    ["proftpd relaxed FTPS passive", PROFTPD_RELAXED, STARTTLS],
    ["proftpd relaxed FTPS active", PROFTPD_RELAXED, { ...STARTTLS, passive: false }],
    ["proftpd implicit FTPS", PROFTPD_IMPLICIT, IMPLICIT],
  ] as [string, number, Partial<FtpClientOptions>][]
) {
  Deno.test(`interop FTP: upload and read back over ${name}, listing included`, async () => {
    const data = new Uint8Array(5_000_003).map((_, i) => (i * 13 + (i >> 12)) & 255);
    const path = `upload/tls-${port}-${options.passive === false ? "active" : "passive"}.bin`;
    await withClient(port, options, async (client) => {
      assert.equal(client.secure, true);
      assert.equal(client.dataProtected, true);
      await client.upload(path, data);
      // The server got every byte: the TLS data channel was shut down cleanly.
      assert.equal(await client.size(path), data.byteLength);
      assert.deepEqual(await client.downloadBytes(path), data);
      const name = path.slice("upload/".length);
      assert.ok(
        (await client.list("upload")).some((e) => e.name === name && e.size === data.byteLength),
      );
      await client.remove(path);
      assert.equal(await client.pwd(), "/");
    });
  });
}

Deno.test("interop FTP: downloadBytes() maxBytes aborts a 256 MB file, the session stays usable", async () => {
  for (const [port, options] of [[VSFTPD, {}], [PROFTPD_RELAXED, STARTTLS]] as const) {
    await withClient(port, options, async (client) => {
      await assert.rejects(
        client.downloadBytes("big.bin", { maxBytes: 1024 * 1024 }),
        (error: unknown) => error instanceof LimitError && /RETR big\.bin/.test(error.message),
      );
      // A server announcing no size in its 150 reply: the bound is met while reading.
      await assert.rejects(
        client.downloadText("big.bin", { maxBytes: 1024 * 1024, ascii: true }),
        LimitError,
      );
      assert.equal(await client.pwd(), "/");
      assert.equal(await client.downloadText("readme.txt"), "hello from the interop tree\n");
    });
  }
});

for (const [name, port] of [["vsftpd", VSFTPD], ["proftpd", PROFTPD]] as const) {
  Deno.test(`interop FTP: interrupted 256 MB download, then REST resume to a matching SHA-256, ${name}`, async () => {
    const dir = await mkdtemp(`${tmpdir()}/portline-ftp-interop-`);
    try {
      await withClient(port, {}, async (client) => {
        const controller = new AbortController();
        await assert.rejects(
          client.downloadTo("big.bin", `${dir}/big.bin`, {
            signal: controller.signal,
            onProgress: (p) => {
              if (p.bytes > 40_000_000) {
                controller.abort(new Error("interrupted"));
              }
            },
          }),
          /interrupted/,
        );
        const partial = (await stat(`${dir}/big.bin`)).size;
        assert.ok(partial > 0 && partial < BIG_SIZE);
        // ABOR left the session usable: resume where the file stops.
        const result = await client.downloadTo("big.bin", `${dir}/big.bin`, {
          resume: true,
        });
        assert.equal(result.bytes, BIG_SIZE - partial);
        assert.equal(await fileSha256(`${dir}/big.bin`), BIG_SHA256);
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
}

Deno.test("interop FTP: recursive upload and download of a tree", async () => {
  const dir = await mkdtemp(`${tmpdir()}/portline-ftp-interop-`);
  try {
    await mkdir(`${dir}/src/a b/ü`, { recursive: true });
    await writeFile(`${dir}/src/top.txt`, "top");
    await writeFile(`${dir}/src/a b/ü/日本.txt`, "deep");
    for (let i = 0; i < 8; i++) {
      await writeFile(`${dir}/src/a b/f${i}.txt`, `file ${i}`);
    }
    for (const port of [VSFTPD, PROFTPD]) {
      await withClient(port, {}, async (client) => {
        const up = await client.uploadDir(`${dir}/src`, "upload/tree", {
          concurrency: 3,
        });
        assert.equal(up.files, 10);
        const down = await client.downloadDir(
          "upload/tree",
          `${dir}/copy-${port}`,
          {
            concurrency: 3,
          },
        );
        assert.equal(down.files, 10);
        assert.equal(
          await readFile(`${dir}/copy-${port}/a b/ü/日本.txt`, "utf8"),
          "deep",
        );
        assert.equal(
          await readFile(`${dir}/copy-${port}/a b/f7.txt`, "utf8"),
          "file 7",
        );
        await client.removeDir("upload/tree", { concurrency: 2 });
        assert.ok(
          !(await client.listNames("upload")).some((name) => name.endsWith("tree")),
        );
      });
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("interop FTP: through an HTTP proxy (CONNECT tunnels), plain and FTPS, the 256 MB file's SHA-256", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  const via = `http://px:pw@127.0.0.1:${proxy.port}`;
  for (
    const [port, options] of [
      [VSFTPD, {}],
      [PROFTPD_RELAXED, STARTTLS],
    ] as [number, Partial<FtpClientOptions>][]
  ) {
    await withClient(port, { ...options, proxy: via }, async (client) => {
      const data = new Uint8Array(2_000_001).map((_, i) => (i * 11) & 255);
      const path = `upload/proxy-${port}.bin`;
      await client.upload(path, data);
      assert.deepEqual(await client.downloadBytes(path), data);
      await client.remove(path);
      if (port === VSFTPD) {
        assert.deepEqual(await sha256Of(await client.download("big.bin")), [BIG_SHA256, BIG_SIZE]);
      }
    });
  }
  // Each session: one control tunnel and one per transfer, all to the server's name.
  assert.ok(proxy.proxyLog.every((a) => /^localhost:\d+$/.test(a)), proxy.proxyLog.join(" "));
  assert.equal(proxy.proxyLog.filter((a) => a === `localhost:${VSFTPD}`).length, 1);
  assert.equal(proxy.proxyLog.length, 7);
});
