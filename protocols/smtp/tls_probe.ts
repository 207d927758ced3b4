// Copyright 2026 the portline authors. MIT license.
/**
 * Tells implicit TLS from plain SMTP on a port, so a TLS mode that does not
 * match the port gives an error that says so (instead of "wrong version
 * number" or a greeting that never comes). A second, short connection sends
 * a TLS ClientHello and looks at the first bytes of the answer: a TLS record
 * (handshake or alert) or an SMTP reply code.
 *
 * @module
 */
import { connect } from "../_core/transport.ts";
import type { Conn } from "../_core/transport.ts";
import { withDeadline } from "../_core/deadline.ts";

/** What a port speaks, as far as a probe can tell. */
export type SmtpPortKind = "tls" | "plain" | "unknown";

/**
 * Classifies the first bytes a server sent: a TLS record header (handshake
 * 0x16 or alert 0x15, version 3.x) or a three-digit reply code.
 *
 * @example Usage
 * ```ts
 * import { classifySmtpGreeting } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(classifySmtpGreeting(new TextEncoder().encode("220 mx ESMTP")), "plain");
 * assert.equal(classifySmtpGreeting(new Uint8Array([0x16, 0x03, 0x03, 0x00, 0x7a])), "tls");
 * assert.equal(classifySmtpGreeting(new Uint8Array([0xff])), "unknown");
 * ```
 *
 * @param bytes The first bytes received.
 * @returns What they look like.
 */
export function classifySmtpGreeting(bytes: Uint8Array): SmtpPortKind {
  if (bytes.byteLength >= 2 && (bytes[0] === 0x16 || bytes[0] === 0x15) && bytes[1] === 0x03) {
    return "tls";
  }
  if (bytes.byteLength >= 3 && bytes.subarray(0, 3).every((b) => b >= 0x30 && b <= 0x39)) {
    return "plain";
  }
  return "unknown";
}

/** A TLS 1.2/1.3 ClientHello without SNI; any TLS server answers it. */
function clientHello(): Uint8Array {
  const suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c];
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const ext = (type: number, body: number[]) => [...u16(type), ...u16(body.length), ...body];
  const groups = [0x001d, 0x0017, 0x0018].flatMap(u16);
  const sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601].flatMap(u16);
  const extensions = [
    ...ext(0x000a, [...u16(groups.length), ...groups]),
    ...ext(0x000b, [1, 0]),
    ...ext(0x000d, [...u16(sigs.length), ...sigs]),
    ...ext(0x002b, [4, 3, 4, 3, 3]),
    ...ext(0x0033, [0, 0]),
  ];
  const random = crypto.getRandomValues(new Uint8Array(32));
  const hello = [
    3,
    3,
    ...random,
    0,
    ...u16(suites.length * 2),
    ...suites.flatMap(u16),
    1,
    0,
    ...u16(extensions.length),
    ...extensions,
  ];
  const handshake = [1, 0, ...u16(hello.length), ...hello];
  return new Uint8Array([0x16, 3, 1, ...u16(handshake.length), ...handshake]);
}

/**
 * Finds out whether a TCP port speaks TLS from the first byte or plain SMTP,
 * on a separate short-lived connection.
 *
 * @example Usage
 * ```ts ignore
 * import { probeSmtpPort } from "@portline/portline/smtp";
 * console.log(await probeSmtpPort("smtp.example.org", 465)); // "tls"
 * ```
 *
 * @param hostname The server.
 * @param port The port.
 * @param options How long to wait, and a signal to stop early.
 * @returns `"tls"`, `"plain"`, or `"unknown"` when the probe learnt nothing.
 */
export async function probeSmtpPort(
  hostname: string,
  port: number,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SmtpPortKind> {
  const timeoutMs = options.timeoutMs ?? 2000;
  let conn: Conn | undefined;
  try {
    conn = await connect({ hostname, port, timeoutMs, signal: options.signal });
    const opened = conn;
    await opened.write(clientHello());
    const buffer = new Uint8Array(8);
    let have = 0;
    while (have < 3) {
      const n = await withDeadline(opened.read(buffer.subarray(have)), "probe", {
        timeoutMs,
        signal: options.signal,
      }, () => opened.close());
      if (n === null) break;
      have += n;
      if (classifySmtpGreeting(buffer.subarray(0, have)) === "tls") break;
    }
    return classifySmtpGreeting(buffer.subarray(0, have));
  } catch {
    return "unknown";
  } finally {
    conn?.close();
  }
}
