// Copyright 2026 the portline authors. MIT license.
/**
 * Header fields: writing them (folded at 78 characters, non-ASCII text as
 * RFC 2047 encoded-words sized to the room left on each line, CR/LF refused)
 * and reading them (unfolding, RFC 2047 decoding, limits).
 *
 * @module
 */
import { InvalidArgumentError } from "../_core/writer.ts";
import { LimitError } from "../_core/errors.ts";
import { assertHeaderText, decodeHeaderBytes, isAscii, looksEncoded, trimChars } from "./_util.ts";
import { decodeMimeWords, MimeWordWriter } from "./encoded_word.ts";

/** Options of {@linkcode formatMailHeader}. */
export interface MailHeaderFormatOptions {
  /**
   * The value is unstructured text (Subject, Comments, X-…): non-ASCII
   * words, and words that look like encoded-words, become RFC 2047
   * encoded-words (unless `utf8`). Structured values must already be ASCII
   * unless `utf8`.
   *
   * @default {false}
   */
  unstructured?: boolean;
  /**
   * Write non-ASCII as raw UTF-8 (RFC 6532; only for SMTPUTF8 messages).
   *
   * @default {false}
   */
  utf8?: boolean;
  /**
   * Fold lines longer than this where white space allows.
   *
   * @default {78}
   */
  lineLength?: number;
}

const NAME = /^[!-9;-~]+$/;
const HARD_LIMIT = 998;

interface Piece {
  /** White space before the word (empty for the first). */
  ws: string;
  text: string;
  encode: boolean;
}

/**
 * Checks a header field name (printable ASCII without colon).
 *
 * @param name The field name.
 * @throws {InvalidArgumentError} When it is not a valid field name.
 */
export function assertHeaderName(name: string): void {
  if (!NAME.test(name)) {
    throw new InvalidArgumentError(
      `Cannot use header name "${name}": not printable ASCII without ":"`,
    );
  }
}

/**
 * Formats one header field, `Name: value` plus CRLF, folded before white
 * space so no line exceeds 78 characters where that is possible. Unstructured
 * values get RFC 2047 encoded-words for non-ASCII words (each at most 75
 * characters and sized to fit the line); white space inside a run of encoded
 * text is carried inside the encoded-words. CR, LF and NUL are refused, so a
 * value can never start another header.
 *
 * @example Usage
 * ```ts
 * import { formatMailHeader } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatMailHeader("Subject", "Re: Überraschungsparty", { unstructured: true }),
 *   "Subject: Re: =?utf-8?Q?=C3=9Cberraschungsparty?=\r\n",
 * );
 * const folded = formatMailHeader("To", Array(8).fill("someone@example.org").join(", "));
 * assert.ok(folded.split("\r\n").every((line) => line.length <= 78));
 * assert.throws(() => formatMailHeader("Subject", "hi\r\nBcc: x@y"));
 * ```
 *
 * @param name The field name.
 * @param value The value.
 * @param options Unstructured or not, UTF-8 or not, the line length.
 * @returns The folded field with its CRLF.
 * @throws {InvalidArgumentError} On a bad name, CR/LF/NUL in the value,
 * non-ASCII in a structured value without `utf8`, or a word that cannot fit
 * the 998-character line limit.
 */
export function formatMailHeader(
  name: string,
  value: string,
  options?: MailHeaderFormatOptions,
): string {
  assertHeaderName(name);
  assertHeaderText(value, `header "${name}"`);
  const max = options?.lineLength ?? 78;
  const utf8 = options?.utf8 ?? false;
  const unstructured = options?.unstructured ?? false;
  if (!utf8 && !unstructured && !isAscii(value)) {
    throw new InvalidArgumentError(
      `Cannot write header "${name}": a structured value must be ASCII`,
    );
  }
  const parts = trimChars(value).split(/([ \t]+)/);
  const pieces: Piece[] = [];
  const longWord = HARD_LIMIT - name.length - 3;
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i]!;
    const ws = i > 0 ? parts[i - 1]! : "";
    if (text === "" && i === 0 && parts.length === 1) break;
    // A word that looks like an encoded-word is encoded in UTF-8 mode too:
    // written raw, readers decoded it ("=?utf-8?Q?x?=" came back as "x").
    const encode = unstructured &&
      ((!utf8 && !isAscii(text)) || looksEncoded(text) || text.length > longWord);
    const previous = pieces[pieces.length - 1];
    if (encode && previous?.encode) previous.text += ws + text;
    else pieces.push({ ws, text, encode });
  }

  const lines: string[] = [];
  let line = name + ":";
  let first = true;
  const push = () => {
    if (line.length > HARD_LIMIT) {
      throw new InvalidArgumentError(
        `Cannot write header "${name}": a word is longer than ${HARD_LIMIT} characters`,
      );
    }
    lines.push(line);
  };
  for (const piece of pieces) {
    const atStart = first;
    let ws = first ? " " : piece.ws;
    first = false;
    if (!piece.encode) {
      if (!atStart && line.length + ws.length + piece.text.length > max && line.trim() !== "") {
        push();
        line = ws + piece.text;
      } else {
        line += ws + piece.text;
      }
      continue;
    }
    const writer = new MimeWordWriter(piece.text);
    while (!writer.done) {
      let room = Math.min(75, max - line.length - ws.length);
      if (room < writer.minLength || room < 20) {
        if (!(atStart && line === name + ":") && line.trim() !== "") {
          push();
          line = "";
          ws ||= " ";
          room = Math.min(75, max - ws.length);
        } else {
          room = Math.max(room, Math.min(75, writer.minLength));
        }
      }
      line += ws + writer.next(room);
      ws = " ";
    }
  }
  push();
  return lines.join("\r\n") + "\r\n";
}

