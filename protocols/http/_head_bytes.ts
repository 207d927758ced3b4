// Copyright 2026 the portline authors. MIT license.
/**
 * Response heads parsed straight from the read buffer: line ends found four
 * bytes at a time, names and values checked on bytes against lookup tables,
 * one latin1 decode per head sliced into strings, and the framing fields
 * (Content-Length, Transfer-Encoding, Connection, Keep-Alive) recognised in
 * the same pass. Anything unusual is handed to the string parsers of
 * `parse.ts`, which throw the precise error (or decide the framing), so both
 * paths accept exactly the same messages.
 *
 * @module
 */
import { HttpLimitError, HttpParseError } from "./errors.ts";
import {
  httpBodyFraming,
  type HttpFraming,
  type HttpHeaderList,
  type HttpResponseHead,
  parseHttpHeaderLine,
  parseHttpStatusLine,
} from "./parse.ts";

const LF = 10;
const CR = 13;
const SP = 32;
const HT = 9;
const COLON = 58;

/** tchar (RFC 9110 §5.6.2): 1, else 0; bytes >= 0x80 are not tchar. */
export const TCHAR: Uint8Array = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[c.charCodeAt(0)] = 1;
}
/** Bytes a field value may hold: HTAB, SP..~, obs-text (0x80-0xFF). */
export const VCHAR: Uint8Array = new Uint8Array(256);
VCHAR[HT] = 1;
for (let c = 0x20; c < 0x100; c++) if (c !== 0x7f) VCHAR[c] = 1;

/**
 * Finds the first LF in `bytes[from, to)`, four bytes per step (the SWAR
 * zero-byte test on an `Int32Array` view of the same buffer).
 *
 * @param bytes The buffer (byteOffset 0).
 * @param words An `Int32Array` over the same buffer.
 * @param from The first index.
 * @param to The end index.
 * @returns The index of the LF, or -1.
 */
export function scanLf(bytes: Uint8Array, words: Int32Array, from: number, to: number): number {
  let i = from;
  while (i < to && (i & 3) !== 0) {
    if (bytes[i] === LF) return i;
    i++;
  }
  if (i >= to) return -1;
  const lastWord = to >>> 2;
  let w = i >>> 2;
  for (; w < lastWord; w++) {
    const v = words[w]! ^ 0x0a0a0a0a;
    if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
  }
  for (i = w << 2; i < to; i++) if (bytes[i] === LF) return i;
  return -1;
}

/**
 * A response head read off the wire: the status line parsed and every field
 * checked on bytes, the framing fields noted; the field list is split from
 * the decoded text only when someone asks for it.
 */
export class WireHead implements HttpResponseHead {
  /** `"1.1"` or `"1.0"`. */
  version: "1.0" | "1.1" = "1.1";
  /** The status code. */
  status = 200;
  /** The reason phrase. */
  statusText = "";
  /** Content-Length fields seen. */
  lengths = 0;
  /** The value of the only Content-Length (plain digits, <= 15), else -1. */
  length = -1;
  /** Whether a field needs the full `httpBodyFraming` rules. */
  complex = false;
  /** 0: no Connection field, 1: `keep-alive`, 2: `close`. */
  connection = 0;
  #text: string;
  #fields = 0;
  #headers: HttpHeaderList | undefined;

  /**
   * @param text The head decoded as latin1, line ends included.
   */
  constructor(text: string) {
    this.#text = text;
  }

  /** The fields, split on first use. */
  get headers(): HttpHeaderList {
    return this.#headers ??= splitFields(this.#text, this.#fields);
  }

  set headers(list: HttpHeaderList) {
    this.#headers = list;
  }

  /** Where the fields start in the text (after the status line). */
  set fieldsAt(at: number) {
    this.#fields = at;
  }

  /** A plain copy (for callbacks). */
  plain(): HttpResponseHead {
    return {
      version: this.version,
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    };
  }
}

/**
 * Splits checked field lines into pairs: the name up to the colon, the
 * value without surrounding whitespace, up to the empty line.
 *
 * @param text The text.
 * @param from Where the first field line starts.
 * @returns The fields.
 */
