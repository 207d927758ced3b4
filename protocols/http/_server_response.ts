// Copyright 2026 the portline authors. MIT license.
/**
 * Serialises an {@linkcode HttpTestResponse} to bytes (pure): status line,
 * fields, framing (Content-Length, chunked with trailers, or none), 1xx heads
 * first, compression, or raw bytes as given.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { assertHttpHeader, toHttpHeaderList } from "./request_head.ts";
import { latin1Encode } from "./_latin1.ts";
import { concatBytes } from "../_core/writer.ts";
import type { HttpTestResponse } from "./server.ts";

const encoder = new TextEncoder();

const REASONS: Record<number, string> = {
  100: "Continue",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  407: "Proxy Authentication Required",
  413: "Content Too Large",
  417: "Expectation Failed",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

function compress(
  body: Uint8Array,
  encoding: NonNullable<HttpTestResponse["encoding"]>,
): Uint8Array {
  const input = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out = encoding === "gzip"
    ? gzipSync(input)
    : encoding === "br"
    ? brotliCompressSync(input)
    : encoding === "deflate"
    ? deflateSync(input)
    : deflateRawSync(input);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The bytes of a test response.
 *
 * @param method The request method (HEAD responses carry no body).
 * @param response The description.
 * @returns The bytes to write.
 */
export function serializeTestResponse(method: string, response: HttpTestResponse): Uint8Array {
  const close = response.close === true || response.noContentLength === true;
  if (response.raw !== undefined) {
    return typeof response.raw === "string" ? encoder.encode(response.raw) : response.raw;
  }
  {
    const status = response.status ?? 200;
    const headers = toHttpHeaderList(response.headers);
    // No CR/LF injection, and no character that one byte per character
    // cannot carry (it would go out as another byte, a control one even).
    for (const [name, value] of headers) assertHttpHeader(name, value);
    let body = typeof response.body === "string"
      ? encoder.encode(response.body)
      : response.body ?? new Uint8Array(0);
    if (response.encoding) {
      body = compress(body, response.encoding);
      headers.push([
        "Content-Encoding",
        response.encoding === "deflate-raw" ? "deflate" : response.encoding,
      ]);
    }
    const noBody = method === "HEAD" || status === 204 || status === 304 || status < 200;
    const parts: Uint8Array[] = [];
    for (const info of response.informational ?? []) {
      let text = `HTTP/1.1 ${info.status} ${REASONS[info.status] ?? "Info"}\r\n`;
      for (const [n, v] of toHttpHeaderList(info.headers)) text += `${n}: ${v}\r\n`;
      parts.push(encoder.encode(text + "\r\n"));
    }
    let head = `HTTP/1.1 ${status} ${response.statusText ?? REASONS[status] ?? "Status"}\r\n`;
    for (const [n, v] of headers) head += `${n}: ${v}\r\n`;
    const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
    if (response.chunked && !noBody) {
      if (!has("transfer-encoding")) head += "Transfer-Encoding: chunked\r\n";
    } else if (
      !response.noContentLength && !has("content-length") && status !== 204 && status !== 304 &&
      status >= 200
    ) {
      head += `Content-Length: ${body.byteLength}\r\n`;
    }
    if (close) head += "Connection: close\r\n";
    parts.push(latin1Encode(head + "\r\n"));
    if (!noBody) {
      if (response.chunked) {
        const size = typeof response.chunked === "number"
          ? response.chunked
          : Math.max(1, body.byteLength);
        for (let at = 0; at < body.byteLength; at += size) {
          const piece = body.subarray(at, at + size);
          parts.push(
            encoder.encode(`${piece.byteLength.toString(16)}\r\n`),
            piece,
            encoder.encode("\r\n"),
          );
        }
        let tail = "0\r\n";
        for (const [n, v] of toHttpHeaderList(response.trailers)) tail += `${n}: ${v}\r\n`;
        parts.push(encoder.encode(tail + "\r\n"));
      } else {
        parts.push(body);
      }
    }
    return concatBytes(parts);
  }
}
