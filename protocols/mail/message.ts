// Copyright 2026 the portline authors. MIT license.
/**
 * Composing messages (RFC 5322 + MIME): {@linkcode MailMessage} turns a
 * {@linkcode MailInit} into the bytes an SMTP client sends, streamed so large
 * attachments never sit in memory whole, and tells the client the envelope
 * and which SMTP extensions the message needs.
 *
 * @module
 */
import { concatBytes, DotStuffEncoder, InvalidArgumentError } from "../_core/writer.ts";
import { contentTypeFor } from "./_mime_types.ts";
import {
  assertHeaderText,
  isAscii,
  isAsciiBytes,
  looksEncoded,
  preview,
  randomHex,
  toCrlf,
  utf8,
} from "./_util.ts";
import {
  type AddressInput,
  checkAddress,
  formatMailAddress,
  type MailAddress,
  toMailAddresses,
} from "./address.ts";
import { encodeMimeBase64, MimeBase64Encoder, mimeBase64Length } from "./base64.ts";
import { formatMailDate } from "./date.ts";
import { encodeMimeWords } from "./encoded_word.ts";
import { assertHeaderName, formatMailHeader } from "./header.ts";
import { formatMimeParam, formatMimeParams, parseMimeParams } from "./mime_params.ts";
import { encodeQuotedPrintable } from "./quoted_printable.ts";

/** A file attached to a message, or an inline part an HTML body refers to. */
export interface MailAttachment {
  /** The file name shown to the recipient (any Unicode; RFC 2231 encoded). */
  filename?: string;
  /**
   * The content type, parameters allowed (`"text/csv; charset=utf-8"`).
   * Defaults to one guessed from the file name, else
   * `application/octet-stream`.
   */
  contentType?: string;
  /**
   * The content. Strings are sent as UTF-8; streams are read once, while the
   * message is streamed, and base64-encoded on the fly.
   */
  content: string | Uint8Array | ReadableStream<Uint8Array>;
  /**
   * A Content-ID (with or without `<>`): the part becomes an inline part of
   * a `multipart/related` body, which the HTML refers to as `cid:…`.
   */
  contentId?: string;
  /**
   * The Content-Disposition: `"inline"` by default for parts with a
   * Content-ID, `"attachment"` otherwise.
   */
  disposition?: "attachment" | "inline";
}

/** What a message is made of. */
export interface MailInit {
  /** The author(s). Several need a `sender`. */
  from: AddressInput;
  /** Who sent it on the author's behalf; becomes the envelope sender. */
  sender?: AddressInput;
  /** Primary recipients. */
  to?: AddressInput;
  /** Copied recipients. */
  cc?: AddressInput;
  /** Blind-copied recipients: in the envelope, never in the header. */
  bcc?: AddressInput;
  /** Where replies go. */
  replyTo?: AddressInput;
  /** The subject (any Unicode). */
  subject?: string;
  /** The plain-text body. */
  text?: string;
  /** The HTML body (with `text`, the two become `multipart/alternative`). */
  html?: string;
  /** Attachments and inline parts. */
  attachments?: MailAttachment[];
  /** Further header fields (unstructured text; non-ASCII is encoded). */
  headers?: Record<string, string> | [string, string][];
  /** The Date header; now by default. */
  date?: Date;
  /** The Message-ID (with or without `<>`); generated from the From domain by default. */
  messageId?: string;
  /**
   * Allow non-ASCII addresses (RFC 6531/6532): the message then needs a
   * server offering SMTPUTF8, and its header carries raw UTF-8. Without
   * it, a non-ASCII local part is an error and a non-ASCII domain is written
   * in its IDNA (punycode) form.
   *
   * @default {false}
   */
  smtpUtf8?: boolean;
}

/** The SMTP envelope of a message. */
export interface MailEnvelope {
  /** The reverse path (MAIL FROM): Sender, else From. */
  from: string;
  /** The forward paths (RCPT TO): To, Cc and Bcc, deduplicated. */
  to: string[];
}

interface Leaf {
  kind: "leaf";
  header: Uint8Array;
  base64: boolean;
  eightBit: boolean;
  /** An in-memory body, written as is. */
  raw?: Uint8Array;
  /** Bytes to base64-encode on the fly. */
  binary?: Uint8Array;
  /** A stream to encode on the fly. */
  stream?: ReadableStream<Uint8Array>;
  /** How to encode the stream. */
  streamMode?: "base64" | "crlf";
}