export function splitFields(text: string, from: number): HttpHeaderList {
  const list: HttpHeaderList = [];
  let p = from;
  for (;;) {
    const lf = text.indexOf("\n", p);
    let le = lf === -1 ? text.length : lf;
    if (le > p && text.charCodeAt(le - 1) === CR) le--;
    if (le <= p) return list;
    const colon = text.indexOf(":", p);
    let vs = colon + 1;
    let ve = le;
    let c = text.charCodeAt(vs);
    while (vs < ve && (c === SP || c === HT)) c = text.charCodeAt(++vs);
    c = text.charCodeAt(ve - 1);
    while (ve > vs && (c === SP || c === HT)) c = text.charCodeAt(--ve - 1);
    list.push([text.slice(p, colon), text.slice(vs, ve)]);
    p = lf + 1;
  }
}

/** Whether `bytes[at, at + lit.length)` equals `lit` (lower-case ASCII) ignoring case. */
function equalsLower(bytes: Uint8Array, at: number, lit: Uint8Array): boolean {
  for (let i = 0; i < lit.length; i++) {
    // Letters only get 0x20 OR'ed; the literals' non-letters ("-") match themselves.
    if ((bytes[at + i]! | 0x20) !== lit[i]) return false;
  }
  return true;
}

const ascii = (s: string) => new TextEncoder().encode(s);
const CONTENT_LENGTH = ascii("content-length");
const TRANSFER_ENCODING = ascii("transfer-encoding");
const CONNECTION = ascii("connection");
const KEEP_ALIVE = ascii("keep-alive");
const CLOSE = ascii("close");

/**
 * Checks one complete head `bytes[start, end)` (status line, fields, empty
 * line), or a trailer section (fields, empty line) when `head` is
 * undefined, enforcing the limits; the status line and framing fields go
 * into `head`. A malformed line is handed to the string parsers, which
 * throw the precise error.
 *
 * @param bytes The buffer.
 * @param words An `Int32Array` over the same buffer.
 * @param text `bytes[start, end)` decoded as latin1.
 * @param start The head's first byte.
 * @param end Just after the head's empty line.
 * @param maxBytes The most bytes (lines counted with two-byte line ends).
 * @param maxCount The most fields.
 * @param head Where the status line and framing hints go; none for trailers.
 * @throws {HttpParseError} On a malformed line.
 * @throws {HttpLimitError} When a limit is exceeded.
 */
export function scanHead(
  bytes: Uint8Array,
  words: Int32Array,
  text: string,
  start: number,
  end: number,
  maxBytes: number,
  maxCount: number,
  head: WireHead | undefined,
): void {
  const what = head === undefined ? "trailers" : "headers";
  let total = 0;
  let count = 0;
  let p = start;
  if (head !== undefined) {
    const lf = scanLf(bytes, words, p, end);
    const le = lf > p && bytes[lf - 1] === CR ? lf - 1 : lf;
    total = le - p + 2;
    if (total > maxBytes) {
      throw new HttpLimitError(`Cannot read the response ${what}: larger than ${maxBytes} bytes`);
    }
    statusLine(bytes, text, start, p, le, head);
    p = lf + 1;
    head.fieldsAt = p - start;
  }
  for (;;) {
    // The caller found the empty line, so there is always one more LF.
    const lf = scanLf(bytes, words, p, end);
    const le = lf > p && bytes[lf - 1] === CR ? lf - 1 : lf;
    total += le - p + 2;
    if (total > maxBytes) {
      throw new HttpLimitError(`Cannot read the response ${what}: larger than ${maxBytes} bytes`);
    }
    if (le === p) return;
    if (++count > maxCount) {
      throw new HttpLimitError(`Cannot read the response ${what}: more than ${maxCount} fields`);
    }
    // Name: tchar up to the colon (no whitespace before it, no obs-fold).
    let i = p;
    while (i < le && TCHAR[bytes[i]!] === 1) i++;
    let vs = i + 1;
    let ve = le;
    if (i !== p && i !== le && bytes[i] === COLON) {
      while (vs < ve && (bytes[vs] === SP || bytes[vs] === HT)) vs++;
      while (ve > vs && (bytes[ve - 1] === SP || bytes[ve - 1] === HT)) ve--;
      let k = vs;
      while (k < ve && VCHAR[bytes[k]!] === 1) k++;
      if (k < ve) i = p;
    } else {
      i = p;
    }
    if (i === p) {
      // The string parser throws the precise error.
      parseHttpHeaderLine(text.slice(p - start, le - start));
      throw new HttpParseError(`Cannot parse header line at byte ${p - start}`);
    }
    if (head !== undefined) {
      const n = i - p;
      if (n === 14) {
        if (equalsLower(bytes, p, CONTENT_LENGTH)) {
          head.lengths++;
          head.length = digits(bytes, vs, ve);
          if (head.length < 0) head.complex = true;
        }
      } else if (n === 17) {
        if (equalsLower(bytes, p, TRANSFER_ENCODING)) head.complex = true;
      } else if (n === 10) {
        if (equalsLower(bytes, p, CONNECTION)) {
          if (head.connection !== 0) head.complex = true;
          else if (ve - vs === 10 && equalsLower(bytes, vs, KEEP_ALIVE)) head.connection = 1;
          else if (ve - vs === 5 && equalsLower(bytes, vs, CLOSE)) head.connection = 2;
          else head.complex = true;
        } else if (equalsLower(bytes, p, KEEP_ALIVE)) head.complex = true;
      }
    }
    p = lf + 1;
  }
}

