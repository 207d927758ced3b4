// Copyright 2026 the portline authors. MIT license.
// Shared setup: an in-process server and a logged-in client, always closed.
import {
  FtpClient,
  type FtpClientOptions,
  FtpMemoryFileSystem,
  FtpServer,
  type FtpServerOptions,
} from "../../protocols/ftp/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";

export { CA_CERT, SERVER_TLS };

/** A few MB of varied bytes (not all equal, so offsets matter). */
export function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 10)) & 255;
  return bytes;
}

export interface Setup {
  server: FtpServer;
  client: FtpClient;
  fs: FtpMemoryFileSystem;
  commands: string[];
}

export async function withFtp(
  options: {
    server?: FtpServerOptions;
    client?: Partial<FtpClientOptions>;
    files?: Record<string, string | Uint8Array>;
  },
  fn: (setup: Setup) => Promise<void>,
): Promise<void> {
  const fs = new FtpMemoryFileSystem(options.files ?? {});
  const commands: string[] = [];
  const server = await FtpServer.start({
    fs,
    users: { alice: "secret" },
    onCommand: (line) => commands.push(line),
    ...options.server,
  });
  let client: FtpClient | undefined;
  try {
    client = await FtpClient.connect({
      hostname: "127.0.0.1",
      port: server.port,
      user: "alice",
      password: "secret",
      timeoutMs: 5000,
      ...options.client,
    });
    await fn({ server, client, fs, commands });
  } finally {
    await client?.close();
    await server.close();
  }
}
