// Copyright 2026 the portline authors. MIT license.
/**
 * The decompression seam: gzip and br through the runtime's
 * `DecompressionStream` (Deno calls br `"brotli"`); deflate, bounded reads
 * and any format the runtime's stream lacks (Node 20 has no brotli) through
 * `node:zlib`, pulled by the reader. The only runtime-dependent code of the
 * HTTP client lives here.
 *
 * @module
 */
import { concatBytes } from "../_core/writer.ts";
import { PortlineError } from "../_core/errors.ts";
import { HttpParseError } from "./errors.ts";
import { bodyTooLarge, checkBodyLimit } from "./_limit.ts";
import type { Transform } from "node:stream";

/**
 * The content codings this client can decode.
 *
 * @example Usage
 * ```ts
 * import { HTTP_CONTENT_CODINGS } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.ok(HTTP_CONTENT_CODINGS.includes("br"));
 * ```
 */
export const HTTP_CONTENT_CODINGS: readonly string[] = Object.freeze([
  "gzip",
  "x-gzip",
  "deflate",
  "br",
]);

type Format = "gzip" | "deflate" | "deflate-raw" | "brotli";
const native = new Map<Format, boolean>();

/** Where a decoder's input comes from: a stream's reader, or one that puts bytes back. */
interface ByteSource {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

/** A `node:zlib` decoder; `bytesWritten` counts the input it consumed. */
type ZlibDecoder = Transform & { readonly bytesWritten: number };

/** A `node:zlib` decoder. */
async function zlibDecoder(format: Format): Promise<ZlibDecoder> {
  const zlib = await import("node:zlib");
  return format === "gzip"
    ? zlib.createGunzip()
    : format === "deflate"
    ? zlib.createInflate()
    : format === "deflate-raw"
    ? zlib.createInflateRaw()
    : zlib.createBrotliDecompress();
}

/** The runtime's `DecompressionStream` for `format`, or undefined where it has none (Node 20: br). */
function nativeDecoder(format: Format): TransformStream<Uint8Array, Uint8Array> | undefined {
  if (native.get(format) === false) return undefined;
  try {
    const stream = new DecompressionStream(format as CompressionFormat);
    native.set(format, true);
    return stream as TransformStream<Uint8Array, Uint8Array>;
  } catch {
    native.set(format, false);
    return undefined;
  }
}

/**
 * `body` decoded by a `node:zlib` decoder, driven by the reader's pulls: one
 * input chunk at a time goes in, and zlib produces at most 16 KiB before it
 * waits for that to be read. Deno's `DecompressionStream` decodes each input
 * chunk whole (1 KiB of brotli can become 64 MiB at once), so a bounded read
 * uses this one.
 */
function zlibStream(
  input: ByteSource,
  open: () => Promise<ZlibDecoder | null>,
): ReadableStream<Uint8Array> {
  // Opened at the first pull (deflate reads its first bytes to pick one);
  // null: an empty body, nothing to decode.
  let zlib: ZlibDecoder | null | undefined;
  let inputDone = false;
  // Bytes handed to zlib: more than it consumed means data after the end of
  // the compressed stream, which node:zlib skips silently and
  // DecompressionStream rejects; rejected here too, so a limit does not
  // change what decodes.
  let fed = 0;
  let feeding = false;
  let ended = false;
  let failure: unknown = undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const fail = (error: unknown) => {
    failure ??= error;
    notify();
  };
  const start = async () => {
    zlib = await open();
    zlib?.on("readable", notify);
    zlib?.on("end", () => {
      ended = true;
      notify();
    });
    zlib?.on("error", fail);
  };
  const feed = (zlib: ZlibDecoder) => {
    feeding = true;
    input.read().then(({ done, value }) => {
      if (done) {
        inputDone = true;
        feeding = false;
        zlib.end();
        notify();
      } else {
        fed += value.byteLength;
        // The callback comes once zlib took all of it in (its output read).
        zlib.write(value, () => {
          feeding = false;
          notify();
        });
      }
    }, (error) => {
      fail(error);
      zlib.destroy();
    });
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (zlib === undefined) await start();
      if (!zlib) return controller.close();
      for (;;) {
        const chunk = zlib.read() as Uint8Array | null;
        if (chunk !== null) {
          // A copy: zlib's output arrays share their memory.
          controller.enqueue(new Uint8Array(chunk));
          return;
        }
        if (failure !== undefined) throw failure;
        if (ended) {
          if (zlib.bytesWritten < fed) {
            throw new Error(
              `${fed - zlib.bytesWritten} bytes after the end of the compressed data`,
            );
          }
          controller.close();
          return;
        }
        const woken = new Promise<void>((resolve) => wake = resolve);
        if (!feeding && !inputDone) feed(zlib);
        await woken;
      }
    },
    cancel(reason) {
      zlib?.destroy();
      return input.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** `body` through one decoder: streaming (bounded) or the fastest at hand. */
function decode(
  body: ReadableStream<Uint8Array>,
  format: Format,
  streaming: boolean,
): ReadableStream<Uint8Array> {
  // node:zlib where the runtime lacks the format too: through Duplex.toWeb
  // it lost a truncated stream's error (Node 20, br) and could enqueue into a
  // cancelled stream (Deno).
  const fast = streaming ? undefined : nativeDecoder(format);
  return fast ? body.pipeThrough(fast) : zlibStream(body.getReader(), () => zlibDecoder(format));
}

/**
 * "deflate" in HTTP means zlib-wrapped data, but some servers send raw
 * deflate: the first two bytes pick the decoder, a streaming `node:zlib` one
 * (Deno's DecompressionStream ends a truncated deflate stream without an
 * error, so a cut body would read as whole). Driven by the reader's pulls.
 */
function inflate(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const input = body.getReader();
  // The bytes read to pick the decoder, handed to it first.
  let head: Uint8Array | undefined;
  const source: ByteSource = {
    read() {
      if (head === undefined) return input.read();
      const value = head;
      head = undefined;
      return Promise.resolve({ done: false, value });
    },
    cancel: (reason) => input.cancel(reason),
  };
  return zlibStream(source, async () => {
    let bytes: Uint8Array = new Uint8Array(0);
    while (bytes.byteLength < 2) {
      const { done, value } = await input.read();
      if (done) {
        if (bytes.byteLength > 0) {
          throw new HttpParseError("Cannot decode the deflate body: truncated data");
        }
        return null;
      }
      bytes = bytes.byteLength === 0 ? value : concatBytes([bytes, value]);
    }
    head = bytes;
    const zlibWrapped = (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
    return await zlibDecoder(zlibWrapped ? "deflate" : "deflate-raw");
  });
}

/** Decodes one coding (lower case). */
function decodeOne(
  body: ReadableStream<Uint8Array>,
  coding: string,
  streaming: boolean,
): ReadableStream<Uint8Array> {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return decode(body, "gzip", streaming);
    case "deflate":
      return inflate(body);
    case "br":
      return decode(body, "brotli", streaming);
    default:
      throw new TypeError(`Cannot decode content coding ${JSON.stringify(coding)}`);
  }
}

/**
 * Whether every coding of a `Content-Encoding` value can be decoded.
 *
 * @example Usage
 * ```ts
 * import { canDecodeHttpCodings, splitHttpCodings } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canDecodeHttpCodings(splitHttpCodings("gzip, br")), true);
 * assert.equal(canDecodeHttpCodings(splitHttpCodings("zstd")), false);
 * ```
 *
 * @param codings The codings, lower case.
 * @returns True when all are supported (or "identity").
 */
export function canDecodeHttpCodings(codings: readonly string[]): boolean {
  return codings.every((c) => c === "identity" || HTTP_CONTENT_CODINGS.includes(c));
}

/**
 * Splits a `Content-Encoding` value into lower-case codings.
 *
 * @example Usage
 * ```ts
 * import { splitHttpCodings } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(splitHttpCodings("GZIP , br"), ["gzip", "br"]);
 * ```
 *
 * @param value The header value.
 * @returns The codings in the order they were applied.
 */
export function splitHttpCodings(value: string): string[] {
  return value.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c.length > 0);
}

/**
 * Options of {@linkcode decodeHttpBody}.
 *
 * @example A bounded decode
 * ```ts
 * import { decodeHttpBody, type HttpDecodeOptions, HttpLimitError } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const options: HttpDecodeOptions = { maxBytes: 1000 };
 * const gz = new Response("x".repeat(5000)).body!.pipeThrough(new CompressionStream("gzip"));
 * const decoded = await decodeHttpBody(gz, ["gzip"], options);
 * await assert.rejects(new Response(decoded).arrayBuffer(), HttpLimitError);
 * ```
 */
export interface HttpDecodeOptions {
  /**
   * The most decoded bytes to let through (a non-negative integer): when
   * more come, the stream errors with {@linkcode HttpLimitError} (the bytes
   * past the limit are not handed out) and `body` is cancelled (an HTTP
   * connection's body cancelled closes the connection). With a limit every
   * coding is decoded by a streaming `node:zlib` decoder, which produces at
   * most 16 KiB at a time and waits for the reader, so a decompression bomb
   * never grows in memory much past the limit (the runtime's
   * `DecompressionStream` decodes each input chunk whole: in Deno, 1 KiB of
   * brotli can become 64 MiB at once). With no codings to decode, the bytes
   * of `body` are counted. No limit by default.
   */
  maxBytes?: number;
}

/**
 * Decodes a body through its codings, last applied first.
 *
 * @example Usage
 * ```ts
 * import { decodeHttpBody } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const gz = new Response("hello").body!.pipeThrough(new CompressionStream("gzip"));
 * const text = await new Response(await decodeHttpBody(gz, ["gzip"])).text();
 * assert.equal(text, "hello");
 * ```
 *
 * @param body The encoded bytes.
 * @param codings The codings in the order they were applied (`identity` is skipped).
 * @param options `maxBytes`: the most decoded bytes (no limit by default).
 * @returns The decoded bytes; reading them fails with `HttpParseError` when
 * the data is corrupt or truncated, with `HttpLimitError` past `maxBytes`
 * (an error of `body` itself passes through).
 * @throws {TypeError} For an unsupported coding.
 * @throws {InvalidArgumentError} When `maxBytes` is not a non-negative integer.
 */
// Async although nothing in it waits now: an unsupported coding or a bad
// limit rejects the returned promise, as documented, rather than throwing.
// deno-lint-ignore require-await
export async function decodeHttpBody(
  body: ReadableStream<Uint8Array>,
  codings: readonly string[],
  options: HttpDecodeOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const maxBytes = options.maxBytes === undefined
    ? undefined
    : checkBodyLimit(options.maxBytes, "maxBytes");
  const streaming = maxBytes !== undefined;
  let stream = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    if (coding === "identity") continue;
    stream = decodeOne(stream, coding, streaming);
  }
  if (stream === body && maxBytes === undefined) return body;
  return guarded(stream, stream === body ? [] : codings, maxBytes ?? Infinity);
}

/**
 * `stream` with the decoders' own errors (a `TypeError` from
 * `DecompressionStream`, a plain `Error` with a zlib code from `node:zlib`:
 * they differ by runtime) turned into `HttpParseError`; our errors from the
 * body underneath (a premature close, a timeout) pass unchanged. Past
 * `maxBytes` it errors with `HttpLimitError` and cancels `stream`.
 */
function guarded(
  stream: ReadableStream<Uint8Array>,
  codings: readonly string[],
  maxBytes: number,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        controller.error(
          error instanceof PortlineError || codings.length === 0 ? error : new HttpParseError(
            `Cannot decode the ${codings.join(", ")} body: ${(error as Error)?.message ?? error}`,
            { cause: error },
          ),
        );
        return;
      }
      if (result.done) {
        controller.close();
        return;
      }
      total += result.value.byteLength;
      if (total > maxBytes) {
        const error = bodyTooLarge(
          maxBytes,
          codings.length === 0 ? "" : ` decoded from ${codings.join(", ")}`,
        );
        controller.error(error);
        // Cancelling the decoders cancels the body: its connection closes.
        await reader.cancel(error).catch(() => {});
        return;
      }
      controller.enqueue(result.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
