// Copyright 2026 the portline authors. MIT license.
/**
 * MIME base64 (RFC 2045 §6.8): an encoder that wraps lines at 76 characters
 * and streams (so large attachments never sit in memory whole), and a lenient
 * decoder that skips line breaks and stray characters.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = ALPHABET.charCodeAt(i);
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

// Native base64 decoding (TC39 Uint8Array.fromBase64, in Deno and recent
// Node) for clean input; the table-driven code below is the fallback.
type NativeFromBase64 = {
  fromBase64?: (text: string, options?: { lastChunkHandling?: string }) => Uint8Array;
};
const nativeFrom = (Uint8Array as unknown as NativeFromBase64).fromBase64;
const latin1 = new TextDecoder("windows-1252");

const CR = 13;
const LF = 10;
const PAD = 61;

/** Options of the MIME base64 encoders. */
export interface MimeBase64Options {
  /**
   * Characters per line, a multiple of 4 between 4 and 996.
   *
   * @default {76}
   */
  lineLength?: number;
}

function bytesPerLine(options: MimeBase64Options | undefined): number {
  const lineLength = options?.lineLength ?? 76;
  if (!Number.isInteger(lineLength) || lineLength < 4 || lineLength > 996 || lineLength % 4) {
    throw new RangeError(`Cannot encode base64: line length ${lineLength} is not a multiple of 4`);
  }
  return (lineLength / 4) * 3;
}

