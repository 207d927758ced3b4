// Copyright 2026 the portline authors. MIT license.
/**
 * Request bodies in every form `fetch` accepts, turned into bytes or a
 * re-openable stream with a known or unknown length.
 *
 * @module
 */
import { encodeHttpMultipart } from "./multipart.ts";

/** What a request body may be. */
export type HttpBodyInit =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | FormData
  | URLSearchParams
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** A request body ready to send. */
export interface HttpPreparedBody {
  /** The whole body, when it is in memory. */
  bytes?: Uint8Array;
  /** Opens the body as a stream (again, when `replayable`). */
  open?: () => ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  /** The length in bytes, or -1 when unknown (sent chunked). */
  length: number;
  /** The Content-Type to send when the caller set none, or `null`. */
  contentType: string | null;
  /** Whether the body can be sent again (redirects 307/308, auth retries). */
  replayable: boolean;
}

const encoder = new TextEncoder();

/** A body held in memory: its length is known and it can be sent again. */
function inMemory(bytes: Uint8Array, contentType: string | null): HttpPreparedBody {
  return { bytes, length: bytes.byteLength, contentType, replayable: true };
}

/**
 * Normalises a request body: strings (UTF-8), bytes, Blobs, `FormData`
 * (multipart), `URLSearchParams`, streams and (async) iterables.
 *
 * @example Usage
 * ```ts
 * import { prepareHttpBody } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const body = prepareHttpBody(new URLSearchParams({ q: "a b" }))!;
 * assert.equal(body.contentType, "application/x-www-form-urlencoded;charset=UTF-8");
 * assert.equal(new TextDecoder().decode(body.bytes), "q=a+b");
 * ```
 *
 * @param body The body, or null/undefined for none.
 * @returns The prepared body, or `null` for none.
 */
export function prepareHttpBody(body: HttpBodyInit | null | undefined): HttpPreparedBody | null {
  if (body === null || body === undefined) return null;
  if (typeof body === "string") return inMemory(encoder.encode(body), "text/plain;charset=UTF-8");
  if (body instanceof Uint8Array) return inMemory(body, null);
  if (body instanceof ArrayBuffer) return inMemory(new Uint8Array(body), null);
  if (ArrayBuffer.isView(body)) {
    return inMemory(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), null);
  }
  if (body instanceof URLSearchParams) {
    return inMemory(
      encoder.encode(body.toString()),
      "application/x-www-form-urlencoded;charset=UTF-8",
    );
  }
  if (body instanceof FormData) {
    const multipart = encodeHttpMultipart(body);
    return {
      open: multipart.open,
      length: multipart.length,
      contentType: multipart.contentType,
      replayable: true,
    };
  }
  if (body instanceof Blob) {
    const blob = body;
    return {
      open: () => blob.stream(),
      length: blob.size,
      contentType: blob.type || null,
      replayable: true,
    };
  }
  if (body instanceof ReadableStream) {
    let used = false;
    return {
      open: () => {
        if (used) throw new TypeError("Cannot send the body again: a ReadableStream is read once");
        used = true;
        return body;
      },
      length: -1,
      contentType: null,
      replayable: false,
    };
  }
  const iterable = body as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  if (Symbol.asyncIterator in iterable || Symbol.iterator in iterable) {
    let used = false;
    return {
      open: () => {
        if (used) throw new TypeError("Cannot send the body again: an iterable is read once");
        used = true;
        return toAsync(iterable);
      },
      length: -1,
      contentType: null,
      replayable: false,
    };
  }
  throw new TypeError(`Cannot send a body of type ${typeof body}`);
}

async function* toAsync(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* source as AsyncIterable<Uint8Array>;
}
