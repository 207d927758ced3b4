// Copyright 2026 the portline authors. MIT license.
/**
 * The envelope on the wire: address checks, `MAIL FROM` / `RCPT TO` with
 * their ESMTP parameters (SIZE, BODY, SMTPUTF8, REQUIRETLS, DSN's RET, ENVID,
 * NOTIFY, ORCPT) and xtext (RFC 3461). Pure: no I/O. The server side parses
 * the same syntax with {@linkcode parseSmtpPath}.
 *
 * @module
 */
import { InvalidArgumentError } from "../_core/writer.ts";

/** Delivery status notification requests (RFC 3461). */
export interface SmtpDsnOptions {
  /** When to notify about each recipient, or `"never"`. */
  notify?: readonly ("success" | "failure" | "delay")[] | "never";
  /** Whether a failure report returns the whole message or its headers only. */
  ret?: "full" | "headers";
  /** An envelope identifier returned in reports (ENVID). */
  envelopeId?: string;
  /** Send each recipient's address as its original recipient (ORCPT). */
  originalRecipient?: boolean;
}

/** The parameters of a `MAIL FROM` command. */
export interface SmtpMailParameters {
  /** The message size in bytes (RFC 1870). */
  size?: number;
  /** The body type (RFC 6152, RFC 3030). */
  body?: "7BIT" | "8BITMIME" | "BINARYMIME";
  /** The envelope or headers use UTF-8 (RFC 6531). */
  smtpUtf8?: boolean;
  /** The message must only travel over TLS (RFC 8689). */
  requireTls?: boolean;
  /** DSN RET (RFC 3461). */
  ret?: "full" | "headers";
  /** DSN ENVID (RFC 3461), xtext-encoded on the wire. */
  envelopeId?: string;
}

/** The parameters of a `RCPT TO` command. */
export interface SmtpRcptParameters {
  /** DSN NOTIFY. */
  notify?: readonly ("success" | "failure" | "delay")[] | "never";
  /** DSN ORCPT: the original recipient address. */
  originalRecipient?: string;
}

/** A parsed `MAIL FROM:` or `RCPT TO:` argument (server side). */
export interface SmtpPath {
  /** The address without angle brackets; `""` for the null reverse path. */
  address: string;
  /** The ESMTP parameters, keyword upper case; value `""` for bare keywords. */
  params: Map<string, string>;
}

