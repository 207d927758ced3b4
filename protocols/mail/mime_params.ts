// Copyright 2026 the portline authors. MIT license.
/**
 * MIME header parameters (`Content-Type: text/plain; charset=utf-8`),
 * including RFC 2231 extended values (`filename*=utf-8''%E2%82%AC.txt`) and
 * continuations (`filename*0*=…; filename*1*=…`) both ways.
 *
 * @module
 */
import { InvalidArgumentError } from "../_core/writer.ts";
import {
  assertHeaderText,
  decodeCharset,
  isAscii,
  knownCharset,
  looksEncoded,
  utf8,
} from "./_util.ts";
import { decodeMimeWords } from "./encoded_word.ts";

/** A header value split into its main value and parameters. */
export interface MimeParams {
  /** The value before the first `;`, trimmed (for Content-Type, `type/subtype`). */
  value: string;
  /** Parameters by lowercase name, RFC 2231 and RFC 2047 decoded. */
  params: Record<string, string>;
}

// RFC 2045 token characters.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
// RFC 5987 attr-char: what may stay unescaped in an extended value.
function attrChar(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) ||
    "!#$&+-.^_`|~".includes(String.fromCharCode(b));
}

interface Segment {
  index: number;
  extended: boolean;
  value: string;
}

function percentDecode(text: string): Uint8Array {
  const bytes = utf8(text);
  const out = new Uint8Array(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 37 && i + 2 < bytes.length) {
      const hex = String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out[o++] = parseInt(hex, 16);
        i += 2;
        continue;
      }
    }
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/**
 * Splits a structured MIME header value into its value and parameters. It
 * reads quoted strings with escapes, RFC 2231 extended values in any charset
 * `TextDecoder` knows, continuations in any order, and (leniently) RFC 2047
 * encoded-words inside plain values, unquoted values with spaces and a
 * missing closing quote. Parameter names come back lowercase; when both
 * `name` and `name*` are present the RFC 2231 one wins.
 *
 * @example Usage
 * ```ts
 * import { parseMimeParams } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseMimeParams(
 *   `attachment; filename*0*=utf-8''%E2%82%AC; filename*1=" rates.txt"; size=12`,
 * );
 * assert.equal(parsed.value, "attachment");
 * assert.deepEqual(parsed.params, { filename: "€ rates.txt", size: "12" });
 * ```
 *
 * @param header The header value (unfolded).
 * @returns The value and the parameters.
 */
