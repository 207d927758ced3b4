// Copyright 2026 the portline authors. MIT license.
/**
 * Reading messages: the header (unfolded, RFC 2047 decoded), address lists,
 * and the MIME tree with transfer and charset decoding, RFC 2231
 * parameters, attached messages, and limits against hostile input. Used by
 * the POP3, IMAP and NNTP clients, and by anyone holding message bytes.
 *
 * @module
 */
import { LimitError } from "../_core/errors.ts";
import { decodeCharset, utf8 } from "./_util.ts";
import { type MailAddress, parseAddressList } from "./address.ts";
import { decodeMimeBase64 } from "./base64.ts";
import { parseMailDate } from "./date.ts";
import { type MailHeaderLimits, type MailHeaders, readHeaderBlock } from "./header.ts";
import { parseMimeParams } from "./mime_params.ts";
import { decodeQuotedPrintable } from "./quoted_printable.ts";

/** Limits for {@linkcode parseMail}, against hostile or broken input. */
export interface ParseMailOptions extends MailHeaderLimits {
  /**
   * The deepest nesting of multiparts and attached messages (at most 256:
   * the parser recurses, and a few thousand levels overflow the call stack).
   *
   * @default {32}
   */
  maxDepth?: number;
  /**
   * The most body parts in the whole tree.
   *
   * @default {10000}
   */
  maxParts?: number;
}

/** One node of the MIME tree. */
export interface ParsedMailPart {
  /** The part's header fields. */
  headers: MailHeaders;
  /** `type/subtype`, lowercase (`text/plain` when absent or invalid). */
  contentType: string;
  /** The Content-Type parameters, names lowercase, RFC 2231/2047 decoded. */
  params: Record<string, string>;
  /** The Content-Disposition value, lowercase (`"attachment"`, `"inline"`), when present. */
  disposition?: string;
  /** The file name: Content-Disposition `filename`, else Content-Type `name`. */
  filename?: string;
  /** The Content-ID without its angle brackets. */
  contentId?: string;
  /** The Content-Transfer-Encoding, lowercase (`7bit` when absent). */
  transferEncoding: string;
  /** The sub-parts of a multipart (empty otherwise). */
  children: ParsedMailPart[];
  /**
   * The body, transfer-decoded (base64, quoted-printable). For a multipart,
   * the raw body with its boundaries.
   */
  body: Uint8Array;
  /** For `text/*`: the body decoded from its charset, line ends as `\n`. */
  text?: string;
  /** For `message/rfc822` (and `message/global`): the attached message, parsed. */
  message?: ParsedMail;
}

/** A parsed message: its MIME tree and the usual conveniences. */
export interface ParsedMail {
  /** The top-level part (its headers are the message header). */
  root: ParsedMailPart;
  /** The message header. */
  headers: MailHeaders;
  /** The Subject, decoded. */
  subject?: string;
  /** The From mailboxes. */
  from: MailAddress[];
  /** The Sender mailbox. */
  sender?: MailAddress;
  /** The To mailboxes. */
  to: MailAddress[];
  /** The Cc mailboxes. */
  cc: MailAddress[];
  /** The Bcc mailboxes (present only in drafts and sent copies). */
  bcc: MailAddress[];
  /** The Reply-To mailboxes. */
  replyTo: MailAddress[];
  /** The Date, when present and readable. */
  date?: Date;
  /** The Message-ID, with its angle brackets. */
  messageId?: string;
  /** The In-Reply-To message IDs. */
  inReplyTo: string[];
  /** The References message IDs. */
  references: string[];
  /** The plain-text body: the first text/plain part that is not an attachment. */
  text?: string;
  /** The HTML body: the first text/html part that is not an attachment. */
  html?: string;
  /**
   * Every other leaf part, in order: attachments, inline images, attached
   * messages.
   */
  attachments: ParsedMailPart[];
}

const MAX_DEPTH = 256;

interface Context {
  options: ParseMailOptions;
  parts: number;
}

/** Whether `bytes[at, end)` starts with `needle`. */
function startsWithBytes(bytes: Uint8Array, at: number, end: number, needle: Uint8Array): boolean {
  if (at + needle.length > end) return false;
  for (let k = 0; k < needle.length; k++) if (bytes[at + k] !== needle[k]) return false;
  return true;
}