/** Encodes `input[start, end)` (a multiple of 3 bytes unless last) at `out[o]`; returns the new offset. */
function encodeRun(input: Uint8Array, start: number, end: number, out: Uint8Array, o: number) {
  let i = start;
  const whole = start + Math.floor((end - start) / 3) * 3;
  for (; i < whole; i += 3) {
    const n = (input[i]! << 16) | (input[i + 1]! << 8) | input[i + 2]!;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }
  const rest = end - i;
  if (rest === 1) {
    const n = input[i]! << 16;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (rest === 2) {
    const n = (input[i]! << 16) | (input[i + 1]! << 8);
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = PAD;
  }
  return o;
}

/** Encodes whole lines (each CRLF-terminated) from `input[start, end)`. */
function encodeLines(input: Uint8Array, start: number, end: number, perLine: number): Uint8Array {
  const size = end - start;
  const lines = Math.ceil(size / perLine);
  const out = new Uint8Array(Math.ceil(size / 3) * 4 + lines * 2);
  let o = 0;
  for (let i = start; i < end; i += perLine) {
    o = encodeRun(input, i, Math.min(i + perLine, end), out, o);
    out[o++] = CR;
    out[o++] = LF;
  }
  return out.subarray(0, o);
}

/**
 * How many bytes {@linkcode encodeMimeBase64} lines take for `size` input
 * bytes, counting a CRLF after every line (the last one too).
 *
 * @example Usage
 * ```ts
 * import { mimeBase64Length } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mimeBase64Length(57), 78);
 * assert.equal(mimeBase64Length(58), 78 + 6);
 * ```
 *
 * @param size The input size in bytes.
 * @param options The line length.
 * @returns The encoded size in bytes.
 */
export function mimeBase64Length(size: number, options?: MimeBase64Options): number {
  const perLine = bytesPerLine(options);
  return Math.ceil(size / 3) * 4 + Math.ceil(size / perLine) * 2;
}

/**
 * Encodes bytes as MIME base64: lines of 76 characters joined by CRLF (no
 * line end after the last line).
 *
 * @example Usage
 * ```ts
 * import { encodeMimeBase64 } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(encodeMimeBase64(new TextEncoder().encode("hello")), "aGVsbG8=");
 * const long = encodeMimeBase64(new Uint8Array(100));
 * assert.deepEqual(long.split("\r\n").map((line) => line.length), [76, 60]);
 * ```
 *
 * @param bytes The bytes.
 * @param options The line length.
 * @returns The base64 text.
 * @throws {RangeError} When the line length is not a multiple of 4.
 */
export function encodeMimeBase64(bytes: Uint8Array, options?: MimeBase64Options): string {
  const lines = encodeLines(bytes, 0, bytes.length, bytesPerLine(options));
  let text = "";
  for (let i = 0; i < lines.length; i += 0x2000) {
    text += String.fromCharCode(...lines.subarray(i, i + 0x2000));
  }
  return text.endsWith("\r\n") ? text.slice(0, -2) : text;
}

/**
 * A streaming MIME base64 encoder: feed chunks of any size, get whole
 * CRLF-terminated 76-character lines back; `end()` flushes the last line.
 *
 * @example Usage
 * ```ts
 * import { MimeBase64Encoder } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const encoder = new MimeBase64Encoder();
 * const text = (b: Uint8Array) => new TextDecoder().decode(b);
 * const out = text(encoder.push(new TextEncoder().encode("hel"))) +
 *   text(encoder.push(new TextEncoder().encode("lo"))) + text(encoder.end());
 * assert.equal(out, "aGVsbG8=\r\n");
 * ```
 */
export class MimeBase64Encoder {
  readonly #perLine: number;
  #carry: Uint8Array;
  #carried = 0;

  /**
   * Creates an encoder.
   *
   * @param options The line length.
   * @throws {RangeError} When the line length is not a multiple of 4.
   */
  constructor(options?: MimeBase64Options) {
    this.#perLine = bytesPerLine(options);
    this.#carry = new Uint8Array(this.#perLine);
  }

  /**
   * Encodes the next chunk.
   *
   * @example Usage
   * ```ts
   * import { MimeBase64Encoder } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const encoder = new MimeBase64Encoder();
   * // 57 input bytes make one whole 76-character line; the rest waits.
   * assert.equal(encoder.push(new Uint8Array(60)).length, 78);
   * assert.equal(new TextDecoder().decode(encoder.end()), "AAAA\r\n");
   * ```
   *
   * @param chunk Input bytes.
   * @returns Zero or more whole encoded lines, each ending in CRLF.
   */
  push(chunk: Uint8Array): Uint8Array {
    const perLine = this.#perLine;
    let start = 0;
    const parts: Uint8Array[] = [];
    if (this.#carried > 0) {
      const take = Math.min(perLine - this.#carried, chunk.length);
      this.#carry.set(chunk.subarray(0, take), this.#carried);
      this.#carried += take;
      start = take;
      if (this.#carried < perLine) return new Uint8Array(0);
      parts.push(encodeLines(this.#carry, 0, perLine, perLine));
      this.#carried = 0;
    }
    const whole = start + Math.floor((chunk.length - start) / perLine) * perLine;
    if (whole > start) parts.push(encodeLines(chunk, start, whole, perLine));
    if (whole < chunk.length) {
      this.#carry.set(chunk.subarray(whole), 0);
      this.#carried = chunk.length - whole;
    }
    if (parts.length === 1) return parts[0]!;
    if (parts.length === 0) return new Uint8Array(0);
    const out = new Uint8Array(parts[0]!.length + parts[1]!.length);
    out.set(parts[0]!, 0);
    out.set(parts[1]!, parts[0]!.length);
    return out;
  }

  /**
   * Finishes: the last, shorter line with its padding and CRLF.
   *
   * @example Usage
   * ```ts
   * import { MimeBase64Encoder } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const encoder = new MimeBase64Encoder();
   * assert.equal(encoder.push(new TextEncoder().encode("hi")).length, 0);
   * assert.equal(new TextDecoder().decode(encoder.end()), "aGk=\r\n");
   * assert.equal(encoder.end().length, 0);
   * ```
   *
   * @returns The closing bytes (empty when the input ended on a line).
   */
  end(): Uint8Array {
    const out = encodeLines(this.#carry, 0, this.#carried, this.#perLine);
    this.#carried = 0;
    return out;
  }
}

/**
 * {@linkcode MimeBase64Encoder} as a `TransformStream`.
 *
 * @example Usage
 * ```ts
 * import { MimeBase64EncoderStream } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const stream = ReadableStream.from([new Uint8Array(60)])
 *   .pipeThrough(new MimeBase64EncoderStream());
 * const text = await new Response(stream).text();
 * assert.deepEqual(text.split("\r\n").map((line) => line.length), [76, 4, 0]);
 * ```
 */
export class MimeBase64EncoderStream extends TransformStream<Uint8Array, Uint8Array> {
  /**
   * Creates the stream.
   *
   * @param options The line length.
   */
  constructor(options?: MimeBase64Options) {
    const encoder = new MimeBase64Encoder(options);
    super({
      transform(chunk, controller) {
        const out = encoder.push(chunk);
        if (out.length) controller.enqueue(out);
      },
      flush(controller) {
        const out = encoder.end();
        if (out.length) controller.enqueue(out);
      },
    });
  }
}

/**
 * Decodes base64 leniently, as mail readers must: line breaks, spaces and
 * any other characters outside the alphabet are skipped, padding is optional,
 * and decoding stops at the first padding that ends a group.
 *
 * @example Usage
 * ```ts
 * import { decodeMimeBase64 } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(decodeMimeBase64("aGVs\r\nbG8="), new TextEncoder().encode("hello"));
 * assert.deepEqual(decodeMimeBase64("aGVsbG8"), new TextEncoder().encode("hello"));
 * ```
 *
 * @param input Base64 text or its bytes.
 * @returns The decoded bytes.
 */
export function decodeMimeBase64(input: string | Uint8Array): Uint8Array {
  if (nativeFrom && input.length >= 4096) {
    // The native decoder skips ASCII white space; anything else it refuses
    // falls through to the lenient decoder.
    try {
      return nativeFrom(typeof input === "string" ? input : latin1.decode(input), {
        lastChunkHandling: "loose",
      });
    } catch {
      // Not clean base64: decode leniently below.
    }
  }
  const length = input.length;
  const out = new Uint8Array(Math.ceil((length * 3) / 4));
  const text = typeof input === "string";
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < length; i++) {
    if (bits === 0 && !text && i + 4 <= length) {
      // Whole groups of four valid characters: the common case.
      const bytes = input as Uint8Array;
      const a = DECODE[bytes[i]!]!;
      const b = DECODE[bytes[i + 1]!]!;
      const c = DECODE[bytes[i + 2]!]!;
      const d = DECODE[bytes[i + 3]!]!;
      if ((a | b | c | d) >= 0) {
        const v = (a << 18) | (b << 12) | (c << 6) | d;
        out[o++] = v >>> 16;
        out[o++] = (v >>> 8) & 0xff;
        out[o++] = v & 0xff;
        i += 3;
        continue;
      }
    }
    const c = text ? (input as string).charCodeAt(i) : (input as Uint8Array)[i]!;
    if (c === PAD) {
      // Padding ends the data (anything after it is not part of this body).
      if (bits > 0) break;
      continue;
    }
    const v = c < 256 ? DECODE[c]! : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  return out.subarray(0, o);
}