/**
 * Unfolds a header value: removes every line break that is followed by
 * white space (the white space stays), as RFC 5322 §2.2.3 says.
 *
 * @example Usage
 * ```ts
 * import { unfoldMailHeader } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unfoldMailHeader("a,\r\n b,\n\tc"), "a, b,\tc");
 * ```
 *
 * @param value A folded value.
 * @returns The value on one line.
 */
export function unfoldMailHeader(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, "").replace(/\r?\n$/, "");
}

/**
 * The header fields of a message or body part, in order, with lookups by
 * case-insensitive name. `get()` returns unfolded values with RFC 2047
 * encoded-words decoded; `getRaw()` returns them unfolded but not decoded
 * (parse address headers from the raw value with `parseAddressList`).
 *
 * @example Usage
 * ```ts
 * import { MailHeaders } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const headers = new MailHeaders([
 *   ["Subject", "=?utf-8?Q?caf=C3=A9?="],
 *   ["Received", "a"],
 *   ["received", "b"],
 * ]);
 * assert.equal(headers.get("SUBJECT"), "café");
 * assert.deepEqual(headers.getAll("Received"), ["a", "b"]);
 * assert.equal(headers.has("x-missing"), false);
 * ```
 */
export class MailHeaders implements Iterable<[string, string]> {
  readonly #fields: ReadonlyArray<readonly [string, string]>;
  #index: Map<string, string[]> | undefined;

  /**
   * Wraps header fields.
   *
   * @param fields `[name, raw value]` pairs, values unfolded.
   */
  constructor(fields: Iterable<readonly [string, string]>) {
    this.#fields = [...fields].map(([name, value]) => [name, value] as const);
  }

  #lookup(name: string): string[] {
    if (!this.#index) {
      this.#index = new Map();
      for (const [key, value] of this.#fields) {
        const lower = key.toLowerCase();
        const list = this.#index.get(lower);
        if (list) list.push(value);
        else this.#index.set(lower, [value]);
      }
    }
    return this.#index.get(name.toLowerCase()) ?? [];
  }

  /** How many fields there are. */
  get size(): number {
    return this.#fields.length;
  }

  /**
   * Whether a field is present.
   *
   * @example Usage
   * ```ts
   * import { parseMailHeaders } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const headers = parseMailHeaders(
   *   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nReceived: a\r\nReceived: b\r\n\r\n",
   * );
   * assert.equal(headers.has("subject"), true);
   * assert.equal(headers.has("Cc"), false);
   * ```
   *
   * @param name The field name, any case.
   * @returns True when at least one field has that name.
   */
  has(name: string): boolean {
    return this.#lookup(name).length > 0;
  }

  /**
   * The first field's value, encoded-words decoded.
   *
   * @example Usage
   * ```ts
   * import { parseMailHeaders } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const headers = parseMailHeaders(
   *   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nReceived: a\r\nReceived: b\r\n\r\n",
   * );
   * assert.equal(headers.get("SUBJECT"), "Grüße");
   * assert.equal(headers.get("Cc"), undefined);
   * ```
   *
   * @param name The field name, any case.
   * @returns The value, or undefined.
   */
  get(name: string): string | undefined {
    const raw = this.#lookup(name)[0];
    return raw === undefined ? undefined : decodeMimeWords(raw);
  }

  /**
   * Every value of a field, encoded-words decoded.
   *
   * @example Usage
   * ```ts
   * import { parseMailHeaders } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const headers = parseMailHeaders(
   *   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nReceived: a\r\nReceived: b\r\n\r\n",
   * );
   * assert.deepEqual(headers.getAll("received"), ["a", "b"]);
   * ```
   *
   * @param name The field name, any case.
   * @returns The values, in order.
   */
  getAll(name: string): string[] {
    return this.#lookup(name).map(decodeMimeWords);
  }

  /**
   * The first field's value as written (unfolded, not decoded).
   *
   * @example Usage
   * ```ts
   * import { parseMailHeaders } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const headers = parseMailHeaders(
   *   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nReceived: a\r\nReceived: b\r\n\r\n",
   * );
   * assert.equal(headers.getRaw("Subject"), "=?utf-8?q?Gr=C3=BC=C3=9Fe?=");
   * ```
   *
   * @param name The field name, any case.
   * @returns The value, or undefined.
   */
  getRaw(name: string): string | undefined {
    return this.#lookup(name)[0];
  }

  /**
   * Every value of a field as written.
   *
   * @example Usage
   * ```ts
   * import { parseMailHeaders } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const headers = parseMailHeaders(
   *   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nReceived: a\r\nReceived: b\r\n\r\n",
   * );
   * assert.deepEqual(headers.getAllRaw("Received"), ["a", "b"]);
   * ```
   *
   * @param name The field name, any case.
   * @returns The values, in order.
   */
  getAllRaw(name: string): string[] {
    return [...this.#lookup(name)];
  }

  /**
   * The fields as written: `[name, raw value]`, in order.
   *
   * @example Usage
   * ```ts
   * import { parseMailHeaders } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const headers = parseMailHeaders(
   *   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nReceived: a\r\nReceived: b\r\n\r\n",
   * );
   * assert.deepEqual(headers.raw().map(([name]) => name), ["Subject", "Received", "Received"]);
   * ```
   *
   * @returns The raw fields.
   */
  raw(): [string, string][] {
    return this.#fields.map(([name, value]) => [name, value]);
  }

  /**
   * Iterates `[name, decoded value]` in order.
   *
   * @returns The iterator.
   */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [name, value] of this.#fields) yield [name, decodeMimeWords(value)];
  }
}

