// Copyright 2026 the portline authors. MIT license.
// The clients through a real SOCKS5 proxy: Dante (scripts/interop/setup_60_socks.sh)
// on 127.0.0.1:11080 (user name and password: the system account ftpuser /
// ftppass) and 127.0.0.1:11081 (no authentication), loopback targets only.
// Through 11080 with socks5h (Dante resolves "localhost"): FtpClient to vsftpd
// (12121: the 256 MB file's SHA-256, an upload read back, explicit FTPS),
// SmtpClient to postfix (12525, STARTTLS + AUTH, delivery into the Maildir),
// Pop3Client to dovecot (11110, STLS), HttpAgent to nginx (18080, 18443).
// Through 11081 with socks5 (names resolved here): one FTP download and one
// HTTP request. Refusals: a wrong password, no credentials, a target the
// rules block.
// Run: bash scripts/interop/run.sh --setup-only && deno test -A tests/interop/socks_test.ts
import assert from "../_assert.ts";
import { readdir, readFile } from "node:fs/promises";
import process from "node:process";
import { FtpClient, type FtpClientOptions, SocksProxyError } from "../../protocols/ftp/mod.ts";
import { HttpAgent } from "../../protocols/http/mod.ts";
import { Pop3Client } from "../../protocols/pop3/mod.ts";
import { SmtpClient } from "../../protocols/smtp/mod.ts";
import { delivered, sha256Of } from "./_helpers.ts";

const RUN = process.env.PORTLINE_INTEROP_DIR ?? ".interop";
const CA = await readFile(`${RUN}/certs/ca.pem`, "utf8");
const BIG_SHA256 = (await readFile(`${RUN}/ftp/big.bin.sha256`, "utf8")).trim();
const BIG_SIZE = 268435456;
const HELLO = await readFile(`${RUN}/nginx/www/hello.txt`, "utf8");
const VSFTPD = 12121;
/** Dante's listener that wants a user name and password, the proxy resolving names. */
const SOCKS = "socks5h://ftpuser:ftppass@127.0.0.1:11080";
/** Dante's listener without authentication, names resolved here. */
const SOCKS_OPEN = "socks5://127.0.0.1:11081";
const WRONG_PASSWORD = "not-ftppass";

function ftp(options: Partial<FtpClientOptions> = {}): Promise<FtpClient> {
  return FtpClient.connect({
    hostname: "localhost",
    port: VSFTPD,
    user: "ftpuser",
    password: "ftppass",
    proxy: SOCKS,
    timeoutMs: 20_000,
    ...options,
  });
}

async function withFtp(
  options: Partial<FtpClientOptions>,
  fn: (client: FtpClient) => Promise<void>,
): Promise<void> {
  const client = await ftp(options);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
}

Deno.test("interop SOCKS5 (Dante, socks5h + password): FTP login, list, 256 MB download (SHA-256), upload read back", async () => {
  await withFtp({}, async (client) => {
    assert.equal(await client.pwd(), "/");
    const list = await client.list();
    assert.ok(list.some((e) => e.name === "big.bin" && e.size === BIG_SIZE));
    assert.ok(list.some((e) => e.name === "dir with spaces" && e.type === "directory"));
    assert.deepEqual(await sha256Of(await client.download("big.bin")), [BIG_SHA256, BIG_SIZE]);
    const data = new Uint8Array(3_000_001).map((_, i) => (i * 7 + (i >> 10)) & 255);
    await client.upload("upload/socks.bin", data);
    try {
      assert.equal(await client.size("upload/socks.bin"), data.byteLength);
      assert.deepEqual(await client.downloadBytes("upload/socks.bin"), data);
    } finally {
      await client.remove("upload/socks.bin");
    }
  });
});

Deno.test("interop SOCKS5 (Dante, socks5h + password): explicit FTPS, listing, upload read back", async () => {
  await withFtp({ tls: { mode: "starttls", caCerts: [CA] } }, async (client) => {
    assert.equal(client.secure, true);
    assert.equal(client.dataProtected, true);
    assert.equal(await client.downloadText("readme.txt"), "hello from the interop tree\n");
    const data = new Uint8Array(2_000_003).map((_, i) => (i * 13) & 255);
    await client.upload("upload/socks-tls.bin", data);
    try {
      assert.ok(
        (await client.list("upload")).some((e) =>
          e.name === "socks-tls.bin" && e.size === data.byteLength
        ),
      );
      assert.deepEqual(await client.downloadBytes("upload/socks-tls.bin"), data);
    } finally {
      await client.remove("upload/socks-tls.bin");
    }
    assert.equal(await client.pwd(), "/");
  });
});

