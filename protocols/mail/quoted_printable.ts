// Copyright 2026 the portline authors. MIT license.
/**
 * Quoted-printable (RFC 2045 §6.7) for message bodies: lines of at most 76
 * characters with soft breaks that never split an `=XX` escape, trailing
 * white space escaped, and — for robustness on the way through SMTP and
 * mbox files — a leading `.` or `From ` escaped too.
 *
 * @module
 */
import { utf8 } from "./_util.ts";

const HEX = Array.from(
  { length: 256 },
  (_, i) => "=" + i.toString(16).toUpperCase().padStart(2, "0"),
);

/** Options of {@linkcode encodeQuotedPrintable}. */
export interface QuotedPrintableOptions {
  /**
   * The longest encoded line, soft-break `=` included (4 to 998).
   *
   * @default {76}
   */
  lineLength?: number;
  /**
   * Encode CR and LF as `=0D` / `=0A` (binary data) instead of treating line
   * ends as hard line breaks (text).
   *
   * @default {false}
   */
  binary?: boolean;
}

function isFromLine(bytes: Uint8Array, i: number, end: number): boolean {
  return i + 5 <= end && bytes[i] === 70 && bytes[i + 1] === 114 && bytes[i + 2] === 111 &&
    bytes[i + 3] === 109 && bytes[i + 4] === 32;
}

function encodeLine(bytes: Uint8Array, start: number, end: number, max: number, out: string[]) {
  let line = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    const last = i === end - 1;
    let token = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last)
      ? String.fromCharCode(b)
      : HEX[b]!;
    if (
      line.length === 0 && token.length === 1 &&
      (b === 46 || (b === 70 && isFromLine(bytes, i, end)))
    ) {
      token = HEX[b]!;
    }
    if (line.length + token.length > (last ? max : max - 1)) {
      out.push(line + "=");
      line = "";
      if (token.length === 1 && (b === 46 || (b === 70 && isFromLine(bytes, i, end)))) {
        token = HEX[b]!;
      }
    }
    line += token;
  }
  out.push(line);
}

/**
 * Encodes text or bytes as quoted-printable. Strings are UTF-8 encoded and
 * their line ends (CRLF, CR or LF) become CRLF hard breaks; the result uses
 * CRLF throughout.
 *
 * @example Usage
 * ```ts
 * import { encodeQuotedPrintable } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(encodeQuotedPrintable("Grüße = 5 \n"), "Gr=C3=BC=C3=9Fe =3D 5=20\r\n");
 * const lines = encodeQuotedPrintable("x".repeat(100)).split("\r\n");
 * assert.deepEqual(lines.map((line) => line.length), [76, 25]);
 * ```
 *
 * @param input The text or bytes.
 * @param options Line length, and whether the input is binary.
 * @returns The encoded text.
 * @throws {RangeError} When the line length is out of range.
 */
export function encodeQuotedPrintable(
  input: string | Uint8Array,
  options?: QuotedPrintableOptions,
): string {
  const max = options?.lineLength ?? 76;
  if (!Number.isInteger(max) || max < 4 || max > 998) {
    throw new RangeError(`Cannot encode quoted-printable: line length ${max} is out of range`);
  }
  const bytes = typeof input === "string" ? utf8(input) : input;
  const out: string[] = [];
  if (options?.binary) {
    encodeLine(bytes, 0, bytes.length, max, out);
    return out.join("\r\n");
  }
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 13 || b === 10) {
      encodeLine(bytes, start, i, max, out);
      if (b === 13 && bytes[i + 1] === 10) i++;
      start = i + 1;
    }
  }
  encodeLine(bytes, start, bytes.length, max, out);
  return out.join("\r\n");
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Decodes quoted-printable leniently: soft breaks after CRLF or bare LF,
 * upper- or lowercase hex, trailing white space dropped, and an `=` that
 * starts no valid escape kept as it is. Hard line breaks come out as CRLF.
 *
 * @example Usage
 * ```ts
 * import { decodeQuotedPrintable } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const bytes = decodeQuotedPrintable("Gr=C3=BC=c3=9Fe=\r\n, 100=% \r\nok");
 * assert.equal(new TextDecoder().decode(bytes), "Grüße, 100=%\r\nok");
 * ```
 *
 * @param input The encoded text or its bytes.
 * @returns The decoded bytes.
 */
export function decodeQuotedPrintable(input: string | Uint8Array): Uint8Array {
  const bytes = typeof input === "string" ? utf8(input) : input;
  let breaks = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) breaks++;
  const out = new Uint8Array(bytes.length + breaks + 2);
  let o = 0;
  let lineStart = 0;
  const n = bytes.length;
  while (lineStart <= n) {
    let lineEnd = bytes.indexOf(10, lineStart);
    const hasBreak = lineEnd >= 0;
    if (!hasBreak) lineEnd = n;
    let end = lineEnd;
    if (hasBreak && end > lineStart && bytes[end - 1] === 13) end--;
    // Transport may add trailing white space: drop it.
    while (end > lineStart && (bytes[end - 1] === 32 || bytes[end - 1] === 9)) end--;
    let soft = false;
    if (end > lineStart && bytes[end - 1] === 61) {
      soft = true;
      end--;
    }
    for (let i = lineStart; i < end; i++) {
      const b = bytes[i]!;
      if (b === 61 && i + 2 < end) {
        const hi = hexValue(bytes[i + 1]!);
        const lo = hexValue(bytes[i + 2]!);
        if (hi >= 0 && lo >= 0) {
          out[o++] = (hi << 4) | lo;
          i += 2;
          continue;
        }
      }
      out[o++] = b;
    }
    if (!hasBreak) break;
    if (!soft) {
      out[o++] = 13;
      out[o++] = 10;
    }
    lineStart = lineEnd + 1;
  }
  return out.subarray(0, o);
}