interface Multi {
  kind: "multi";
  header: Uint8Array;
  boundary: string;
  children: Node[];
}

type Node = Leaf | Multi;

interface Tail {
  wrote: boolean;
  crlf: boolean;
  prev: number;
  last: number;
}

interface Mailbox {
  name?: string;
  /** The address as written (domain in IDNA form unless SMTPUTF8). */
  address: string;
  domain: string;
}

const RESERVED = new Set([
  "from",
  "sender",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
]);
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const CHUNK = 57 * 1024;
const COALESCE = 16 * 1024;
const CRLF = utf8("\r\n");

/** The longest line in bytes, or Infinity when there is a NUL (never 7bit or 8bit). */
function longestLine(bytes: Uint8Array): number {
  let longest = 0;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      const end = i > start && bytes[i - 1] === 13 ? i - 1 : i;
      if (end - start > longest) longest = end - start;
      start = i + 1;
    } else if (bytes[i] === 0) {
      return Infinity;
    }
  }
  return longest;
}

function toAsciiDomain(domain: string, address: string): string {
  if (isAscii(domain) || domain.startsWith("[")) return domain;
  try {
    return new URL("http://" + domain).hostname;
  } catch (cause) {
    throw new InvalidArgumentError(
      `Cannot use address "${preview(address, 80)}": its domain is not a valid host name`,
      { cause },
    );
  }
}