/** A decimal Content-Length of 1-15 plain digits, else -1. */
function digits(bytes: Uint8Array, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function statusLine(
  bytes: Uint8Array,
  text: string,
  base: number,
  p: number,
  le: number,
  head: WireHead,
): void {
  const n = le - p;
  const d0 = bytes[p + 9]! - 48;
  const d1 = bytes[p + 10]! - 48;
  const d2 = bytes[p + 11]! - 48;
  const minor = bytes[p + 7];
  let ok = n >= 12 && bytes[p] === 72 && bytes[p + 1] === 84 && bytes[p + 2] === 84 &&
    bytes[p + 3] === 80 && bytes[p + 4] === 47 && bytes[p + 5] === 49 && bytes[p + 6] === 46 &&
    (minor === 48 || minor === 49) && bytes[p + 8] === SP && (n === 12 || bytes[p + 12] === SP) &&
    d0 >= 1 && d0 <= 5 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9;
  if (ok) {
    for (let k = p + 13; k < le; k++) {
      if (VCHAR[bytes[k]!] !== 1) {
        ok = false;
        break;
      }
    }
  }
  if (!ok) {
    const parsed = parseHttpStatusLine(text.slice(p - base, le - base));
    head.version = parsed.version;
    head.status = parsed.status;
    head.statusText = parsed.statusText;
    return;
  }
  head.version = minor === 49 ? "1.1" : "1.0";
  head.status = d0 * 100 + d1 * 10 + d2;
  head.statusText = n > 13 ? text.slice(p + 13 - base, le - base) : "";
}

/**
 * The body framing of a scanned head: decided here for the plain cases (at
 * most one plain Content-Length, no Transfer-Encoding, no Keep-Alive field,
 * at most one Connection field of `keep-alive` or `close`), else by
 * `httpBodyFraming` with all its checks.
 *
 * @param head The head.
 * @param method The request method.
 * @returns The framing.
 * @throws {HttpParseError} When the framing is ambiguous or invalid.
 */
export function framingOf(head: WireHead, method: string): HttpFraming {
  if (head.complex || head.lengths > 1) return httpBodyFraming(head, method);
  let keepAlive = head.version === "1.1";
  if (head.connection === 2) keepAlive = false;
  else if (head.connection === 1 && head.version === "1.0") keepAlive = true;
  const status = head.status;
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) {
    return { kind: "none", length: -1, codings: [], keepAlive };
  }
  if (head.lengths === 1) return { kind: "length", length: head.length, codings: [], keepAlive };
  return { kind: "close", length: -1, codings: [], keepAlive: false };
}