Deno.test("interop SOCKS5 (Dante, socks5h + password): SmtpClient to postfix, STARTTLS + AUTH, delivered", async () => {
  await using client = await SmtpClient.connect({
    hostname: "localhost",
    port: 12525,
    tls: { mode: "starttls", caCerts: [CA] },
    requireTls: true,
    auth: { username: "alice", password: "secret" },
    proxy: SOCKS,
    timeoutMs: 20_000,
  });
  assert.equal(client.secure, true);
  const id = `portline-socks-${crypto.randomUUID()}`;
  const body = "From: ann@example.org\r\nTo: bob@portline.test\r\nSubject: via Dante\r\n" +
    `Message-ID: <${id}@portline.test>\r\n\r\nThrough a SOCKS5 proxy.\r\n`;
  await client.sendMail({ from: "ann@example.org", to: ["bob@portline.test"], body });
  const stored = new TextDecoder().decode(await delivered("bob", id));
  assert.match(stored, /^Subject: via Dante$/m);
  assert.match(stored, /^Through a SOCKS5 proxy\.$/m);
});

Deno.test("interop SOCKS5 (Dante, socks5h + password): Pop3Client to dovecot, STLS, STAT", async () => {
  const client = await Pop3Client.connect({
    hostname: "localhost",
    port: 11110,
    tls: { mode: "starttls", caCerts: [CA] },
    auth: { username: "popuser", password: "poppass" },
    proxy: SOCKS,
    timeoutMs: 10_000,
  });
  try {
    assert.equal(client.secure, true);
    const { count } = await client.stat();
    // dovecot created the Maildir at login if it was missing.
    const maildir = `${RUN}/mail/popuser/Maildir`;
    const files = (await readdir(`${maildir}/new`)).length +
      (await readdir(`${maildir}/cur`)).length;
    assert.equal(count, files);
  } finally {
    await client.close();
  }
});

Deno.test("interop SOCKS5 (Dante, socks5h + password): HttpAgent to nginx, http and https, one tunnel each", async () => {
  for (const origin of ["http://localhost:18080", "https://localhost:18443"]) {
    await using agent = new HttpAgent({ proxy: SOCKS, tls: { caCerts: [CA] } });
    const ids = new Set<string | null>();
    for (const path of ["/hello.txt", "/1k.bin", "/hello.txt"]) {
      const response = await agent.fetch(`${origin}${path}`);
      assert.equal(response.status, 200, origin);
      ids.add(response.headers.get("x-connection"));
      const body = new Uint8Array(await response.arrayBuffer());
      if (path === "/hello.txt") assert.equal(new TextDecoder().decode(body), HELLO);
      else assert.equal(body.byteLength, 1024);
    }
    // Keep-alive through the proxy: nginx saw one connection.
    assert.equal(ids.size, 1, origin);
    assert.equal(agent.stats.connections, 1, origin);
  }
});

Deno.test("interop SOCKS5 (Dante, socks5 without authentication): an FTP download and an HTTP request", async () => {
  await withFtp({ proxy: SOCKS_OPEN }, async (client) => {
    assert.equal(
      await client.downloadText("dir with spaces/file one.txt"),
      "one\ntwo\nthree\n",
    );
  });
  await using agent = new HttpAgent({ proxy: SOCKS_OPEN, tls: { caCerts: [CA] } });
  assert.equal(await (await agent.fetch("https://localhost:18443/hello.txt")).text(), HELLO);
});

Deno.test("interop SOCKS5 (Dante): a wrong password, no credentials and a blocked target are SocksProxyError", async () => {
  const wrong = `socks5h://ftpuser:${WRONG_PASSWORD}@127.0.0.1:11080`;
  await assert.rejects(
    ftp({ proxy: wrong }),
    (error: unknown) =>
      error instanceof SocksProxyError && /user name and password/.test(error.message) &&
      !error.message.includes(WRONG_PASSWORD),
  );
  {
    await using agent = new HttpAgent({ proxy: wrong });
    const error = await agent.fetch("http://localhost:18080/hello.txt").catch((e) => e);
    assert.ok(error instanceof SocksProxyError, String(error));
    assert.ok(!error.message.includes(WRONG_PASSWORD), error.message);
  }
  // The password listener refuses a client offering no authentication.
  await assert.rejects(ftp({ proxy: "socks5h://127.0.0.1:11080" }), SocksProxyError);
  // Only loopback targets: Dante answers "not allowed by ruleset" (2) without
  // connecting anywhere (192.0.2.1 is TEST-NET-1).
  await using agent = new HttpAgent({ proxy: SOCKS_OPEN });
  const error = await agent.fetch("http://192.0.2.1/").catch((e) => e);
  assert.ok(error instanceof SocksProxyError, String(error));
  assert.equal(error.reply, 2);
});
