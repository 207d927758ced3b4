// Copyright 2026 the portline authors. MIT license.
/**
 * Request body upload: iteration over any body source and the coalescing
 * writer (chunked framing when the length is unknown).
 *
 * @module
 */
import { PortlineError } from "../_core/mod.ts";
import { HttpBodyError } from "./errors.ts";

const COALESCE = 256 * 1024;
const IDLE = Symbol("idle");
const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const LAST_CHUNK = encoder.encode("0\r\n\r\n");

/** Resolves after a few microtask turns: long enough for a ready async generator. */
function soon(): Promise<typeof IDLE> {
  return Promise.resolve().then(() => {}).then(() => {}).then(() => {}).then(() => IDLE);
}

function isAsyncIterable(v: unknown): v is AsyncIterable<Uint8Array> {
  return typeof v === "object" && v !== null && Symbol.asyncIterator in v;
}

/** A streamed request body. */
export type BodySourceStream =
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** Iterates a body source, with a way to give up on it. */
export function iterate(source: BodySourceStream): {
  next(): Promise<IteratorResult<Uint8Array>>;
  cancel(reason?: unknown): void;
} {
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      cancel: (reason) => void reader.cancel(reason).catch(() => {}),
    };
  }
  const it = isAsyncIterable(source)
    ? source[Symbol.asyncIterator]()
    : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  return {
    next: () => Promise.resolve(it.next()),
    cancel: () => void Promise.resolve(it.return?.()).catch(() => {}),
  };
}

/**
 * Streams a request body: chunks that are ready are gathered into writes of
 * up to 256 KiB (one chunk per write when chunked); a wait for the source
 * flushes what was gathered. Checks the declared length.
 *
 * @param source The body.
 * @param declared The Content-Length sent, or -1 (chunked).
 * @param chunked Whether to frame chunks.
 * @param write Writes bytes to the connection.
 * @param isOwnFailure Recognises the connection's own abort/timeout reason.
 */
export async function pumpBody(
  source: BodySourceStream,
  declared: number,
  chunked: boolean,
  write: (bytes: Uint8Array) => Promise<void>,
  isOwnFailure: (error: unknown) => boolean,
): Promise<void> {
  const it = iterate(source);
  let sent = 0;
  let parts: Uint8Array[] = [];
  let pending = 0;
  const flush = async (last: boolean) => {
    if (pending === 0 && !(last && chunked)) return;
    let size = pending;
    let prefix: Uint8Array | undefined;
    if (chunked && pending > 0) {
      prefix = encoder.encode(pending.toString(16) + "\r\n");
      size += prefix.byteLength + 2;
    }
    if (last && chunked) size += LAST_CHUNK.byteLength;
    const out = new Uint8Array(size);
    let at = 0;
    if (prefix) {
      out.set(prefix);
      at = prefix.byteLength;
    }
    for (const part of parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    if (prefix) {
      out.set(CRLF, at);
      at += 2;
    }
    if (last && chunked) out.set(LAST_CHUNK, at);
    parts = [];
    pending = 0;
    await write(out);
  };
  try {
    for (;;) {
      const read = it.next();
      if (pending > 0) {
        const first = await Promise.race([read, soon()]);
        if (first === IDLE) await flush(false);
      }
      const { done, value } = await read;
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        throw new HttpBodyError("Cannot send the body: a chunk is not a Uint8Array");
      }
      if (value.byteLength === 0) continue;
      sent += value.byteLength;
      if (declared >= 0 && sent > declared) {
        throw new HttpBodyError(
          `Cannot send the body: longer than the declared Content-Length ${declared}`,
        );
      }
      parts.push(value);
      pending += value.byteLength;
      if (pending >= COALESCE) await flush(false);
    }
    if (declared >= 0 && sent !== declared) {
      throw new HttpBodyError(
        `Cannot send the body: ${sent} bytes instead of the declared Content-Length ${declared}`,
      );
    }
    await flush(true);
  } catch (error) {
    it.cancel(error);
    throw error instanceof PortlineError || isOwnFailure(error)
      ? error
      : new HttpBodyError(`Cannot send the body: ${error}`, { cause: error });
  }
}
