// Copyright 2026 the portline authors. MIT license.
/**
 * The response of an {@linkcode HttpConnection} exchange: status, raw header
 * list, body stream (or the whole body when it came with the head) and
 * trailers.
 *
 * @module
 */
import {
  type HttpFraming,
  type HttpHeaderList,
  httpHeaderValue,
  type HttpResponseHead,
} from "./parse.ts";

import { sourceStream } from "./_body_stream.ts";
import { concatBytes } from "../_core/writer.ts";
import { bodyTooLarge, checkBodyLimit } from "./_limit.ts";

/** The most bytes `bytes()` allocates from a declared length before they arrive (8 MiB). */
const PREALLOCATE_LIMIT = 8 * 1024 * 1024;

const utf8Decoder = new TextDecoder();
// Where discarded body bytes go; concurrent discards may share it.
let scratch: Uint8Array | undefined;

/**
 * A pull source of response body bytes, what {@linkcode HttpConnection}
 * hands to {@linkcode HttpResponse}: reading a body whole, or into the
 * caller's buffers, needs no `ReadableStream`.
 */
export interface HttpBodySource {
  /**
   * Reads the next piece into a new array owned by the caller.
   *
   * @returns The bytes, or `null` at the end of the body.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Reads the next piece into `view` (straight from the socket when nothing
   * is buffered: no allocation, no copy).
   *
   * @param view Where to put the bytes.
   * @returns How many bytes were written, or `null` at the end of the body.
   */
  readInto(view: Uint8Array): Promise<number | null>;
  /**
   * Gives up on the rest of the body.
   *
   * @param reason Why.
   */
  cancel(reason?: unknown): void;
}

/**
 * Options of {@linkcode HttpResponse.bytes} and {@linkcode HttpResponse.text}.
 *
 * @example A bounded read
 * ```ts
 * import { HttpConnection, HttpLimitError, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("GET", "/big", () => ({ body: "x".repeat(100_000) }));
 * await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
 * const response = await conn.request({ target: "/big" });
 * await assert.rejects(response.text({ maxBytes: 65536 }), HttpLimitError);
 * assert.equal(conn.closed, true); // the unread rest of the body went with the connection
 * ```
 */
export interface HttpBodyReadOptions {
  /**
   * The most body bytes to read into memory (a non-negative integer): a
   * larger body fails with {@linkcode HttpLimitError}. A Content-Length
   * over the limit fails before any body byte is read; a chunked or
   * close-delimited body fails as soon as the bytes read pass the limit
   * (never holding more than the limit plus one read). The connection is
   * closed then, unless the whole body had already arrived. No limit by
   * default.
   */
  maxBytes?: number;
}

/** Reads a stream whole, failing (and cancelling it) past `maxBytes`. */
async function readLimited(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      const error = bodyTooLarge(maxBytes);
      await reader.cancel(error).catch(() => {});
      throw error;
    }
    pieces.push(value);
  }
  return pieces.length === 1 ? pieces[0]! : concatBytes(pieces, total);
}

function isSource(body: unknown): body is HttpBodySource {
  return typeof (body as HttpBodySource).readInto === "function";
}

