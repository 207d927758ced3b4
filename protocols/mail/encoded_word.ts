// Copyright 2026 the portline authors. MIT license.
/**
 * RFC 2047 encoded-words (`=?utf-8?Q?Gr=C3=BC=C3=9Fe?=`): the encoder picks B
 * or Q, whichever is shorter, keeps every word within 75 characters and never
 * cuts a UTF-8 sequence; the decoder knows B and Q in every charset
 * `TextDecoder` knows and joins adjacent words.
 *
 * @module
 */
import { decodeCharset, knownCharset, utf8 } from "./_util.ts";
import { decodeMimeBase64 } from "./base64.ts";

/** How an encoded-word carries its bytes: `B` (base64) or `Q` (quoted-printable-like). */
export type MimeWordEncoding = "B" | "Q";

/** Options of {@linkcode encodeMimeWords}. */
export interface MimeWordOptions {
  /**
   * `B`, `Q`, or `auto` for whichever is shorter.
   *
   * @default {"auto"}
   */
  encoding?: MimeWordEncoding | "auto";
  /**
   * The longest encoded-word, 16 to 75.
   *
   * @default {75}
   */
  maxLength?: number;
}

const PREFIX = "=?utf-8?";
const OVERHEAD = PREFIX.length + 4; // "B?" + "?="
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Q characters that are safe even inside a phrase (RFC 2047 §5 (3)).
function qSafe(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) ||
    b === 33 || b === 42 || b === 43 || b === 45 || b === 47;
}

function qLength(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) n += qSafe(b) || b === 32 ? 1 : 3;
  return n;
}

function qEncode(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (qSafe(b)) out += String.fromCharCode(b);
    else if (b === 32) out += "_";
    else out += "=" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function bEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
  }
  if (bytes.length - i === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + "==";
  } else if (bytes.length - i === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + "=";
  }
  return out;
}

/** Picks the shorter encoding for the whole text (Q on a tie: it stays readable). */
export function chooseMimeWordEncoding(text: string): MimeWordEncoding {
  const bytes = utf8(text);
  return qLength(bytes) <= Math.ceil(bytes.length / 3) * 4 ? "Q" : "B";
}

/**
 * A cursor over text that hands out encoded-words of bounded length, split at
 * code point boundaries (never inside a UTF-8 sequence). Used by the header
 * folder, which sizes each word to the room left on the line.
 */
export class MimeWordWriter {
  readonly #points: Uint8Array[];
  #index = 0;
  readonly encoding: MimeWordEncoding;

  constructor(text: string, encoding: MimeWordEncoding | "auto" = "auto") {
    this.#points = Array.from(text, (point) => utf8(point));
    this.encoding = encoding === "auto" ? chooseMimeWordEncoding(text) : encoding;
  }

  /** Whether text remains. */
  get done(): boolean {
    return this.#index >= this.#points.length;
  }

  /** The length of the shortest possible next word (one code point). */
  get minLength(): number {
    const first = this.#points[this.#index];
    if (!first) return 0;
    return OVERHEAD +
      (this.encoding === "B" ? Math.ceil(first.length / 3) * 4 : qLength(first));
  }

  /**
   * The next encoded-word, at most `maxLength` characters long unless a
   * single code point does not fit (then it holds exactly one).
   */
  next(maxLength: number): string {
    const points = this.#points;
    const budget = maxLength - OVERHEAD;
    const parts: Uint8Array[] = [];
    let bytes = 0;
    let q = 0;
    let i = this.#index;
    for (; i < points.length; i++) {
      const point = points[i]!;
      if (this.encoding === "B") {
        if (Math.ceil((bytes + point.length) / 3) * 4 > budget && parts.length) break;
      } else {
        const cost = qLength(point);
        if (q + cost > budget && parts.length) break;
        q += cost;
      }
      bytes += point.length;
      parts.push(point);
    }
    this.#index = i;
    const chunk = new Uint8Array(bytes);
    let at = 0;
    for (const part of parts) {
      chunk.set(part, at);
      at += part.length;
    }
    return PREFIX + this.encoding + "?" +
      (this.encoding === "B" ? bEncode(chunk) : qEncode(chunk)) + "?=";
  }
}

