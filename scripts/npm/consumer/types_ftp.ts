// Copyright 2026 the portline authors. MIT license.
import { Readable } from "node:stream";
import { FtpClient, type FtpClientOptions, type FtpFileInfo, FtpServer } from "portline/ftp";

export async function names(options: FtpClientOptions): Promise<string[]> {
  const server = await FtpServer.start({ users: { alice: "secret" } });
  const client = await FtpClient.connect({ ...options, port: server.port });
  try {
    await client.upload("a.txt", Readable.from(["text"]));
    const entries: FtpFileInfo[] = await client.list();
    return entries.map((e) => e.name);
  } finally {
    await client.close();
    await server.close();
  }
}