export function parseMimeParams(header: string): MimeParams {
  const pieces: [string, string][] = [];
  let i = 0;
  const n = header.length;
  let value = "";
  // The main value runs to the first ";" (comments in it are dropped).
  while (i < n && header[i] !== ";") {
    if (header[i] === "(") {
      let depth = 0;
      for (; i < n; i++) {
        if (header[i] === "\\") i++;
        else if (header[i] === "(") depth++;
        else if (header[i] === ")" && --depth === 0) break;
      }
      i++;
      continue;
    }
    value += header[i++];
  }
  while (i < n) {
    i++; // the ";"
    while (i < n && /[ \t]/.test(header[i]!)) i++;
    let name = "";
    while (i < n && header[i] !== "=" && header[i] !== ";") name += header[i++];
    name = name.trim().toLowerCase();
    if (i >= n || header[i] === ";") {
      continue;
    }
    i++; // the "="
    while (i < n && /[ \t]/.test(header[i]!)) i++;
    let text = "";
    if (header[i] === '"') {
      i++;
      while (i < n && header[i] !== '"') {
        if (header[i] === "\\" && i + 1 < n) i++;
        text += header[i++];
      }
      i++;
      while (i < n && header[i] !== ";") i++;
    } else {
      while (i < n && header[i] !== ";") text += header[i++];
      text = text.trim();
    }
    if (name) pieces.push([name, text]);
  }

  // Maps, and own properties defined rather than assigned: with a plain
  // object, `constructor=x` was dropped (`"constructor" in {}` is true) and
  // `__proto__` went to the prototype setter.
  const plain = new Map<string, string>();
  const extended = new Map<string, Segment[]>();
  // The indices seen per name: a Set, as a scan of the list per piece was
  // quadratic in the number of continuations.
  const seen = new Map<string, Set<number>>();
  for (const [name, text] of pieces) {
    const match = /^(.+?)\*(?:(\d{1,4})(\*)?)?$/.exec(name);
    if (!match) {
      if (!plain.has(name)) plain.set(name, text);
      continue;
    }
    const base = match[1]!;
    const segment = match[2] === undefined
      ? { index: 0, extended: true, value: text }
      : { index: Number(match[2]), extended: match[3] === "*", value: text };
    const indices = seen.get(base);
    if (indices) {
      if (indices.has(segment.index)) continue;
      indices.add(segment.index);
      extended.get(base)!.push(segment);
    } else {
      seen.set(base, new Set([segment.index]));
      extended.set(base, [segment]);
    }
  }

  const params: Record<string, string> = {};
  const set = (name: string, value: string) =>
    Object.defineProperty(params, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  for (const [name, text] of plain) {
    set(name, text.includes("=?") ? decodeMimeWords(text) : text);
  }
  for (const [name, segments] of extended) {
    segments.sort((a, b) => a.index - b.index);
    let charset = "";
    const parts: Uint8Array[] = [];
    segments.forEach((segment, k) => {
      let text = segment.value;
      if (segment.extended && k === 0) {
        const match = /^([^']*)'[^']*'(.*)$/s.exec(text);
        if (match) {
          charset = match[1]!.trim().toLowerCase();
          text = match[2]!;
        }
      }
      parts.push(segment.extended ? percentDecode(text) : utf8(text));
    });
    let size = 0;
    for (const part of parts) size += part.length;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    set(name, decodeCharset(bytes, charset && knownCharset(charset) ? charset : "utf-8"));
  }
  return { value: value.trim(), params };
}

/** Options of {@linkcode formatMimeParams}. */
export interface MimeParamFormatOptions {
  /**
   * The longest parameter segment before RFC 2231 continuations are used.
   *
   * @default {64}
   */
  segmentLength?: number;
}

function quote(text: string): string {
  return '"' + text.replace(/[\\"]/g, "\\$&") + '"';
}

function extendedSegments(value: string, limit: number): string[] {
  const segments: string[] = [];
  let current = "utf-8''";
  let currentLength = current.length;
  for (const point of value) {
    let encoded = "";
    for (const b of utf8(point)) {
      encoded += attrChar(b)
        ? String.fromCharCode(b)
        : "%" + b.toString(16).toUpperCase().padStart(2, "0");
    }
    if (currentLength + encoded.length > limit && currentLength > 0 && current !== "utf-8''") {
      segments.push(current);
      current = "";
      currentLength = 0;
    }
    current += encoded;
    currentLength += encoded.length;
  }
  segments.push(current);
  return segments;
}

/**
 * Formats one parameter (`name=value`) the way every reader understands it:
 * a bare token when possible, a quoted string when needed, RFC 2231
 * `name*=utf-8''…` for non-ASCII, and RFC 2231 continuations
 * (`name*0*=…; name*1*=…`) when the value is long — split at character
 * boundaries so even readers that decode each piece alone show it right.
 * Pieces are joined by `"; "`, so the header folder can break between them.
 *
 * @example Usage
 * ```ts
 * import { formatMimeParam } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatMimeParam("charset", "utf-8"), "charset=utf-8");
 * assert.equal(formatMimeParam("filename", "a b.txt"), 'filename="a b.txt"');
 * assert.equal(formatMimeParam("filename", "€.txt"), "filename*=utf-8''%E2%82%AC.txt");
 * assert.equal(formatMimeParam("filename", "x".repeat(100)).split("; ").length, 2);
 * ```
 *
 * @param name The parameter name (a token).
 * @param value The value.
 * @param options When to continue.
 * @returns The formatted parameter, pieces joined by `"; "`.
 * @throws {InvalidArgumentError} When the name is not a token or the value
 * contains CR, LF or NUL.
 */
export function formatMimeParam(
  name: string,
  value: string,
  options?: MimeParamFormatOptions,
): string {
  if (!TOKEN.test(name) || name.includes("*")) {
    throw new InvalidArgumentError(`Cannot use parameter name "${name}": not a MIME token`);
  }
  assertHeaderText(value, `parameter "${name}"`);
  const limit = Math.max(16, options?.segmentLength ?? 64);
  // A value that looks like an RFC 2047 encoded-word goes RFC 2231 encoded
  // (which readers never take for one): lenient readers, ours included,
  // decode encoded-words in plain values, so `"=?utf-8?Q?a?="` read as `a`.
  // deno-lint-ignore no-control-regex
  if (isAscii(value) && !/[\x00-\x1f\x7f]/.test(value) && !looksEncoded(value)) {
    if (TOKEN.test(value) && value.length <= limit) return `${name}=${value}`;
    if (quote(value).length <= limit) return `${name}=${quote(value)}`;
    const segments: string[] = [];
    let current = "";
    for (const c of value) {
      const escaped = c === '"' || c === "\\" ? "\\" + c : c;
      if (current.length + escaped.length > limit - 2) {
        segments.push(current);
        current = "";
      }
      current += escaped;
    }
    segments.push(current);
    return segments.map((segment, k) => `${name}*${k}="${segment}"`).join("; ");
  }
  const segments = extendedSegments(value, limit);
  if (segments.length === 1) return `${name}*=${segments[0]}`;
  return segments.map((segment, k) => `${name}*${k}*=${segment}`).join("; ");
}

/**
 * Formats a value and its parameters (`type/subtype; a=b; c="d e"`) with
 * {@linkcode formatMimeParam}.
 *
 * @example Usage
 * ```ts
 * import { formatMimeParams } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatMimeParams("text/plain", { charset: "utf-8", format: "flowed" }),
 *   "text/plain; charset=utf-8; format=flowed",
 * );
 * ```
 *
 * @param value The main value.
 * @param params The parameters, in order.
 * @param options When to continue.
 * @returns The header value.
 * @throws {InvalidArgumentError} On a bad name, or CR, LF or NUL anywhere.
 */
export function formatMimeParams(
  value: string,
  params: Record<string, string> | readonly (readonly [string, string])[],
  options?: MimeParamFormatOptions,
): string {
  assertHeaderText(value, "MIME value");
  const entries = Array.isArray(params) ? params : Object.entries(params);
  return [value, ...entries.map(([name, text]) => formatMimeParam(name, text, options))].join(
    "; ",
  );
}
