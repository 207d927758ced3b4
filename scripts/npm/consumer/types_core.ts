// Copyright 2026 the portline authors. MIT license.
// Type-checked by the consumer test against the shipped .d.ts files.
import { Buffer } from "node:buffer";
import {
  BufferedReader,
  type Conn,
  connect,
  memoryConn,
  PortlineError,
  readReply,
  TimeoutError,
  type TlsOptions,
} from "portline/core";
import { TlsError } from "portline";

export async function firstReplyCode(): Promise<number> {
  const conn: Conn = memoryConn([Buffer.from("220 ready\r\n")]);
  const reply = await readReply(new BufferedReader(conn));
  return reply.code;
}

export async function open(tls: TlsOptions): Promise<Conn> {
  const conn = await connect({ hostname: "127.0.0.1", port: 25, tls, timeoutMs: 1000 });
  await conn.write(Buffer.from("QUIT\r\n"));
  return conn;
}

export function describe(error: unknown): string {
  if (error instanceof TimeoutError || error instanceof TlsError) return error.code;
  return error instanceof PortlineError ? error.message : String(error);
}
