// Copyright 2026 the portline authors. MIT license.
// Shared fixtures of the SMTP tests: a scripted raw server for misbehaving
// peers, and text helpers.
import { BufferedReader, type Conn, listen, type Listener } from "../../protocols/_core/mod.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** A raw server running `script` for each connection; close() waits for the scripts. */
export interface RawServer {
  port: number;
  close(): Promise<void>;
}

/** Starts a raw TCP server whose connections are handled by `script`. */
export async function rawServer(
  script: (
    conn: Conn,
    reader: BufferedReader,
    write: (text: string) => Promise<void>,
  ) => Promise<void>,
  options: { tls?: { cert: string; key: string } } = {},
): Promise<RawServer> {
  const listener: Listener = await listen({ port: 0, tls: options.tls });
  const running: Promise<void>[] = [];
  const conns: Conn[] = [];
  const loop = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const reader = new BufferedReader(conn);
      const write = (text: string) => conn.write(enc.encode(text));
      running.push(script(conn, reader, write).catch(() => {}).finally(() => conn.close()));
    }
  })();
  return {
    port: listener.addr.port,
    async close() {
      listener.close();
      for (const conn of conns) conn.close();
      await loop;
      await Promise.allSettled(running);
    },
  };
}

/** The standard EHLO reply of the raw servers. */
export const EHLO_REPLY = "250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";

/** A message of `size` bytes: headers and lines of text. */
export function message(size: number, subject = "test"): string {
  const head = `From: ann@example.org\r\nTo: bob@example.org\r\nSubject: ${subject}\r\n\r\n`;
  const line = "The quick brown fox jumps over the lazy dog 0123456789.\r\n";
  let body = "";
  while (head.length + body.length + line.length <= size) body += line;
  return head + body + "x".repeat(Math.max(0, size - head.length - body.length - 2)) + "\r\n";
}
