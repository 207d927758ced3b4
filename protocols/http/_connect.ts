// Copyright 2026 the portline authors. MIT license.
/**
 * Connecting with the connect phase's timeout mapped to an HTTP error.
 *
 * @module
 */
import { type Conn, connect, TimeoutError, type TlsOptions } from "../_core/mod.ts";
import { HttpTimeoutError } from "./errors.ts";

/**
 * Opens a connection; a timeout becomes an `HttpTimeoutError` (phase "connect").
 *
 * @param options Where, TLS, signal, timeout.
 * @returns The connection.
 */
export async function connectTimed(options: {
  hostname: string;
  port: number;
  tls?: boolean | TlsOptions | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs: number;
}): Promise<Conn> {
  try {
    return await connect({
      hostname: options.hostname,
      port: options.port,
      tls: options.tls,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    if (error instanceof TimeoutError && !(error instanceof HttpTimeoutError)) {
      throw new HttpTimeoutError(error.message, { phase: "connect", cause: error });
    }
    throw error;
  }
}