/** Splits a multipart body into its parts' `[start, end)` ranges. */
function splitMultipart(
  bytes: Uint8Array,
  start: number,
  end: number,
  boundary: string,
): [number, number][] {
  const needle = utf8("--" + boundary);
  const ranges: [number, number][] = [];
  let partStart = -1;
  // A delimiter only counts at the start of a line, so only line starts are
  // compared (each comparison stops at the line's LF, which the boundary
  // cannot hold): searching the whole body for the delimiter took
  // O(body × boundary) time on a body of dashes and a long boundary.
  for (let line = start; line < end;) {
    let lineEnd = bytes.indexOf(10, line);
    if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
    const found = line;
    line = lineEnd + 1;
    if (!startsWithBytes(bytes, found, end, needle)) continue;
    let k = found + needle.length;
    // Only bytes before `end` count (past it lies an enclosing part).
    const close = k + 1 < end && bytes[k] === 45 && bytes[k + 1] === 45;
    if (close) k += 2;
    while (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
    if (k < end && bytes[k] !== 13 && bytes[k] !== 10) continue;
    if (partStart >= 0) {
      let partEnd = found;
      if (partEnd > partStart && bytes[partEnd - 1] === 10) partEnd--;
      if (partEnd > partStart && bytes[partEnd - 1] === 13) partEnd--;
      ranges.push([partStart, partEnd]);
    }
    if (close) return ranges;
    partStart = lineEnd >= end ? end : lineEnd + 1;
  }
  // No closing delimiter: the last part runs to the end.
  if (partStart >= 0 && partStart < end) ranges.push([partStart, end]);
  return ranges;
}

function transferDecode(body: Uint8Array, encoding: string): Uint8Array {
  if (encoding === "base64") return decodeMimeBase64(body);
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

function stripAngles(id: string): string {
  return id.trim().replace(/^<(.*)>$/, "$1").trim();
}

function parsePart(
  bytes: Uint8Array,
  start: number,
  end: number,
  depth: number,
  defaultType: string,
  context: Context,
): ParsedMailPart {
  // Capped: with `maxDepth: Infinity`, 3,000 nested parts overflowed the
  // stack (a RangeError) instead of stopping with a LimitError.
  const maxDepth = Math.min(context.options.maxDepth ?? 32, MAX_DEPTH);
  const maxParts = context.options.maxParts ?? 10_000;
  if (depth > maxDepth) {
    throw new LimitError(`Cannot parse message: MIME parts nested deeper than ${maxDepth}`);
  }
  if (++context.parts > maxParts) {
    throw new LimitError(`Cannot parse message: more than ${maxParts} MIME parts`);
  }
  const { headers, bodyStart } = readHeaderBlock(bytes, start, end, context.options);
  const rawType = headers.getRaw("content-type");
  const typeParams = rawType === undefined ? { value: "", params: {} } : parseMimeParams(rawType);
  let contentType = typeParams.value.toLowerCase().replace(/\s+/g, "");
  if (!/^[^/]+\/[^/]+$/.test(contentType)) {
    contentType = rawType === undefined ? defaultType : "text/plain";
  }
  const params = typeParams.params;
  const transferEncoding = (headers.getRaw("content-transfer-encoding") ?? "7bit").trim()
    .toLowerCase();
  const part: ParsedMailPart = {
    headers,
    contentType,
    params,
    transferEncoding,
    children: [],
    body: bytes.subarray(bodyStart, end),
  };
  const rawDisposition = headers.getRaw("content-disposition");
  let filename: string | undefined;
  if (rawDisposition !== undefined) {
    const disposition = parseMimeParams(rawDisposition);
    part.disposition = disposition.value.toLowerCase();
    filename = disposition.params.filename;
  }
  filename ??= params.name;
  if (filename !== undefined) part.filename = filename;
  const contentId = headers.getRaw("content-id");
  if (contentId !== undefined) part.contentId = stripAngles(contentId);

  if (contentType.startsWith("multipart/") && params.boundary) {
    const childType = contentType === "multipart/digest" ? "message/rfc822" : "text/plain";
    for (const [s, e] of splitMultipart(bytes, bodyStart, end, params.boundary)) {
      part.children.push(parsePart(bytes, s, e, depth + 1, childType, context));
    }
    return part;
  }
  part.body = transferDecode(part.body, transferEncoding);
  if (contentType === "message/rfc822" || contentType === "message/global") {
    part.message = parseMessage(part.body, depth + 1, context);
  } else if (contentType.startsWith("text/")) {
    part.text = decodeCharset(part.body, params.charset).replace(/\r\n?/g, "\n");
  }
  return part;
}

function addresses(headers: MailHeaders, name: string): MailAddress[] {
  return headers.getAllRaw(name).flatMap(parseAddressList);
}

function messageIds(value: string | undefined): string[] {
  return value?.match(/<[^<>]*>/g) ?? [];
}

function parseMessage(bytes: Uint8Array, depth: number, context: Context): ParsedMail {
  const root = parsePart(bytes, 0, bytes.length, depth, "text/plain", context);
  const headers = root.headers;
  const mail: ParsedMail = {
    root,
    headers,
    from: addresses(headers, "from"),
    to: addresses(headers, "to"),
    cc: addresses(headers, "cc"),
    bcc: addresses(headers, "bcc"),
    replyTo: addresses(headers, "reply-to"),
    inReplyTo: messageIds(headers.getRaw("in-reply-to")),
    references: messageIds(headers.getRaw("references")),
    attachments: [],
  };
  const subject = headers.get("subject");
  if (subject !== undefined) mail.subject = subject;
  const sender = addresses(headers, "sender")[0];
  if (sender) mail.sender = sender;
  const date = headers.getRaw("date");
  const parsedDate = date === undefined ? undefined : parseMailDate(date);
  if (parsedDate) mail.date = parsedDate;
  const messageId = headers.getRaw("message-id")?.trim();
  if (messageId) mail.messageId = messageId;

  const walk = (part: ParsedMailPart) => {
    if (part.children.length || part.contentType.startsWith("multipart/")) {
      part.children.forEach(walk);
      return;
    }
    const body = (part.contentType === "text/plain" || part.contentType === "text/html") &&
      part.disposition !== "attachment" && part.filename === undefined;
    if (body) {
      if (part.contentType === "text/plain") mail.text ??= part.text;
      else mail.html ??= part.text;
      return;
    }
    mail.attachments.push(part);
  };
  walk(root);
  return mail;
}

/**
 * Parses a message: header fields unfolded and RFC 2047 decoded, address
 * lists, the MIME tree with transfer decoding (base64, quoted-printable),
 * charset decoding of text parts (any charset `TextDecoder` knows; raw UTF-8
 * headers too), RFC 2231 parameters, and attached messages parsed in turn.
 * It is lenient where mail is messy — bare LF line ends, missing closing
 * boundaries, unknown charsets, bad base64 — and strict where input could
 * be hostile: nesting depth, part count and header size are limited.
 *
 * @example Usage
 * ```ts
 * import { parseMail } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const mail = parseMail(
 *   "From: =?utf-8?Q?J=C3=B6rg?= <j@example.org>\n" +
 *     "To: ann@example.org, \"Lee, Bo\" <bo@example.org>\n" +
 *     "Subject: =?utf-8?B?R3LDvMOfZQ==?=\n" +
 *     "Content-Type: multipart/mixed; boundary=XX\n\n" +
 *     "--XX\nContent-Type: text/plain; charset=iso-8859-1\n" +
 *     "Content-Transfer-Encoding: quoted-printable\n\nK=F6ln\n" +
 *     "--XX\nContent-Type: application/octet-stream\n" +
 *     "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.bin\n" +
 *     "Content-Transfer-Encoding: base64\n\nAQID\n--XX--\n",
 * );
 * assert.equal(mail.subject, "Grüße");
 * assert.deepEqual(mail.from, [{ name: "Jörg", address: "j@example.org" }]);
 * assert.equal(mail.to[1]!.name, "Lee, Bo");
 * assert.equal(mail.text, "Köln");
 * assert.equal(mail.attachments[0]!.filename, "€.bin");
 * assert.deepEqual(mail.attachments[0]!.body, new Uint8Array([1, 2, 3]));
 * ```
 *
 * @param input The message bytes (or text, which is UTF-8 encoded first).
 * @param options Limits.
 * @returns The parsed message.
 * @throws {LimitError} When a limit is exceeded.
 */
export function parseMail(input: Uint8Array | string, options?: ParseMailOptions): ParsedMail {
  const bytes = typeof input === "string" ? utf8(input) : input;
  return parseMessage(bytes, 0, { options: options ?? {}, parts: 0 });
}

/**
 * Parses only the header of a message (for a POP3 `TOP` or an IMAP
 * `BODY[HEADER]`): stops at the first empty line.
 *
 * @example Usage
 * ```ts
 * import { parseAddressList, parseMailHeaders } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const headers = parseMailHeaders("Subject: hi\r\nTo: a@example.org,\r\n b@example.org\r\n\r\nbody");
 * assert.equal(headers.get("subject"), "hi");
 * assert.equal(parseAddressList(headers.getRaw("to")!).length, 2);
 * ```
 *
 * @param input The message or header bytes (or text).
 * @param options Limits.
 * @returns The header fields.
 * @throws {LimitError} When a limit is exceeded.
 */
export function parseMailHeaders(
  input: Uint8Array | string,
  options?: MailHeaderLimits,
): MailHeaders {
  const bytes = typeof input === "string" ? utf8(input) : input;
  return readHeaderBlock(bytes, 0, bytes.length, options).headers;
}

/** Options of {@linkcode parseMailStream}. */
export interface ParseMailStreamOptions extends ParseMailOptions {
  /**
   * The largest message accepted, in bytes.
   *
   * @default {67108864}
   */
  maxBytes?: number;
}

/**
 * Reads a message from a stream (a POP3 `RETR`, an IMAP literal) and parses
 * it, refusing messages over `maxBytes` as they arrive.
 *
 * @example Usage
 * ```ts
 * import { parseMailStream } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const stream = ReadableStream.from([new TextEncoder().encode("Subject: hi\r\n\r\nbody\r\n")]);
 * assert.equal((await parseMailStream(stream)).text, "body\n");
 * ```
 *
 * @param stream The message bytes.
 * @param options Limits.
 * @returns The parsed message.
 * @throws {LimitError} When the message or a limit is exceeded.
 */
export async function parseMailStream(
  stream: ReadableStream<Uint8Array>,
  options?: ParseMailStreamOptions,
): Promise<ParsedMail> {
  const maxBytes = options?.maxBytes ?? 64 * 1024 * 1024;
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new LimitError(`Cannot parse message: longer than ${maxBytes} bytes`);
      }
      parts.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return parseMail(bytes, options);
}