function indexOfText(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let k = 1;
    while (k < needle.length && haystack[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/**
 * A message ready to send: built from a {@linkcode MailInit}, checked up
 * front (bad addresses, CR/LF in header values and the like throw from the
 * constructor), and written on demand with {@linkcode MailMessage.stream} or
 * {@linkcode MailMessage.bytes}.
 *
 * The structure follows the content: text and HTML become
 * `multipart/alternative`; inline parts with a Content-ID are grouped with
 * the HTML in `multipart/related`; attachments make it `multipart/mixed`.
 * Text is UTF-8, sent 7bit when it is short-lined ASCII, else as
 * quoted-printable or base64, whichever is smaller; attachments are base64
 * in 76-character lines. Non-ASCII header text becomes RFC 2047
 * encoded-words, file names RFC 2231 parameters (with an encoded-word
 * `name=` for old readers). Bcc is never written.
 *
 * @example Usage
 * ```ts
 * import { MailMessage, parseMail } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const message = new MailMessage({
 *   from: "Ann Lee <ann@example.org>",
 *   to: ["bo@example.org", { name: "Lee, Cy", address: "cy@example.org" }],
 *   bcc: "audit@example.org",
 *   subject: "Grüße",
 *   text: "Hello!\n",
 *   attachments: [{ filename: "notes.txt", content: "some notes" }],
 * });
 * assert.deepEqual(message.envelope(), {
 *   from: "ann@example.org",
 *   to: ["bo@example.org", "cy@example.org", "audit@example.org"],
 * });
 * const parsed = parseMail(await message.bytes());
 * assert.equal(parsed.subject, "Grüße");
 * assert.equal(parsed.text, "Hello!\n");
 * assert.equal(parsed.attachments[0]!.filename, "notes.txt");
 * assert.equal(parsed.headers.has("Bcc"), false);
 * ```
 */
export class MailMessage {
  /**
   * True when an address is non-ASCII and `smtpUtf8` was set: the message
   * must go with the SMTPUTF8 parameter, and its header carries raw UTF-8.
   */
  readonly needsSmtpUtf8: boolean;
  /**
   * True when the message contains 8-bit data (raw UTF-8 headers of an
   * SMTPUTF8 message, 8bit text parts, or an attached 8-bit message): it
   * must go with BODY=8BITMIME. Our own encodings are 7-bit otherwise.
   */
  readonly needs8BitMime: boolean;
  /** The Message-ID, with its angle brackets. */
  readonly messageId: string;
  /** The Date. */
  readonly date: Date;

  readonly #from: Mailbox[];
  readonly #sender: Mailbox | undefined;
  readonly #recipients: Mailbox[];
  readonly #header: Uint8Array;
  readonly #root: Node;
  readonly #oneShot: boolean;
  readonly #utf8: boolean;
  #streamed = false;

  /**
   * Builds and checks a message.
   *
   * @param init The message's parts.
   * @throws {InvalidArgumentError} On an invalid or missing address, CR/LF
   * or NUL in a header value, a non-ASCII local part without `smtpUtf8`,
   * several From addresses without a Sender, a custom header that one of
   * the fields sets, or an invalid content type.
   */
  constructor(init: MailInit) {
    const smtpUtf8 = init.smtpUtf8 ?? false;
    const mailboxes = (input: AddressInput | undefined) =>
      toMailAddresses(input).map((mailbox) => this.#mailbox(mailbox, smtpUtf8));
    this.#from = mailboxes(init.from);
    if (this.#from.length === 0) {
      throw new InvalidArgumentError("Cannot compose message: it has no From address");
    }
    const senders = mailboxes(init.sender);
    if (senders.length > 1) {
      throw new InvalidArgumentError("Cannot compose message: Sender holds one address only");
    }
    this.#sender = senders[0];
    if (this.#from.length > 1 && !this.#sender) {
      throw new InvalidArgumentError(
        "Cannot compose message: several From addresses need a Sender (RFC 5322 §3.6.2)",
      );
    }
    const to = mailboxes(init.to);
    const cc = mailboxes(init.cc);
    const bcc = mailboxes(init.bcc);
    const replyTo = mailboxes(init.replyTo);
    this.#recipients = [...to, ...cc, ...bcc];
    const all = [...this.#from, ...senders, ...this.#recipients, ...replyTo];
    this.needsSmtpUtf8 = all.some((mailbox) => !isAscii(mailbox.address));
    this.#utf8 = this.needsSmtpUtf8;

    this.date = init.date ?? new Date();
    if (
      !(this.date instanceof Date) || Number.isNaN(this.date.getTime()) ||
      this.date.getUTCFullYear() < 0
    ) {
      throw new InvalidArgumentError("Cannot compose message: its date is invalid");
    }
    this.messageId = this.#messageId(init.messageId);

    const attachments = init.attachments ?? [];
    this.#oneShot = attachments.some((attachment) => attachment.content instanceof ReadableStream);
    this.#root = this.#structure(init, attachments);

    const fields: string[] = [];
    const utf8Headers = { utf8: this.#utf8 };
    const addressField = (name: string, list: Mailbox[]) => {
      if (list.length === 0) return;
      const value = list.map((mailbox) => formatMailAddress(mailbox, utf8Headers)).join(", ");
      fields.push(formatMailHeader(name, value, utf8Headers));
    };
    fields.push(formatMailHeader("Date", formatMailDate(this.date)));
    addressField("From", this.#from);
    addressField("Sender", senders);
    addressField("Reply-To", replyTo);
    addressField("To", to);
    addressField("Cc", cc);
    if (init.subject !== undefined) {
      assertHeaderText(init.subject, "subject");
      fields.push(
        formatMailHeader("Subject", init.subject, { unstructured: true, ...utf8Headers }),
      );
    }
    fields.push(formatMailHeader("Message-ID", this.messageId));
    const custom = init.headers === undefined
      ? []
      : Array.isArray(init.headers)
      ? init.headers
      : Object.entries(init.headers);
    for (const [name, value] of custom) {
      assertHeaderName(name);
      if (RESERVED.has(name.toLowerCase())) {
        throw new InvalidArgumentError(
          `Cannot set header "${name}" through headers: use its own field of the message`,
        );
      }
      if (typeof value !== "string") {
        throw new InvalidArgumentError(`Cannot set header "${name}": its value is not a string`);
      }
      fields.push(formatMailHeader(name, value, { unstructured: true, ...utf8Headers }));
    }
    fields.push("MIME-Version: 1.0\r\n");
    this.#header = utf8(fields.join(""));
    this.needs8BitMime = !isAsciiBytes(this.#header) || this.#has8Bit(this.#root);
  }

  #mailbox(mailbox: MailAddress, smtpUtf8: boolean): Mailbox {
    if (mailbox.name !== undefined) assertHeaderText(mailbox.name, "display name");
    const { local, domain } = checkAddress(mailbox.address);
    if (!smtpUtf8 && !isAscii(local)) {
      throw new InvalidArgumentError(
        `Cannot use address "${preview(mailbox.address, 80)}": its local part is not ASCII ` +
          "(set smtpUtf8 to send it to servers offering SMTPUTF8)",
      );
    }
    const written = smtpUtf8 ? domain : toAsciiDomain(domain, mailbox.address);
    const address = `${local}@${written}`;
    return mailbox.name
      ? { name: mailbox.name, address, domain: written }
      : { address, domain: written };
  }

  #messageId(given: string | undefined): string {
    if (given !== undefined) {
      assertHeaderText(given, "Message-ID");
      const id = given.trim().replace(/^<(.*)>$/, "$1");
      if (!/^[!-;=?-~]+$/.test(id)) {
        throw new InvalidArgumentError(
          `Cannot use Message-ID "${preview(given, 80)}": not id@domain`,
        );
      }
      return `<${id}>`;
    }
    let domain = this.#from[0]!.domain;
    try {
      domain = toAsciiDomain(domain, domain);
    } catch {
      domain = "localhost";
    }
    return `<${Date.now().toString(36)}.${randomHex(12)}@${domain}>`;
  }

  #has8Bit(node: Node): boolean {
    return node.kind === "leaf"
      ? node.eightBit
      : node.children.some((child) => this.#has8Bit(child));
  }

  #structure(init: MailInit, attachments: MailAttachment[]): Node {
    if (init.text !== undefined && typeof init.text !== "string") {
      throw new InvalidArgumentError("Cannot compose message: text is not a string");
    }
    if (init.html !== undefined && typeof init.html !== "string") {
      throw new InvalidArgumentError("Cannot compose message: html is not a string");
    }
    const hasHtml = init.html !== undefined;
    const related = attachments.filter((attachment) =>
      hasHtml && attachment.contentId !== undefined &&
      (attachment.disposition ?? "inline") === "inline"
    );
    const mixed = attachments.filter((attachment) => !related.includes(attachment));
    const single = mixed.length === 0 && related.length === 0 &&
      !(init.text !== undefined && hasHtml);

    let html: Node | undefined = hasHtml ? this.#text(init.html!, "html", single) : undefined;
    if (html && related.length) {
      html = this.#multi("related", [html, ...related.map((a) => this.#attachment(a))], [[
        "type",
        "text/html",
      ]]);
    }
    const text = init.text !== undefined ? this.#text(init.text, "plain", single) : undefined;
    let body: Node | undefined = text && html
      ? this.#multi("alternative", [text, html])
      : text ?? html;
    if (mixed.length) {
      body = this.#multi("mixed", [
        ...(body ? [body] : []),
        ...mixed.map((a) => this.#attachment(a)),
      ]);
    }
    return body ?? this.#text("", "plain", true);
  }

  #text(text: string, subtype: "plain" | "html", top: boolean): Leaf {
    const bytes = utf8(toCrlf(text));
    const longest = longestLine(bytes);
    let encoding: string;
    let body: string | Uint8Array;
    if (isAsciiBytes(bytes) && longest <= 76) {
      encoding = "7bit";
      body = bytes;
    } else if (this.#utf8 && longest <= 998) {
      encoding = "8bit";
      body = bytes;
    } else {
      const qp = encodeQuotedPrintable(bytes);
      if (qp.length <= mimeBase64Length(bytes.length)) {
        encoding = "quoted-printable";
        body = qp;
        if (top && qp.length && !qp.endsWith("\r\n")) body += "=\r\n";
      } else {
        encoding = "base64";
        body = bytes.length ? encodeMimeBase64(bytes) + "\r\n" : "";
      }
    }
    let raw = typeof body === "string" ? utf8(body) : body;
    if (top && (encoding === "7bit" || encoding === "8bit") && raw.length) {
      const ends = raw[raw.length - 2] === 13 && raw[raw.length - 1] === 10;
      if (!ends) raw = utf8(toCrlf(text) + "\r\n");
    }
    const header = formatMailHeader("Content-Type", `text/${subtype}; charset=utf-8`) +
      formatMailHeader("Content-Transfer-Encoding", encoding);
    return {
      kind: "leaf",
      header: utf8(header),
      base64: encoding === "base64",
      eightBit: encoding === "8bit",
      raw,
    };
  }

  #attachment(attachment: MailAttachment): Leaf {
    const { filename, contentId, content } = attachment;
    if (filename !== undefined) assertHeaderText(filename, "attachment filename");
    const declared = attachment.contentType ?? contentTypeFor(filename);
    assertHeaderText(declared, "attachment content type");
    const parsed = parseMimeParams(declared);
    const type = parsed.value.toLowerCase();
    const slash = type.indexOf("/");
    if (slash <= 0 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) {
      throw new InvalidArgumentError(
        `Cannot attach "${filename ?? ""}": bad content type "${declared}"`,
      );
    }
    if (type.startsWith("multipart/")) {
      throw new InvalidArgumentError(
        `Cannot attach "${filename ?? ""}": a multipart type needs its parts`,
      );
    }
    const isStream = content instanceof ReadableStream;
    if (!isStream && typeof content !== "string" && !(content instanceof Uint8Array)) {
      throw new InvalidArgumentError(
        `Cannot attach "${filename ?? ""}": content is not a string, Uint8Array or ReadableStream`,
      );
    }
    const params = Object.entries(parsed.params).filter(([name]) => name !== "name");
    if (typeof content === "string" && type.startsWith("text/") && !parsed.params.charset) {
      params.push(["charset", "utf-8"]);
    }
    let contentType = formatMimeParams(type, params);
    if (filename !== undefined) {
      const plain = isAscii(filename) && filename.length <= 64 && !looksEncoded(filename);
      contentType += "; " +
        (plain ? formatMimeParam("name", filename) : `name="${encodeMimeWords(filename)}"`);
    }
    const disposition = attachment.disposition ??
      (contentId !== undefined ? "inline" : "attachment");
    if (disposition !== "inline" && disposition !== "attachment") {
      throw new InvalidArgumentError(
        `Cannot attach "${filename ?? ""}": bad disposition "${disposition}"`,
      );
    }

    const message = type.startsWith("message/");
    let leaf: Leaf;
    let encoding: string;
    if (message) {
      // RFC 2046 §5.2.1: message/* is never base64; it goes as 7bit or 8bit.
      if (isStream) {
        encoding = "8bit";
        leaf = {
          kind: "leaf",
          header: new Uint8Array(),
          base64: false,
          eightBit: true,
          stream: content,
          streamMode: "crlf",
        };
      } else {
        const normalizer = new DotStuffEncoder({ stuffDots: false });
        const bytes = typeof content === "string" ? utf8(content) : content;
        const head = normalizer.push(bytes);
        const tail = head.length ? normalizer.end() : new Uint8Array();
        const raw = new Uint8Array(head.length + tail.length);
        raw.set(head, 0);
        raw.set(tail, head.length);
        const eightBit = !isAsciiBytes(raw);
        encoding = eightBit ? "8bit" : "7bit";
        leaf = { kind: "leaf", header: new Uint8Array(), base64: false, eightBit, raw };
      }
    } else {
      encoding = "base64";
      leaf = isStream
        ? {
          kind: "leaf",
          header: new Uint8Array(),
          base64: true,
          eightBit: false,
          stream: content,
          streamMode: "base64",
        }
        : {
          kind: "leaf",
          header: new Uint8Array(),
          base64: true,
          eightBit: false,
          binary: typeof content === "string" ? utf8(content) : content,
        };
    }

    const fields = [
      formatMailHeader("Content-Type", contentType),
      formatMailHeader("Content-Transfer-Encoding", encoding),
      formatMailHeader(
        "Content-Disposition",
        filename === undefined
          ? disposition
          : formatMimeParams(disposition, [["filename", filename]]),
      ),
    ];
    if (contentId !== undefined) {
      assertHeaderText(contentId, "Content-ID");
      const id = contentId.trim().replace(/^<(.*)>$/, "$1");
      if (!/^[!-;=?-~]+$/.test(id)) {
        throw new InvalidArgumentError(
          `Cannot use Content-ID "${preview(contentId, 80)}": not printable ASCII`,
        );
      }
      fields.push(formatMailHeader("Content-ID", `<${id}>`));
    }
    leaf.header = utf8(fields.join(""));
    return leaf;
  }

  #multi(subtype: string, children: Node[], params: [string, string][] = []): Multi {
    let boundary: string;
    const texts: Uint8Array[] = [];
    const collect = (node: Node) => {
      if (node.kind === "multi") node.children.forEach(collect);
      else if (!node.base64 && node.raw) texts.push(node.raw);
    };
    children.forEach(collect);
    // "=_" never occurs in base64 or quoted-printable output; the 7bit/8bit
    // parts are checked, so the boundary is never present in the content.
    do boundary = "=_" + randomHex(12); while (
      texts.some((text) => indexOfText(text, utf8("--" + boundary)) >= 0)
    );
    const header = formatMailHeader(
      "Content-Type",
      formatMimeParams(`multipart/${subtype}`, [...params, ["boundary", boundary]]),
    );
    return { kind: "multi", header: utf8(header), boundary, children };
  }

  /**
   * The SMTP envelope: the reverse path from Sender, else From; the
   * recipients from To, Cc and Bcc, deduplicated (domains compared without
   * case), as bare addresses (domains in IDNA form unless `smtpUtf8`).
   *
   * @example Usage
   * ```ts
   * import { MailMessage } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const message = new MailMessage({
   *   from: "ann@example.org",
   *   sender: "list@example.org",
   *   to: "bo@bücher.example",
   *   cc: "bo@Bücher.example",
   * });
   * assert.deepEqual(message.envelope(), {
   *   from: "list@example.org",
   *   to: ["bo@xn--bcher-kva.example"],
   * });
   * ```
   *
   * @returns The envelope.
   */
  envelope(): MailEnvelope {
    const seen = new Set<string>();
    const to: string[] = [];
    for (const mailbox of this.#recipients) {
      const at = mailbox.address.lastIndexOf("@");
      const key = mailbox.address.slice(0, at) + "@" + mailbox.address.slice(at + 1).toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      to.push(mailbox.address);
    }
    return { from: (this.#sender ?? this.#from[0]!).address, to };
  }

  /**
   * The size of the message in bytes, when it is known before streaming
   * (no attachment is a stream): for the SMTP SIZE parameter.
   *
   * @example Usage
   * ```ts
   * import { MailMessage } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const message = new MailMessage({ from: "a@example.org", text: "hi" });
   * assert.equal(message.size, (await message.bytes()).byteLength);
   * ```
   */
  get size(): number | undefined {
    const measured = this.#measure(this.#root);
    if (!measured) return undefined;
    return this.#header.length + measured.size + (measured.wrote && !measured.crlf ? 2 : 0);
  }

  #measure(node: Node): { size: number; wrote: boolean; crlf: boolean } | undefined {
    if (node.kind === "leaf") {
      let body: number;
      let crlf: boolean;
      if (node.raw) {
        body = node.raw.length;
        crlf = body >= 2 && node.raw[body - 2] === 13 && node.raw[body - 1] === 10;
      } else if (node.binary) {
        body = mimeBase64Length(node.binary.length);
        crlf = body > 0;
      } else return undefined;
      return { size: node.header.length + 2 + body, wrote: body > 0, crlf };
    }
    let size = node.header.length + 2;
    const delimiter = node.boundary.length + 4;
    for (const child of node.children) {
      const measured = this.#measure(child);
      if (!measured) return undefined;
      size += delimiter + measured.size + (this.#tight(child, measured) ? 0 : 2);
    }
    return { size: size + delimiter + 2, wrote: true, crlf: true };
  }

  /** Whether a child's delimiter may follow without an extra CRLF. */
  #tight(child: Node, end: { wrote: boolean; crlf: boolean }): boolean {
    return end.wrote && end.crlf && (child.kind === "multi" || child.base64);
  }

  /**
   * The message bytes (RFC 5322, CRLF line ends), produced as they are
   * read: attachments given as streams are read and base64-encoded on the
   * fly, so a large message never sits in memory whole. A message with
   * stream attachments can be streamed once.
   *
   * @example Usage
   * ```ts
   * import { MailMessage } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const file = ReadableStream.from([new Uint8Array(1000), new Uint8Array(1000)]);
   * const message = new MailMessage({
   *   from: "a@example.org",
   *   to: "b@example.org",
   *   text: "see attached",
   *   attachments: [{ filename: "zeros.bin", content: file }],
   * });
   * const text = await new Response(message.stream()).text();
   * assert.ok(text.includes("AAAA"));
   * assert.ok(text.split("\r\n").every((line) => line.length <= 78));
   * ```
   *
   * @returns A stream of the message bytes.
   * @throws {TypeError} When the message has stream attachments and was
   * already streamed.
   */
  stream(): ReadableStream<Uint8Array> {
    if (this.#oneShot && this.#streamed) {
      throw new TypeError("Cannot stream message: its attachment streams were already read");
    }
    this.#streamed = true;
    const chunks = this.#coalesce(this.#render());
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    }, { highWaterMark: 0 });
  }

  /**
   * The whole message as bytes.
   *
   * @example Usage
   * ```ts
   * import { MailMessage } from "@portline/portline/mail";
   * import assert from "node:assert/strict";
   *
   * const message = new MailMessage({ from: "a@example.org", to: "b@example.org", subject: "hi", text: "hello" });
   * const text = new TextDecoder().decode(await message.bytes());
   * assert.match(text, /^Date: .*\r\nFrom: a@example\.org\r\nTo: b@example\.org\r\nSubject: hi\r\n/);
   * assert.ok(text.endsWith("\r\n\r\nhello\r\n"));
   * ```
   *
   * @returns The message bytes.
   * @throws {TypeError} When the message has stream attachments and was
   * already streamed.
   */
  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = this.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
    return concatBytes(parts, size);
  }

  async *#coalesce(source: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
    let parts: Uint8Array[] = [];
    let size = 0;
    const flush = () => {
      const out = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      parts = [];
      size = 0;
      return out;
    };
    try {
      for await (const chunk of source) {
        if (chunk.length === 0) continue;
        if (chunk.length >= COALESCE) {
          if (size) yield flush();
          yield chunk;
          continue;
        }
        parts.push(chunk);
        size += chunk.length;
        if (size >= COALESCE) yield flush();
      }
      if (size) yield flush();
    } finally {
      await source.return(undefined);
    }
  }

  async *#render(): AsyncGenerator<Uint8Array> {
    yield this.#header;
    const tail = { wrote: false, crlf: false, prev: 0, last: 0 };
    yield* this.#node(this.#root, tail);
    if (tail.wrote && !tail.crlf) yield CRLF;
  }

  /** Writes a node; `tail` tracks whether its body wrote bytes and ended in CRLF. */
  async *#node(node: Node, tail: Tail): AsyncGenerator<Uint8Array> {
    yield node.header;
    yield CRLF;
    if (node.kind === "multi") {
      const open = utf8(`--${node.boundary}\r\n`);
      for (const child of node.children) {
        yield open;
        const inner: Tail = { wrote: false, crlf: false, prev: 0, last: 0 };
        yield* this.#node(child, inner);
        if (!this.#tight(child, inner)) yield CRLF;
      }
      yield utf8(`--${node.boundary}--\r\n`);
      tail.wrote = true;
      tail.crlf = true;
      return;
    }
    const note = (chunk: Uint8Array) => {
      const n = chunk.length;
      if (n === 0) return chunk;
      tail.wrote = true;
      tail.prev = n >= 2 ? chunk[n - 2]! : tail.last;
      tail.last = chunk[n - 1]!;
      tail.crlf = tail.prev === 13 && tail.last === 10;
      return chunk;
    };
    if (node.raw) {
      yield note(node.raw);
      return;
    }
    if (node.binary) {
      const encoder = new MimeBase64Encoder();
      for (let i = 0; i < node.binary.length; i += CHUNK) {
        yield note(encoder.push(node.binary.subarray(i, i + CHUNK)));
      }
      yield note(encoder.end());
      return;
    }
    const reader = node.stream!.getReader();
    const encoder = node.streamMode === "base64"
      ? new MimeBase64Encoder()
      : new DotStuffEncoder({ stuffDots: false });
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield note(encoder.push(value));
      }
      finished = true;
      yield note(encoder.end());
    } finally {
      if (!finished) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
}
