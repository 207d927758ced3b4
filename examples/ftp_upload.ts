// Copyright 2026 the portline authors. MIT license.
/**
 * Uploads a file (or a directory tree) to an FTP server with a progress line.
 *
 *   deno run -A examples/ftp_upload.ts --host ftp.example.org --user alice \
 *     --password secret [--tls starttls|implicit|none] [--ca ca.pem] \
 *     [--append] [--parallel 3] <local path> <remote path>
 *
 * Against the interop vsftpd: --host localhost --port 12121 --user ftpuser
 * --password ftppass --tls starttls --ca .interop/certs/ca.pem
 * README.md upload/README.md
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readFile, stat } from "node:fs/promises";
import { FtpClient, type TlsMode } from "@portline/portline/ftp";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    user: { type: "string", default: "anonymous" },
    password: { type: "string" },
    tls: { type: "string" },
    ca: { type: "string" },
    append: { type: "boolean", default: false },
    parallel: { type: "string", default: "1" },
  },
});
const [localPath, remotePath] = positionals;
if (!localPath || !remotePath) {
  console.error("usage: ftp_upload.ts [options] <local path> <remote path>");
  Deno.exit(2);
}

await using client = await FtpClient.connect({
  hostname: values.host!,
  port: values.port ? Number(values.port) : undefined,
  user: values.user,
  password: values.password,
  // Plain FTP unless a mode is named (or the port is 990); splitTlsSetting
  // rejects a misspelt mode with a TypeError.
  tls: {
    mode: values.tls as TlsMode | undefined,
    caCerts: values.ca ? [await readFile(values.ca, "utf8")] : undefined,
  },
});

if ((await stat(localPath)).isDirectory()) {
  const result = await client.uploadDir(localPath, remotePath, {
    concurrency: Number(values.parallel),
    onFile: (file) => console.log(`uploaded ${file.path} (${file.bytes} bytes)`),
  });
  console.log(
    `${result.files} files, ${result.directories} directories, ${result.bytes} bytes`,
  );
} else {
  const result = await client.uploadFrom(localPath, remotePath, {
    append: values.append,
    onProgress: (p) => {
      const percent = p.totalBytes ? ` ${(100 * p.bytes / p.totalBytes).toFixed(0)}%` : "";
      console.log(
        `${p.bytes} bytes${percent} at ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s`,
      );
    },
  });
  console.log(
    `uploaded ${remotePath}: ${result.bytes} bytes in ${result.elapsedMs} ms`,
  );
}
