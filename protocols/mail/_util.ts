// Copyright 2026 the portline authors. MIT license.
// Small private helpers shared by the mail codecs.
import { InvalidArgumentError } from "../_core/writer.ts";

export const utf8Encoder: TextEncoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF: by default TextDecoder drops it, so a
// subject, name or file name starting with one lost it on the way back.
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("windows-1252");

/** Whether every character is 7-bit ASCII. */
export function isAscii(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}

/** Whether every byte is 7-bit. */
export function isAsciiBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

/** UTF-8 encodes. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** UTF-8 decodes, replacing bad sequences. */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Decodes header bytes: UTF-8 when valid (RFC 6532), else Windows-1252. */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  if (isAsciiBytes(bytes)) return latin1Ascii(bytes);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

// Windows-1252's 0x80-0x9F. Node 20's TextDecoder("windows-1252") decodes
// these as C1 controls (ISO-8859-1); Deno's as the right characters. The
// five unassigned bytes stay controls in both.
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** Decodes Windows-1252 the same way in every runtime. */
export function decodeWindows1252(bytes: Uint8Array): string {
  return latin1.decode(bytes).replace(
    /[\u0080-\u009f]/g,
    (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!,
  );
}

function latin1Ascii(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return out;
}

/**
 * Decodes bytes in a named charset; unknown charsets fall back to UTF-8 when
 * the bytes are valid UTF-8, else to Windows-1252.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? "").trim().toLowerCase();
  if (label && label !== "us-ascii" && label !== "ascii" && label !== "utf-8" && label !== "utf8") {
    let decoder: TextDecoder | undefined;
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = undefined;
    }
    if (decoder?.encoding === "utf-8") return utf8Decoder.decode(bytes);
    if (decoder) {
      return decoder.encoding === "windows-1252" ? decodeWindows1252(bytes) : decoder.decode(bytes);
    }
  }
  if (label === "" || label === "us-ascii" || label === "ascii") return decodeHeaderBytes(bytes);
  return utf8Decoder.decode(bytes);
}

// Answers of knownCharset: an unknown label costs a thrown RangeError, and a
// header repeating one (`=?x?Q?a?=` 100,000 times) took seconds per MiB.
const charsetCache = new Map<string, boolean>();

/** Whether TextDecoder knows a charset label. */
export function knownCharset(charset: string): boolean {
  const cached = charsetCache.get(charset);
  if (cached !== undefined) return cached;
  let known: boolean;
  try {
    new TextDecoder(charset);
    known = true;
  } catch {
    known = false;
  }
  if (charsetCache.size >= 1024) charsetCache.clear();
  charsetCache.set(charset, known);
  return known;
}

/** Random lowercase hex of `bytes` random bytes. */
export function randomHex(bytes: number): string {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of random) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Throws InvalidArgumentError when a header value would break out of its line. */
export function assertHeaderText(value: string, what: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new InvalidArgumentError(
      `Cannot use ${what}: it contains CR, LF or NUL (header injection)`,
    );
  }
}

/** Turns every line end (CRLF, bare CR, bare LF) into CRLF. */
export function toCrlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, "\r\n");
}

/** Whether text holds something a decoder could take for an encoded-word (`=?…?=`). */
export function looksEncoded(text: string): boolean {
  const open = text.indexOf("=?");
  return open >= 0 && text.indexOf("?=", open + 2) >= 0;
}

/**
 * Trims `chars` from the start and `endChars` from the end. A loop, not `replace(/[ \t]+$/)`: that
 * regular expression retries at every position of a long inner run of
 * white space, quadratic time on a hostile header ("a" + 500k spaces + "b").
 */
export function trimChars(text: string, chars = " \t", endChars = chars): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && endChars.includes(text[end - 1]!)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Shortens text for an error message. */
export function preview(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}
