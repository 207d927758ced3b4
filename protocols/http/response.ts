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

const utf8Decoder = new TextDecoder();

function onceStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
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
  /** The header fields as received: order, case and duplicates kept. */
  readonly headers: HttpHeaderList;
  /** How the body was framed. */
  readonly framing: HttpFraming;
  /** The trailer fields, once the body was read (empty when none). */
  readonly trailers: Promise<HttpHeaderList>;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #bytes: Uint8Array | undefined;

  /**
   * Creates a response (done by the connection).
   *
   * @param head The parsed head.
   * @param framing The body framing.
   * @param body The body stream, or the whole body when it already arrived.
   * @param trailers The trailers promise.
   */
  constructor(
    head: HttpResponseHead,
    framing: HttpFraming,
    body: ReadableStream<Uint8Array> | Uint8Array | null,
    trailers: Promise<HttpHeaderList>,
  ) {
    this.status = head.status;
    this.statusText = head.statusText;
    this.version = head.version;
    this.headers = head.headers;
    this.framing = framing;
    if (body instanceof Uint8Array) this.#bytes = body;
    else this.#body = body;
    this.trailers = trailers;
  }

  /** The body (transfer codings removed), or `null` when there is none. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) this.#body = onceStream(this.#bytes!);
    return this.#body;
  }

  /**
   * The whole body when it arrived together with the head (small responses)
   * and `body` was not touched; `undefined` otherwise. The connection is
   * already free for the next request in that case.
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

  /**
   * Reads the whole body.
   *
   * @returns The bytes (empty when there is no body).
   */
  async bytes(): Promise<Uint8Array> {
    const complete = this.completeBody;
    if (complete !== undefined) {
      this.#body = null;
      return complete;
    }
    if (this.body === null) return new Uint8Array(0);
    return new Uint8Array(await new Response(this.body).arrayBuffer());
  }

  /**
   * Reads the whole body as UTF-8 text.
   *
   * @returns The text.
   */
  async text(): Promise<string> {
    const complete = this.completeBody;
    if (complete !== undefined) {
      this.#body = null;
      return utf8Decoder.decode(complete);
    }
    if (this.body === null) return "";
    return await new Response(this.body).text();
  }

  /**
   * Reads the body and throws it away, so the connection can be reused.
   */
  async discard(): Promise<void> {
    if (this.completeBody !== undefined) {
      this.#body = null;
      return;
    }
    if (this.body === null) return;
    const reader = this.body.getReader();
    while (!(await reader.read()).done);
  }
}
