// Copyright 2026 the portline authors. MIT license.
/**
 * The body stream of a response: a byte stream over an
 * {@linkcode HttpBodySource}, created only when someone asks for `body`.
 *
 * @module
 */
import type { HttpBodySource } from "./response.ts";

/**
 * A byte stream over a source: a BYOB reader's buffer is filled in place,
 * a default reader gets the source's fresh arrays (a byte stream transfers
 * what is enqueued, so nothing shared is ever enqueued).
 */
export function sourceStream(source: HttpBodySource): ReadableStream<Uint8Array> {
  const underlying: UnderlyingByteSource = {
    type: "bytes",
    async pull(controller: ReadableByteStreamController) {
      const request = controller.byobRequest;
      if (request !== null && request.view !== null) {
        const v = request.view;
        const n = await source.readInto(
          new Uint8Array(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength),
        );
        if (n === null) {
          controller.close();
          request.respond(0);
        } else {
          request.respond(n);
        }
        return;
      }
      const chunk = await source.read();
      if (chunk === null) controller.close();
      else controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
    },
    cancel(reason) {
      source.cancel(reason);
    },
  };
  return new ReadableStream(underlying) as ReadableStream<Uint8Array>;
}