/** A source over bytes already in memory (copies: they may be shared). */
function bytesSource(bytes: Uint8Array): HttpBodySource {
  let at = 0;
  return {
    read() {
      if (at >= bytes.byteLength) return Promise.resolve(null);
      const out = bytes.slice(at);
      at = bytes.byteLength;
      return Promise.resolve(out);
    },
    readInto(view) {
      if (at >= bytes.byteLength) return Promise.resolve(null);
      const n = Math.min(view.byteLength, bytes.byteLength - at);
      view.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    cancel() {
      at = bytes.byteLength;
    },
  };
}

/**
 * A response from an {@linkcode HttpConnection}. Read the body (or cancel
 * it) before the next request: the connection is reused only after the
 * whole body was read.
 *
 * @example Usage
 * ```ts
 * import { HttpConnection, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("GET", "/", () => ({ body: "hi", headers: { "X-A": "1" } }));
 * await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
 * const response = await conn.request({ target: "/" });
 * assert.equal(response.status, 200);
 * assert.equal(response.header("x-a"), "1");
 * assert.equal(await response.text(), "hi");
 * ```
 */
export class HttpResponse {
  /** The status code. */
  readonly status: number;
  /** The reason phrase. */
  readonly statusText: string;
  /** `"1.1"` or `"1.0"`. */
  readonly version: "1.0" | "1.1";
  #head: HttpResponseHead;
  /** How the body was framed. */
  readonly framing: HttpFraming;
  /** The trailer fields, once the body was read (empty when none). */
  readonly trailers: Promise<HttpHeaderList>;
  // The body in one of three shapes until it is used: a stream, the whole
  // bytes, or a pull source; `null` once used (or when there is none).
  #body: ReadableStream<Uint8Array> | null | undefined;
  #bytes: Uint8Array | undefined;
  #source: HttpBodySource | undefined;
  #consuming = false;

  /**
   * Creates a response (done by the connection).
   *
   * @param head The parsed head.
   * @param framing The body framing.
   * @param body The body: a stream, the whole body when it already arrived,
   * a pull source, or `null`.
   * @param trailers The trailers promise.
   */
  constructor(
    head: HttpResponseHead,
    framing: HttpFraming,
    body: ReadableStream<Uint8Array> | Uint8Array | HttpBodySource | null,
    trailers: Promise<HttpHeaderList>,
  ) {
    this.status = head.status;
    this.statusText = head.statusText;
    this.version = head.version;
    this.#head = head;
    this.framing = framing;
    if (body instanceof Uint8Array) this.#bytes = body;
    else if (body !== null && isSource(body)) this.#source = body;
    else this.#body = body;
    this.trailers = trailers;
  }

  /** The header fields as received: order, case and duplicates kept. */
  get headers(): HttpHeaderList {
    return this.#head.headers;
  }

  /**
   * The body (transfer codings removed) as a byte stream (a BYOB reader
   * fills its own buffers straight from the socket), or `null` when there
   * is none.
   */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) {
      const source = this.#source ?? bytesSource(this.#bytes!);
      this.#source = undefined;
      this.#bytes = undefined;
      this.#body = sourceStream(source);
    }
    return this.#body;
  }

  /**
   * The whole body when it arrived together with the head (small responses)
   * and `body` was not touched; `undefined` otherwise. The connection is
   * already free for the next request in that case. Like a Node.js pooled
   * `Buffer`, it may be a view sharing its `ArrayBuffer` with the
   * connection's earlier bytes: copy it (`slice()`) before transferring or
   * detaching that buffer.
   */
  get completeBody(): Uint8Array | undefined {
    return this.#body === undefined ? this.#bytes : undefined;
  }

  /**
   * A header's value: every field of that name, joined with `", "`.
   *
   * @param name The name, any case.
   * @returns The value, or `null`.
   */
  header(name: string): string | null {
    return httpHeaderValue(this.headers, name);
  }

  /** Takes the source for a whole-body read (once). */
  #take(): HttpBodySource | undefined {
    if (this.#consuming) throw new TypeError("Cannot read the body: it is being read already");
    const source = this.#source;
    if (source !== undefined) {
      this.#consuming = true;
      this.#source = undefined;
      this.#body = null;
    }
    return source;
  }

  /**
   * Reads the next piece of the body into `view`, like Python's
   * `HTTPResponse.readinto`: straight from the socket when nothing is
   * buffered, so a download loop over one reused buffer allocates and
   * copies nothing. Do not mix with `body`, `bytes()` or `text()`.
   *
   * @example Usage
   * ```ts
   * import { HttpConnection, HttpTestServer } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * await using server = await HttpTestServer.start();
   * server.route("GET", "/big", () => ({ body: "x".repeat(100_000) }));
   * await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
   * const response = await conn.request({ target: "/big" });
   * const buffer = new Uint8Array(65536);
   * let total = 0;
   * for (let n; (n = await response.readInto(buffer)) !== null;) total += n;
   * assert.equal(total, 100_000);
   * ```
   *
   * @param view Where to put the bytes (not empty).
   * @returns How many bytes were written, or `null` at the end of the body.
   */
  readInto(view: Uint8Array): Promise<number | null> {
    if (this.#source === undefined) {
      if (this.#body === undefined && this.#bytes !== undefined) {
        this.#source = bytesSource(this.#bytes);
        this.#bytes = undefined;
        this.#body = null;
      } else if (this.#body === null || this.#body === undefined) {
        return Promise.resolve(null);
      } else {
        return Promise.reject(
          new TypeError("Cannot read into a buffer: the body is a stream; read it from `body`"),
        );
      }
    }
    this.#body = null;
    return this.#source.readInto(view);
  }

  /**
   * Reads the whole body. Without transfer codings, a Content-Length body
   * is read into one array of that size, straight from the socket (sized
   * up front up to 8 MiB; past that it grows as the bytes arrive, so a
   * declared length costs nothing before its bytes come); a small one that
   * came with the head is {@linkcode HttpResponse.completeBody} (a view,
   * not a copy). With `maxBytes`, a larger body fails with
   * {@linkcode HttpLimitError} instead of growing memory without bound.
   *
   * @example Bounded by maxBytes
   * ```ts
   * import { HttpConnection, HttpLimitError, HttpTestServer } from "@portline/portline/http";
   * import assert from "node:assert/strict";
   *
   * await using server = await HttpTestServer.start();
   * server.route("GET", "/", () => ({ body: "0123456789", chunked: 4 }));
   * await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
   * const fits = await conn.request({ target: "/" });
   * assert.equal((await fits.bytes({ maxBytes: 10 })).byteLength, 10);
   * const tooLarge = await conn.request({ target: "/" });
   * await assert.rejects(tooLarge.bytes({ maxBytes: 9 }), HttpLimitError);
   * ```
   *
   * @param options `maxBytes`: the most bytes to read (no limit by default).
   * @returns The bytes (empty when there is no body).
   * @throws {HttpLimitError} When the body is larger than `maxBytes` (the
   * connection is then closed unless the whole body had arrived).
   * @throws {InvalidArgumentError} When `maxBytes` is not a non-negative integer.
   */
  async bytes(options?: HttpBodyReadOptions): Promise<Uint8Array> {
    const maxBytes = options?.maxBytes === undefined
      ? undefined
      : checkBodyLimit(options.maxBytes, "maxBytes");
    const complete = this.completeBody;
    if (complete !== undefined) {
      this.#bytes = undefined;
      this.#body = null;
      // Whole already (the connection is free): nothing left to stop reading.
      if (maxBytes !== undefined && complete.byteLength > maxBytes) {
        throw bodyTooLarge(maxBytes, ` (Content-Length ${complete.byteLength})`);
      }
      return complete;
    }
    const source = this.#take();
    if (source === undefined) {
      if (this.#body === null || this.#body === undefined) return new Uint8Array(0);
      if (maxBytes !== undefined) return await readLimited(this.#body, maxBytes);
      return new Uint8Array(await new Response(this.#body).arrayBuffer());
    }
    const limit = maxBytes ?? Infinity;
    try {
      if (this.framing.kind === "length") {
        const length = this.framing.length;
        if (length > limit) {
          // Fails before any body byte is read; the unread body closes the connection.
          source.cancel();
          throw bodyTooLarge(limit, ` (Content-Length ${length})`);
        }
        // Sized from the declared length only up to PREALLOCATE_LIMIT: a
        // hostile Content-Length (40 GB, say) must not allocate before any
        // byte arrives. A larger body grows (doubling) as it comes.
        let out = new Uint8Array(Math.min(length, PREALLOCATE_LIMIT));
        let at = 0;
        while (at < length) {
          if (at === out.byteLength) {
            const grown = new Uint8Array(Math.min(length, out.byteLength * 2));
            grown.set(out);
            out = grown;
          }
          const n = await source.readInto(out.subarray(at));
          if (n === null) break;
          at += n;
        }
        // Reaching the end releases the connection.
        if (at === length) await source.readInto(out.subarray(at));
        return at === out.byteLength ? out : out.subarray(0, at);
      }
      const pieces: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const piece = await source.read();
        if (piece === null) break;
        total += piece.byteLength;
        if (total > limit) {
          // Stop at the first read past the limit; the rest of the body is
          // unread, so the connection is closed, not reused.
          source.cancel();
          throw bodyTooLarge(limit);
        }
        pieces.push(piece);
      }
      return pieces.length === 1 ? pieces[0]! : concatBytes(pieces, total);
    } finally {
      this.#consuming = false;
    }
  }

  /**
   * Reads the whole body as UTF-8 text.
   *
   * @param options `maxBytes`: the most body bytes to read (no limit by default).
   * @returns The text.
   * @throws {HttpLimitError} When the body is larger than `maxBytes` (see {@linkcode HttpResponse.bytes}).
   * @throws {InvalidArgumentError} When `maxBytes` is not a non-negative integer.
   */
  async text(options?: HttpBodyReadOptions): Promise<string> {
    return utf8Decoder.decode(await this.bytes(options));
  }

  /**
   * Reads the body and throws it away, so the connection can be reused.
   */
  async discard(): Promise<void> {
    if (this.completeBody !== undefined) {
      this.#bytes = undefined;
      this.#body = null;
      return;
    }
    const source = this.#take();
    if (source !== undefined) {
      try {
        scratch ??= new Uint8Array(65536);
        while ((await source.readInto(scratch)) !== null);
      } finally {
        this.#consuming = false;
      }
      return;
    }
    if (this.#body === null || this.#body === undefined) return;
    const reader = this.#body.getReader();
    while (!(await reader.read()).done);
  }
}
