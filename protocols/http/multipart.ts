// Copyright 2026 the portline authors. MIT license.
/**
 * `multipart/form-data` (RFC 7578, as the HTML standard encodes `FormData`):
 * computed length, file parts with filename, streamed from their Blobs.
 *
 * @module
 */

const encoder = new TextEncoder();

/** An encoded multipart body: sized, and re-readable. */
export interface HttpMultipartBody {
  /** `multipart/form-data; boundary=…`. */
  contentType: string;
  /** The exact length in bytes. */
  length: number;
  /** Opens the body (again): each call streams it from the start. */
  open(): ReadableStream<Uint8Array>;
}

function escapeName(name: string): string {
  return name.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n");
}

/**
 * Makes a fresh random boundary.
 *
 * @returns A boundary of 40 characters.
 */
function makeBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "----portline" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Encodes a `FormData` as `multipart/form-data`. String values and names get
 * CRLF line ends; names and filenames escape `"`, CR and LF as the HTML
 * standard does; files carry `filename` and their type (or
 * `application/octet-stream`).
 *
 * @example Usage
 * ```ts
 * import { encodeHttpMultipart } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const form = new FormData();
 * form.append("field", "value");
 * form.append("file", new Blob(["hello"], { type: "text/plain" }), "a.txt");
 * const body = encodeHttpMultipart(form, "XyZ");
 * const text = await new Response(body.open()).text();
 * assert.equal(text.length, body.length);
 * assert.match(text, /filename="a.txt"\r\nContent-Type: text\/plain\r\n\r\nhello\r\n--XyZ--\r\n$/);
 * ```
 *
 * @param form The form.
 * @param boundary The boundary; a random one by default.
 * @returns The content type, length and a re-openable stream.
 */
export function encodeHttpMultipart(
  form: FormData,
  boundary: string = makeBoundary(),
): HttpMultipartBody {
  const parts: (Uint8Array | Blob)[] = [];
  let length = 0;
  const push = (part: Uint8Array | Blob) => {
    parts.push(part);
    length += part instanceof Blob ? part.size : part.byteLength;
  };
  for (const [rawName, value] of form) {
    const name = escapeName(normalizeNewlines(rawName));
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
    if (typeof value === "string") {
      push(encoder.encode(`${head}\r\n\r\n${normalizeNewlines(value)}\r\n`));
      continue;
    }
    const filename = escapeName((value as File).name ?? "blob");
    head += `; filename="${filename}"\r\nContent-Type: ${
      value.type || "application/octet-stream"
    }\r\n\r\n`;
    push(encoder.encode(head));
    push(value);
    push(encoder.encode("\r\n"));
  }
  push(encoder.encode(`--${boundary}--\r\n`));
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    open(): ReadableStream<Uint8Array> {
      let index = 0;
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            if (reader) {
              const { done, value } = await reader.read();
              if (!done) {
                controller.enqueue(value);
                return;
              }
              reader = undefined;
            }
            const part = parts[index++];
            if (part === undefined) {
              controller.close();
              return;
            }
            if (part instanceof Blob) {
              reader = part.stream().getReader();
              continue;
            }
            controller.enqueue(part);
            return;
          }
        },
        cancel(reason) {
          return reader?.cancel(reason);
        },
      });
    },
  };
}