/**
 * Encodes text as RFC 2047 encoded-words in UTF-8, split into words of at
 * most 75 characters (never inside a UTF-8 sequence) joined by spaces.
 * Decoders drop the spaces between adjacent encoded-words, so the text
 * comes back whole.
 *
 * @example Usage
 * ```ts
 * import { decodeMimeWords, encodeMimeWords } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(encodeMimeWords("café au lait"), "=?utf-8?Q?caf=C3=A9_au_lait?=");
 * assert.equal(encodeMimeWords("Grüße"), "=?utf-8?B?R3LDvMOfZQ==?=");
 * assert.equal(encodeMimeWords("日本語"), "=?utf-8?B?5pel5pys6Kqe?=");
 * const long = "Ünïcödé ".repeat(20);
 * assert.ok(encodeMimeWords(long).split(" ").every((word) => word.length <= 75));
 * assert.equal(decodeMimeWords(encodeMimeWords(long)), long);
 * ```
 *
 * @param text The text.
 * @param options The encoding and the longest word.
 * @returns The encoded-words, separated by single spaces.
 * @throws {RangeError} When `maxLength` is out of range.
 */
export function encodeMimeWords(text: string, options?: MimeWordOptions): string {
  const maxLength = options?.maxLength ?? 75;
  if (!Number.isInteger(maxLength) || maxLength < 16 || maxLength > 75) {
    throw new RangeError(`Cannot encode words: maximum length ${maxLength} is out of range`);
  }
  const writer = new MimeWordWriter(text, options?.encoding ?? "auto");
  const words: string[] = [];
  do words.push(writer.next(maxLength)); while (!writer.done);
  return words.join(" ");
}

const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function qDecode(text: string): Uint8Array {
  const bytes = utf8(text.replace(/_/g, " "));
  const out = new Uint8Array(bytes.length);
  let o = 0;
  const hex = (c: number) =>
    c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 61 && i + 2 < bytes.length) {
      const hi = hex(bytes[i + 1]!);
      const lo = hex(bytes[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/**
 * Decodes RFC 2047 encoded-words wherever they appear in header text. White
 * space between adjacent encoded-words is dropped, and adjacent words in the
 * same charset are joined before decoding, so a character split across two
 * words (as some mailers do) still decodes. Words in a charset `TextDecoder`
 * does not know are left as they are. An RFC 2231 language suffix
 * (`utf-8*en`) is ignored.
 *
 * @example Usage
 * ```ts
 * import { decodeMimeWords } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(decodeMimeWords("=?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?ISO-8859-1?B?/A==?= x"), "Grüßeü x");
 * assert.equal(decodeMimeWords("=?utf-8?B?4oI=?= =?utf-8?B?rA==?="), "€");
 * assert.equal(decodeMimeWords("plain text"), "plain text");
 * ```
 *
 * @param text Header text.
 * @returns The decoded text.
 */
export function decodeMimeWords(text: string): string {
  if (!text.includes("=?")) return text;
  let out = "";
  let last = 0;
  let pending: { charset: string; parts: Uint8Array[] } | undefined;
  const flush = () => {
    if (!pending) return;
    let size = 0;
    for (const part of pending.parts) size += part.length;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const part of pending.parts) {
      bytes.set(part, at);
      at += part.length;
    }
    out += decodeCharset(bytes, pending.charset);
    pending = undefined;
  };
  for (const match of text.matchAll(WORD)) {
    const charset = match[1]!.split("*")[0]!.toLowerCase();
    const between = text.slice(last, match.index);
    if (!knownCharset(charset)) {
      flush();
      out += between + match[0];
      last = match.index! + match[0].length;
      continue;
    }
    const payload = match[3]!;
    const bytes = match[2] === "B" || match[2] === "b"
      ? decodeMimeBase64(payload)
      : qDecode(payload);
    const adjacent = pending !== undefined && /^[ \t\r\n]*$/.test(between);
    if (adjacent && pending!.charset === charset) {
      pending!.parts.push(bytes);
    } else {
      flush();
      if (!adjacent) out += between;
      pending = { charset, parts: [bytes] };
    }
    last = match.index! + match[0].length;
  }
  flush();
  return out + text.slice(last);
}
