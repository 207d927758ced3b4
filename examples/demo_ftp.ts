// Copyright 2026 the portline authors. MIT license.
/**
 * The FTP step of `deno task demo`: starts the in-process FTP server, uploads
 * a small tree, lists it (MLSD), downloads a file back with progress, and
 * aborts a transfer half-way to show the connection stays usable.
 *
 * @module
 */
import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";

/** Runs the FTP demo against an in-process server and prints what happens. */
export async function demoFtp(): Promise<void> {
  const fs = new FtpMemoryFileSystem({
    "/pub/welcome.txt": "Welcome to the portline FTP demo\n",
  });
  await using server = await FtpServer.start({ fs, users: { ann: "secret" } });
  console.log(`ftp: in-process server on 127.0.0.1:${server.port}`);
  await using client = await FtpClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    user: "ann",
    password: "secret",
  });
  console.log(
    `ftp: logged in; server features ${[...client.features.keys()].join(" ")}`,
  );

  const report = new TextEncoder().encode(
    "month,total\nJanuary,42\nFebruary,57\n".repeat(20_000),
  );
  await client.mkdir("reports/2026", { recursive: true });
  const up = await client.upload("reports/2026/totals.csv", report);
  await client.upload("reports/2026/notes.txt", "first line\n");
  await client.upload("reports/2026/notes.txt", "appended line\n", {
    append: true,
  });
  console.log(
    `ftp: uploaded totals.csv (${up.bytes} bytes) and appended to notes.txt`,
  );

  for (const entry of await client.list("reports/2026")) {
    console.log(
      `ftp:   ${entry.type.padEnd(9)} ${String(entry.size).padStart(8)}  ${entry.name}`,
    );
  }

  let updates = 0;
  const text = await client.downloadText("reports/2026/notes.txt");
  const bytes = await client.downloadBytes("reports/2026/totals.csv", {
    onProgress: () => updates++,
  });
  console.log(`ftp: downloaded notes.txt: ${JSON.stringify(text)}`);
  console.log(
    `ftp: downloaded totals.csv: ${bytes.byteLength} bytes, ${updates} progress update(s)`,
  );

  const controller = new AbortController();
  const stream = await client.download("reports/2026/totals.csv", {
    signal: controller.signal,
  });
  const reader = stream.getReader();
  await reader.read();
  controller.abort(new Error("stopped by the demo"));
  await reader.read().catch((error) => console.log(`ftp: transfer aborted (${error.message})`));
  console.log(
    `ftp: connection still usable, current directory ${await client.pwd()}`,
  );
}

if (import.meta.main) await demoFtp();