/** Limits for reading a header block. */
export interface MailHeaderLimits {
  /**
   * The most fields in one header block.
   *
   * @default {1000}
   */
  maxHeaders?: number;
  /**
   * The most bytes in one header block.
   *
   * @default {1048576}
   */
  maxHeaderBytes?: number;
}

/** Where a header block ended. */
export interface HeaderBlock {
  headers: MailHeaders;
  /** The offset of the first body byte (past the empty line). */
  bodyStart: number;
}

/**
 * Reads the header block of `bytes[start, end)` (CRLF or bare LF line ends).
 * The block ends at an empty line, at a line that is neither a field nor a
 * continuation (that line starts the body, as in Python's parser), or at the
 * end. A leading mbox `From ` line is skipped.
 */
export function readHeaderBlock(
  bytes: Uint8Array,
  start: number,
  end: number,
  limits?: MailHeaderLimits,
): HeaderBlock {
  const maxHeaders = limits?.maxHeaders ?? 1000;
  const maxBytes = limits?.maxHeaderBytes ?? 1024 * 1024;
  const fields: [string, string][] = [];
  let nameOf = "";
  let valueStart = -1;
  let valueEnd = -1;
  const flush = () => {
    if (valueStart < 0) return;
    const raw = decodeHeaderBytes(bytes.subarray(valueStart, valueEnd));
    fields.push([nameOf, trimChars(unfoldMailHeader(raw), " \t", " \t\r\n")]);
    valueStart = -1;
  };
  let pos = start;
  let bodyStart = end;
  // Checked on every header line taken, the last one too: checking only
  // where the next line starts let one endless line (no LF) through whole.
  const tooLong = (next: number) => {
    if (next - start > maxBytes) {
      throw new LimitError(`Cannot parse message: header block longer than ${maxBytes} bytes`);
    }
  };
  while (pos < end) {
    let lineEnd = bytes.indexOf(10, pos);
    if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
    const next = Math.min(lineEnd + 1, end);
    let contentEnd = lineEnd;
    if (contentEnd > pos && bytes[contentEnd - 1] === 13) contentEnd--;
    if (contentEnd === pos) {
      bodyStart = next;
      break;
    }
    const first = bytes[pos]!;
    if (first === 32 || first === 9) {
      tooLong(next);
      if (valueStart >= 0) valueEnd = contentEnd;
      pos = next;
      continue;
    }
    let colon = -1;
    for (let i = pos; i < contentEnd; i++) {
      if (bytes[i] === 58) {
        colon = i;
        break;
      }
    }
    if (colon <= pos) {
      const mbox = pos === start && contentEnd - pos >= 5 && bytes[pos] === 70 &&
        bytes[pos + 1] === 114 && bytes[pos + 2] === 111 && bytes[pos + 3] === 109 &&
        bytes[pos + 4] === 32;
      if (mbox) {
        tooLong(next);
        pos = next;
        continue;
      }
      bodyStart = pos;
      break;
    }
    tooLong(next);
    flush();
    if (fields.length >= maxHeaders) {
      throw new LimitError(`Cannot parse message: more than ${maxHeaders} header fields`);
    }
    nameOf = decodeHeaderBytes(bytes.subarray(pos, colon)).trim();
    valueStart = colon + 1;
    valueEnd = contentEnd;
    pos = next;
  }
  if (pos >= end) bodyStart = end;
  flush();
  return { headers: new MailHeaders(fields), bodyStart };
}
