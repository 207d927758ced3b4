// Copyright 2026 the portline authors. MIT license.
// portline/ftp from an installed tarball: FTPS (AUTH TLS, PROT P) against the
// in-process server that, like proftpd's default, refuses data connections
// not resuming the control connection's TLS session; upload from a Buffer and
// a Node Readable, download, and a plain download from CommonJS.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { FtpClient, FtpMemoryFileSystem, FtpServer } from "portline/ftp";

const require = createRequire(import.meta.url);
const cjs = require("portline/ftp");
const certs = (name) => readFileSync(new URL(`./certs/${name}`, import.meta.url), "utf8");

const fs = new FtpMemoryFileSystem({ "/hello.txt": "hello from the FTP server\n" });
const server = await FtpServer.start({
  fs,
  users: { alice: "secret" },
  tls: { cert: certs("cert.pem"), key: certs("key.pem") },
  requireTlsSessionReuse: true,
});
try {
  const client = await FtpClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    user: "alice",
    password: "secret",
    tls: { mode: "starttls", caCerts: [certs("ca.pem")] },
  });
  assert.equal(await client.downloadText("hello.txt"), "hello from the FTP server\n");
  await client.upload("buffer.bin", Buffer.from([0, 1, 2, 255]));
  await client.upload(
    "stream.txt",
    Readable.from([Buffer.from("from a "), Buffer.from("Readable")]),
  );
  assert.deepEqual([...await client.downloadBytes("buffer.bin")], [0, 1, 2, 255]);
  assert.equal(await client.downloadText("stream.txt"), "from a Readable");
  await client.close();

  const plain = await cjs.FtpClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    user: "alice",
    password: "secret",
  });
  assert.equal(await plain.downloadText("hello.txt"), "hello from the FTP server\n");
  await plain.close();
} finally {
  await server.close();
}
console.log(
  "ok ftp: FTPS downloads with TLS session reuse (ESM), Buffer and Readable uploads, plain download (CommonJS)",
);
