// Copyright 2026 the portline authors. MIT license.
/**
 * Mirrors a remote FTP directory into a local one: files that are missing
 * locally or differ in size are downloaded (interrupted downloads resume with
 * REST), optionally over several connections.
 *
 *   deno run -A examples/ftp_sync.ts --host ftp.example.org --user alice \
 *     --password secret --remote /pub --local ./mirror [--tls starttls|implicit|none]
 *     [--ca ca.pem] [--parallel 3] [--active] [--proxy http://user:pass@proxy:3128]
 *
 * Against the interop vsftpd: --host localhost --port 12121 --user ftpuser
 * --password ftppass --remote tree --local /tmp/mirror --tls starttls
 * --ca .interop/certs/ca.pem
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mkdir, readFile, stat } from "node:fs/promises";
import { FtpClient, type FtpFileInfo, type TlsMode } from "@portline/portline/ftp";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    user: { type: "string", default: "anonymous" },
    password: { type: "string" },
    tls: { type: "string" },
    ca: { type: "string" },
    remote: { type: "string", default: "." },
    local: { type: "string", default: "./mirror" },
    parallel: { type: "string", default: "1" },
    active: { type: "boolean", default: false },
    // An HTTP proxy: every connection becomes a CONNECT tunnel (passive mode).
    proxy: { type: "string" },
  },
});

const options = {
  hostname: values.host!,
  port: values.port ? Number(values.port) : undefined,
  user: values.user,
  password: values.password,
  passive: !values.active,
  proxy: values.proxy,
  // Plain FTP unless a mode is named (or the port is 990); a misspelt mode is
  // rejected with a TypeError.
  tls: {
    mode: values.tls as TlsMode | undefined,
    caCerts: values.ca ? [await readFile(values.ca, "utf8")] : undefined,
  },
} as const;

async function localSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** Walks the remote tree and lists the files to fetch. */
async function plan(
  client: FtpClient,
  remote: string,
  local: string,
  out: [string, string, FtpFileInfo][],
) {
  await mkdir(local, { recursive: true });
  for (const entry of await client.list(remote)) {
    if (entry.name.includes("/") || entry.name === "." || entry.name === "..") {
      continue;
    }
    const from = `${remote}/${entry.name}`;
    const to = `${local}/${entry.name}`;
    if (entry.type === "directory") await plan(client, from, to, out);
    else if (entry.type === "file" && (await localSize(to)) !== entry.size) {
      out.push([from, to, entry]);
    }
  }
}

const main = await FtpClient.connect(options);
try {
  const todo: [string, string, FtpFileInfo][] = [];
  await plan(main, values.remote!, values.local!, todo);
  console.log(`${todo.length} file(s) to fetch`);
  const workers = [main];
  for (let i = 1; i < Math.min(Number(values.parallel), todo.length); i++) {
    workers.push(await main.clone());
  }
  let next = 0;
  await Promise.all(workers.map(async (client) => {
    while (next < todo.length) {
      const [from, to, entry] = todo[next++]!;
      const have = await localSize(to);
      // A shorter local file is an interrupted download: continue it.
      const resume = have !== undefined && entry.size !== undefined &&
        have < entry.size;
      const result = await client.downloadTo(from, to, { resume });
      console.log(
        `${resume ? "resumed" : "fetched"} ${from} (${result.bytes} bytes, ${
          (result.bytesPerSecond / 1e6).toFixed(1)
        } MB/s)`,
      );
    }
  }));
  await Promise.all(workers.slice(1).map((client) => client.close()));
} finally {
  await main.close();
}
