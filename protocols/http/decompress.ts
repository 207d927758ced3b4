// Copyright 2026 the portline authors. MIT license.
/**
 * The decompression seam: gzip, deflate and br through the runtime's
 * `DecompressionStream` (Deno calls br `"brotli"`), falling back to
 * `node:zlib` for any format the runtime's stream lacks (Node 20 has no
 * brotli). The only runtime-dependent code of the HTTP client lives here.
 *
 * @module
 */
import { concatBytes } from "../_core/writer.ts";
import { PortlineError } from "../_core/errors.ts";
import { HttpParseError } from "./errors.ts";

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

/** A decoder from `DecompressionStream`, or `node:zlib` where it lacks the format. */
async function decoder(format: Format): Promise<TransformStream<Uint8Array, Uint8Array>> {
  if (native.get(format) !== false) {
    try {
      const stream = new DecompressionStream(format as CompressionFormat);
      native.set(format, true);
      return stream as TransformStream<Uint8Array, Uint8Array>;
    } catch {
      native.set(format, false);
    }
  }
  const zlib = await import("node:zlib");
  const { Duplex } = await import("node:stream");
  const make = format === "gzip"
    ? zlib.createGunzip
    : format === "deflate"
    ? zlib.createInflate
    : format === "deflate-raw"
    ? zlib.createInflateRaw
    : zlib.createBrotliDecompress;
  return Duplex.toWeb(make()) as unknown as TransformStream<Uint8Array, Uint8Array>;
}

/**
 * "deflate" in HTTP means zlib-wrapped data, but some servers send raw
 * deflate: look at the first two bytes and pick the right decoder.
 */
function deflateStream(): TransformStream<Uint8Array, Uint8Array> {
  let inner: TransformStream<Uint8Array, Uint8Array> | undefined;
  let writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  let pump: Promise<void> | undefined;
  let head: Uint8Array | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      if (!inner) {
        const bytes = head ? concatBytes([head, chunk]) : chunk;
        if (bytes.byteLength < 2) {
          head = bytes;
          return;
        }
        head = undefined;
        const zlibWrapped = (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
        inner = await decoder(zlibWrapped ? "deflate" : "deflate-raw");
        writer = inner.writable.getWriter();
        const reader = inner.readable.getReader();
        pump = (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            controller.enqueue(value);
          }
        })();
        pump.catch(() => {});
        chunk = bytes;
      }
      await writer!.write(chunk);
    },
    async flush() {
      if (!inner) {
        if (head) throw new HttpParseError("Cannot decode the deflate body: truncated data");
        return;
      }
      await writer!.close();
      await pump;
    },
  });
}

async function decoderFor(coding: string): Promise<TransformStream<Uint8Array, Uint8Array>> {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return await decoder("gzip");
    case "deflate":
      return deflateStream();
    case "br":
      return await decoder("brotli");
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
 * @returns The decoded bytes; reading them fails with `HttpParseError` when
 * the data is corrupt or truncated (an error of `body` itself passes through).
 * @throws {TypeError} For an unsupported coding.
 */
export async function decodeHttpBody(
  body: ReadableStream<Uint8Array>,
  codings: readonly string[],
): Promise<ReadableStream<Uint8Array>> {
  let stream = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    if (coding === "identity") continue;
    stream = stream.pipeThrough(await decoderFor(coding));
  }
  return stream === body ? body : typedErrors(stream, codings);
}

/**
 * `stream` with the decoders' own errors (a `TypeError` from
 * `DecompressionStream`, a plain `Error` with a zlib code from `node:zlib`:
 * they differ by runtime) turned into `HttpParseError`; our errors from the
 * body underneath (a premature close, a timeout) pass unchanged.
 */
function typedErrors(
  stream: ReadableStream<Uint8Array>,
  codings: readonly string[],
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        controller.error(
          error instanceof PortlineError ? error : new HttpParseError(
            `Cannot decode the ${codings.join(", ")} body: ${(error as Error)?.message ?? error}`,
            { cause: error },
          ),
        );
        return;
      }
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