// deno-lint-ignore no-control-regex -- matching control characters is the point
const NON_ASCII = /[^\x00-\x7f]/;
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;
const QUOTED_LOCAL = /^"(?:[^"\\]|\\.)*"@[^\s<>"()\[\]\\,;:]+$/;
const PLAIN = /^[^\s<>"]+$/;

/**
 * Whether an address needs SMTPUTF8 (it has non-ASCII characters).
 *
 * @example Usage
 * ```ts
 * import { smtpAddressNeedsUtf8 } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(smtpAddressNeedsUtf8("jörg@example.org"), true);
 * assert.equal(smtpAddressNeedsUtf8("joerg@example.org"), false);
 * ```
 *
 * @param address The address.
 * @returns True when it is not pure ASCII.
 */
export function smtpAddressNeedsUtf8(address: string): boolean {
  return NON_ASCII.test(address);
}

/**
 * Checks and normalises an envelope address: angle brackets are removed,
 * CR, LF, NUL and other control characters are refused (no command
 * injection), and so are spaces or brackets outside a quoted local part.
 *
 * @example Usage
 * ```ts
 * import { normalizeSmtpAddress } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(normalizeSmtpAddress("<ann@example.org>"), "ann@example.org");
 * assert.throws(() => normalizeSmtpAddress("ann@example.org>\r\nDATA"));
 * ```
 *
 * @param address The address, with or without angle brackets.
 * @param what What it is, for the message (`"sender"`, `"recipient"`).
 * @param allowEmpty Whether `""` (the null reverse path) is allowed.
 * @returns The address without angle brackets.
 * @throws {InvalidArgumentError} When the address cannot go into a command.
 */
export function normalizeSmtpAddress(
  address: string,
  what = "address",
  allowEmpty = false,
): string {
  if (typeof address !== "string") {
    throw new InvalidArgumentError(`Cannot use ${what}: expected a string`);
  }
  if (CONTROL.test(address)) {
    throw new InvalidArgumentError(
      `Cannot use ${what} ${
        JSON.stringify(address)
      }: it contains CR, LF, NUL or another control character (command injection)`,
    );
  }
  let bare = address.trim();
  if (bare.startsWith("<") && bare.endsWith(">")) bare = bare.slice(1, -1);
  if (bare === "") {
    if (allowEmpty) return "";
    throw new InvalidArgumentError(`Cannot use ${what}: the address is empty`);
  }
  if (!PLAIN.test(bare) && !QUOTED_LOCAL.test(bare)) {
    throw new InvalidArgumentError(
      `Cannot use ${what} ${
        JSON.stringify(address)
      }: not a plain address (spaces, quotes or angle brackets)`,
    );
  }
  return bare;
}

/**
 * Encodes text as xtext (RFC 3461 §4): `+`, `=`, controls, space and
 * non-ASCII bytes become `+HH`.
 *
 * @example Usage
 * ```ts
 * import { encodeXtext } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(encodeXtext("a+b=c d"), "a+2Bb+3Dc+20d");
 * ```
 *
 * @param text The text.
 * @returns The xtext.
 */
export function encodeXtext(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    out += byte >= 0x21 && byte <= 0x7e && byte !== 0x2b && byte !== 0x3d
      ? String.fromCharCode(byte)
      : "+" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * Decodes xtext (RFC 3461 §4).
 *
 * @example Usage
 * ```ts
 * import { decodeXtext } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(decodeXtext("a+2Bb+3Dc+20d"), "a+b=c d");
 * ```
 *
 * @param xtext The xtext.
 * @returns The text (UTF-8 decoded).
 * @throws {SyntaxError} On a `+` not followed by two hex digits.
 */
export function decodeXtext(xtext: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < xtext.length; i++) {
    const c = xtext.charCodeAt(i);
    if (c === 0x2b) {
      const hex = xtext.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new SyntaxError(`Cannot decode xtext "${xtext}": bad escape at ${i}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(xtext[i]!)) bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * Encodes an address for ORCPT (RFC 3461, RFC 6533): `rfc822;` with xtext
 * for ASCII addresses, `utf-8;` with `\x{HEX}` escapes otherwise.
 *
 * @example Usage
 * ```ts
 * import { formatOriginalRecipient } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatOriginalRecipient("a+b@example.org"), "rfc822;a+2Bb@example.org");
 * assert.equal(formatOriginalRecipient("ü@example.org"), "utf-8;\\x{FC}@example.org");
 * ```
 *
 * @param address The original recipient.
 * @returns The ORCPT value.
 */
export function formatOriginalRecipient(address: string): string {
  if (!NON_ASCII.test(address)) return `rfc822;${encodeXtext(address)}`;
  let out = "";
  for (const char of address) {
    const code = char.codePointAt(0)!;
    out += code >= 0x21 && code <= 0x7e && code !== 0x2b && code !== 0x3d && code !== 0x5c
      ? char
      : `\\x{${code.toString(16).toUpperCase()}}`;
  }
  return `utf-8;${out}`;
}

function notifyValue(notify: SmtpRcptParameters["notify"]): string {
  if (notify === "never") return "NEVER";
  if (!notify || notify.length === 0) {
    throw new InvalidArgumentError('Cannot request DSN: notify is empty (use "never")');
  }
  return [...new Set(notify.map((n) => n.toUpperCase()))].join(",");
}

/**
 * Formats a `MAIL FROM` command line.
 *
 * @example Usage
 * ```ts
 * import { formatMailFrom } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatMailFrom("ann@example.org", { size: 1200, body: "8BITMIME", ret: "headers", envelopeId: "id+1" }),
 *   "MAIL FROM:<ann@example.org> SIZE=1200 BODY=8BITMIME RET=HDRS ENVID=id+2B1",
 * );
 * assert.equal(formatMailFrom(""), "MAIL FROM:<>");
 * ```
 *
 * @param from The sender, `""` for the null reverse path (bounces).
 * @param params The ESMTP parameters.
 * @returns The command without line end.
 * @throws {InvalidArgumentError} For an address that cannot go on the wire.
 */
export function formatMailFrom(from: string, params: SmtpMailParameters = {}): string {
  let line = `MAIL FROM:<${normalizeSmtpAddress(from, "sender", true)}>`;
  if (params.size !== undefined) {
    if (!Number.isSafeInteger(params.size) || params.size < 0) {
      throw new InvalidArgumentError(`Cannot declare SIZE=${params.size}: not a byte count`);
    }
    line += ` SIZE=${params.size}`;
  }
  if (params.body) line += ` BODY=${params.body}`;
  if (params.smtpUtf8) line += " SMTPUTF8";
  if (params.requireTls) line += " REQUIRETLS";
  if (params.ret) line += ` RET=${params.ret === "full" ? "FULL" : "HDRS"}`;
  if (params.envelopeId !== undefined) line += ` ENVID=${encodeXtext(params.envelopeId)}`;
  return line;
}

/**
 * Formats a `RCPT TO` command line.
 *
 * @example Usage
 * ```ts
 * import { formatRcptTo } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatRcptTo("bob@example.org", { notify: ["failure", "delay"], originalRecipient: "bob@example.org" }),
 *   "RCPT TO:<bob@example.org> NOTIFY=FAILURE,DELAY ORCPT=rfc822;bob@example.org",
 * );
 * ```
 *
 * @param to The recipient.
 * @param params DSN parameters.
 * @returns The command without line end.
 * @throws {InvalidArgumentError} For an address that cannot go on the wire.
 */
export function formatRcptTo(to: string, params: SmtpRcptParameters = {}): string {
  let line = `RCPT TO:<${normalizeSmtpAddress(to, "recipient")}>`;
  if (params.notify !== undefined) line += ` NOTIFY=${notifyValue(params.notify)}`;
  if (params.originalRecipient !== undefined) {
    line += ` ORCPT=${
      formatOriginalRecipient(normalizeSmtpAddress(params.originalRecipient, "ORCPT"))
    }`;
  }
  return line;
}

/**
 * Parses the argument of `MAIL FROM:` or `RCPT TO:` (server side): the path
 * in angle brackets, then `KEY=value` parameters.
 *
 * @example Usage
 * ```ts
 * import { parseSmtpPath } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * const path = parseSmtpPath("<ann@example.org> SIZE=100 SMTPUTF8");
 * assert.equal(path?.address, "ann@example.org");
 * assert.equal(path?.params.get("SIZE"), "100");
 * assert.equal(path?.params.get("SMTPUTF8"), "");
 * assert.equal(parseSmtpPath("ann@example.org"), null);
 * ```
 *
 * @param argument What follows `FROM:` or `TO:`.
 * @returns The address and parameters, or `null` when malformed.
 */
export function parseSmtpPath(argument: string): SmtpPath | null {
  const text = argument.trimStart();
  if (!text.startsWith("<")) return null;
  const close = text.indexOf(">");
  if (close === -1) return null;
  let address = text.slice(1, close);
  // A source route (@a,@b:user@host) is accepted and ignored (RFC 5321 §4.1.2).
  const route = /^@[^:]*:/.exec(address);
  if (route) address = address.slice(route[0].length);
  const params = new Map<string, string>();
  for (const part of text.slice(close + 1).split(" ")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = (eq === -1 ? part : part.slice(0, eq)).toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(key)) return null;
    params.set(key, eq === -1 ? "" : part.slice(eq + 1));
  }
  return { address, params };
}
