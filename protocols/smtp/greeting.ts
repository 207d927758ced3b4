// Copyright 2026 the portline authors. MIT license.
/**
 * Reads the server's greeting, and tells a TLS port from an SMTP one when
 * the greeting is TLS records, or when the server stays silent (a second
 * short connection then probes the port).
 *
 * @module
 */
import type { Session } from "../_core/session.ts";
import type { Reply } from "../_core/reply.ts";
import { TlsError } from "../_core/errors.ts";
import { probeSmtpPort } from "./tls_probe.ts";
import { smtpReplyError } from "./transaction.ts";

/** Where the session goes and how long to wait before probing. */
export interface SmtpGreetingOptions {
  /** The server's name, for messages and the probe. */
  hostname: string;
  /** The server's port. */
  port: number;
  /** Silence before the probe starts; 0 for no probe. */
  probeDelayMs: number;
  /** The session's timeout. */
  timeoutMs: number;
}

function tlsMismatch(options: SmtpGreetingOptions, why: string, cause?: unknown): TlsError {
  return new TlsError(
    `Cannot read the greeting of "${options.hostname}": port ${options.port} ${why}; use tls: 'implicit'`,
    cause === undefined ? undefined : { cause },
  );
}

/** Reads the greeting; binary bytes instead of a reply mean a TLS server. */
async function greetingReply(session: Session, options: SmtpGreetingOptions): Promise<Reply> {
  try {
    return await session.readReply({ enhanced: true });
  } catch (error) {
    const reader = session.reader;
    const head = reader.buffered > 0 ? await reader.readChunk(8) : null;
    const text = error instanceof Error ? error.message : "";
    const quote = text.indexOf('"');
    const first = head ? head[0] : text.charCodeAt(quote + 1);
    const second = head ? head[1] : text.charCodeAt(quote + 2);
    if ((first === 0x15 || first === 0x16) && second === 0x03) {
      throw tlsMismatch(options, "sent TLS records; it speaks implicit TLS", error);
    }
    throw error;
  }
}

/**
 * Reads the 220 greeting of a session whose lock the caller holds.
 *
 * @param session The new session.
 * @param options Server, probe delay and timeout.
 * @returns The greeting's text.
 * @throws {TlsError} When the port turns out to speak implicit TLS.
 * @throws {SmtpReplyError} When the server refuses the session (554).
 */
export async function readSmtpGreeting(
  session: Session,
  options: SmtpGreetingOptions,
): Promise<string> {
  const stop = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let probing: Promise<void> | undefined;
  const mismatch = new Promise<never>((_, reject) => {
    if (options.probeDelayMs <= 0) return;
    timer = setTimeout(() => {
      if (session.reader.buffered > 0) return;
      probing = probeSmtpPort(options.hostname, options.port, {
        timeoutMs: Math.min(options.timeoutMs, 3000),
        signal: stop.signal,
      }).then((kind) => {
        if (kind !== "tls" || stop.signal.aborted) return;
        reject(tlsMismatch(options, "speaks implicit TLS"));
        session.destroy();
      });
    }, Math.min(options.probeDelayMs, options.timeoutMs));
  });
  mismatch.catch(() => {});
  const reading = greetingReply(session, options);
  reading.catch(() => {});
  try {
    const reply = await Promise.race([reading, mismatch]);
    if (reply.code !== 220) {
      throw smtpReplyError(`start a session with "${options.hostname}"`, "(greeting)", reply);
    }
    return reply.lines.join("\n");
  } finally {
    clearTimeout(timer);
    stop.abort();
    await probing;
  }
}
