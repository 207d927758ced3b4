// Copyright 2026 the portline authors. MIT license.
/**
 * Mail addresses (RFC 5322 §3.4, RFC 6532): parsing address lists as they
 * appear in real mail — groups, quoted names, comments, encoded-words, route
 * addresses, bare addresses — and formatting mailboxes with display names
 * quoted or encoded as needed.
 *
 * @module
 */
import { InvalidArgumentError } from "../_core/writer.ts";
import { assertHeaderText, isAscii, looksEncoded, preview } from "./_util.ts";
import { decodeMimeWords, encodeMimeWords } from "./encoded_word.ts";

/** A mailbox: an address and, optionally, a display name. */
export interface MailAddress {
  /** The display name (`"Ann Lee"` in `Ann Lee <ann@example.org>`). */
  name?: string;
  /** The address, `local@domain`. */
  address: string;
}

/** One or more addresses, as strings (`"Ann <ann@example.org>, bo@example.org"`) or objects. */
export type AddressInput = string | MailAddress | (string | MailAddress)[];

interface Token {
  type: "atom" | "quoted" | "comment" | "literal" | "special";
  value: string;
  /** White space or a comment came before it. */
  space: boolean;
}

const SPECIALS = "<>,;:@";

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let space = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      space = true;
      i++;
    } else if (c === '"') {
      let value = "";
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < n) i++;
        if (text[i] !== "\r" && text[i] !== "\n") value += text[i];
        i++;
      }
      i++;
      tokens.push({ type: "quoted", value, space });
      space = false;
    } else if (c === "(") {
      let depth = 0;
      let value = "";
      for (; i < n; i++) {
        const d = text[i]!;
        if (d === "\\" && i + 1 < n) {
          value += text[++i];
          continue;
        }
        if (d === "(") {
          if (depth++ > 0) value += d;
        } else if (d === ")") {
          if (--depth === 0) break;
          value += d;
        } else value += d;
      }
      i++;
      tokens.push({ type: "comment", value: value.trim(), space });
      space = true;
    } else if (c === "[") {
      const close = text.indexOf("]", i);
      const end = close < 0 ? n : close + 1;
      tokens.push({ type: "literal", value: text.slice(i, end), space });
      i = end;
      space = false;
    } else if (SPECIALS.includes(c)) {
      tokens.push({ type: "special", value: c, space });
      i++;
      space = false;
    } else {
      // An atom; a stray ")" or "]" is taken as text (always make progress).
      let value = text[i++]!;
      while (i < n && !' \t\r\n"()[<>,;:@'.includes(text[i]!)) value += text[i++];
      tokens.push({ type: "atom", value, space });
      space = false;
    }
  }
  return tokens;
}

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u;
const DOT_ATOM =
  /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+)*$/u;

function quoteLocal(text: string): string {
  return DOT_ATOM.test(text) ? text : '"' + text.replace(/[\\"]/g, "\\$&") + '"';
}

function joinAddress(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) {
    if (token.type === "comment") continue;
    out += token.type === "quoted" ? quoteLocal(token.value) : token.value;
  }
  return out;
}

function phrase(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) {
    if (token.type === "comment") continue;
    if (out && token.space) out += " ";
    out += token.value;
  }
  return decodeMimeWords(out).trim();
}

function comments(tokens: Token[]): string {
  return decodeMimeWords(
    tokens.filter((token) => token.type === "comment").map((token) => token.value).join(" "),
  ).trim();
}

function mailbox(tokens: Token[]): MailAddress | undefined {
  if (tokens.length === 0) return undefined;
  const open = tokens.findIndex((token) => token.type === "special" && token.value === "<");
  let address: string;
  let name: string;
  if (open >= 0) {
    let close = tokens.findIndex((token, k) =>
      k > open && token.value === ">" && token.type === "special"
    );
    if (close < 0) close = tokens.length;
    let inner = tokens.slice(open + 1, close);
    // Drop an obsolete source route (<@relay,@relay:user@host>).
    const colon = inner.findLastIndex((token) => token.type === "special" && token.value === ":");
    if (colon >= 0) inner = inner.slice(colon + 1);
    address = joinAddress(inner);
    name = phrase(tokens.slice(0, open)) || comments(tokens);
  } else {
    const at = tokens.findIndex((token) => token.type === "special" && token.value === "@");
    let first = 0;
    let last = tokens.length;
    if (at >= 0) {
      // The address is the run of tokens around "@" with no white space inside.
      first = at;
      while (first > 0 && !tokens[first]!.space && tokens[first - 1]!.type !== "comment") first--;
      last = at + 1;
      while (last < tokens.length && !tokens[last]!.space && tokens[last]!.type !== "comment") {
        last++;
      }
      if (last === at + 1 && last < tokens.length && tokens[last]!.type !== "comment") last++;
    } else {
      const words = tokens.filter((token) => token.type !== "comment");
      if (words.length === 0) return undefined;
      first = tokens.indexOf(words[words.length - 1]!);
    }
    address = joinAddress(tokens.slice(first, last));
    name = phrase(tokens.slice(0, first)) || comments(tokens);
  }
  if (!address) return undefined;
  return name ? { name, address } : { address };
}

/**
 * Parses an address list (`To`, `Cc`, `From`, `Reply-To` …) leniently, the
 * way mail readers must: display names quoted or not, RFC 2047 encoded-words
 * in names (even inside quotes, as some mailers write them), comments (used
 * as the name when there is none: `ann@example.org (Ann)`), groups
 * (`team: a@x, b@y;` — their members are returned, flattened), obsolete
 * source routes, raw UTF-8 (RFC 6532), and stray commas. Quoted local parts
 * stay quoted only when they must.
 *
 * @example Usage
 * ```ts
 * import { parseAddressList } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   parseAddressList(
 *     `"Lee, Ann" <ann@example.org>, =?utf-8?Q?J=C3=B6rg?= <j@example.org>, ` +
 *       `team: bo@example.org (Bo);, undisclosed-recipients:;`,
 *   ),
 *   [
 *     { name: "Lee, Ann", address: "ann@example.org" },
 *     { name: "Jörg", address: "j@example.org" },
 *     { name: "Bo", address: "bo@example.org" },
 *   ],
 * );
 * ```
 *
 * @param text The header value (unfolded; not RFC 2047 decoded).
 * @returns The mailboxes, in order.
 */
export function parseAddressList(text: string): MailAddress[] {
  const tokens = tokenize(text);
  const out: MailAddress[] = [];
  let current: Token[] = [];
  let angle = false;
  // Whether the current mailbox has an "@" or "<" (then ":" is no group).
  let hasAddress = false;
  const flush = () => {
    const parsed = mailbox(current);
    if (parsed) out.push(parsed);
    current = [];
    hasAddress = false;
  };
  for (const token of tokens) {
    if (token.type === "special") {
      if (token.value === "<") angle = hasAddress = true;
      else if (token.value === ">") angle = false;
      else if (token.value === "@") hasAddress = true;
      else if (!angle && (token.value === "," || token.value === ";")) {
        flush();
        continue;
      } else if (!angle && token.value === ":" && !hasAddress) {
        current = []; // a group name
        continue;
      }
    }
    current.push(token);
  }
  flush();
  return out;
}

const DOMAIN =
  /^[A-Za-z0-9_\u0080-\u{10FFFF}](?:[A-Za-z0-9_\-\u0080-\u{10FFFF}]*[A-Za-z0-9_\u0080-\u{10FFFF}])?(?:\.[A-Za-z0-9_\u0080-\u{10FFFF}](?:[A-Za-z0-9_\-\u0080-\u{10FFFF}]*[A-Za-z0-9_\u0080-\u{10FFFF}])?)*\.?$/u;

/** An address split and checked. */
export interface CheckedAddress {
  local: string;
  domain: string;
}

/**
 * Splits `local@domain` and checks both halves: the local part a dot-atom
 * or a quoted string, the domain a host name or an address literal.
 *
 * @throws {InvalidArgumentError} When the address is not valid.
 */
export function checkAddress(address: string): CheckedAddress {
  assertHeaderText(address, "address");
  const at = address.lastIndexOf("@");
  const local = at > 0 ? address.slice(0, at) : "";
  const domain = at > 0 ? address.slice(at + 1) : "";
  // deno-lint-ignore no-control-regex
  const quoted = /^"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[\x09\x20-\x7e\u0080-\u{10FFFF}])*"$/u;
  const localOk = local.length > 0 && local.length <= 1024 &&
    (DOT_ATOM.test(local) || quoted.test(local));
  const domainOk = domain.length > 0 && domain.length <= 1024 &&
    (DOMAIN.test(domain) || /^\[[!-Z^-~]*\]$/.test(domain));
  if (!localOk || !domainOk) {
    throw new InvalidArgumentError(
      `Cannot use address "${preview(address, 80)}": not local@domain`,
    );
  }
  return { local, domain };
}

/** Options of {@linkcode formatMailAddress}. */
export interface MailAddressFormatOptions {
  /**
   * Write non-ASCII display names as raw UTF-8 (RFC 6532, SMTPUTF8
   * messages) instead of RFC 2047 encoded-words.
   *
   * @default {false}
   */
  utf8?: boolean;
}

/**
 * Formats a display name as an RFC 5322 phrase: as is when it is made of
 * atoms, quoted when it holds specials (`,` `"` `.` …), and as RFC 2047
 * encoded-words when it holds non-ASCII (unless `utf8`) or something that
 * looks like an encoded-word.
 */
export function formatDisplayName(name: string, options?: MailAddressFormatOptions): string {
  assertHeaderText(name, "display name");
  const utf8 = options?.utf8 ?? false;
  // Words of at most 60 characters leave room for the field name on the line.
  if ((!utf8 && !isAscii(name)) || looksEncoded(name)) {
    return encodeMimeWords(name, { maxLength: 60 });
  }
  const words = name.split(" ");
  const atoms = words.every((word) => ATEXT.test(word) && (utf8 || isAscii(word)));
  return atoms ? name : '"' + name.replace(/[\\"]/g, "\\$&") + '"';
}

/**
 * Formats a mailbox for a header: `address`, or `name <address>` with the
 * name quoted or encoded as needed. The address is written as given (check
 * it first; the message composer does).
 *
 * @example Usage
 * ```ts
 * import { formatMailAddress } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatMailAddress({ address: "ann@example.org" }), "ann@example.org");
 * assert.equal(
 *   formatMailAddress({ name: "Lee, Ann", address: "ann@example.org" }),
 *   '"Lee, Ann" <ann@example.org>',
 * );
 * assert.equal(
 *   formatMailAddress({ name: "René Descartes", address: "rd@example.org" }),
 *   "=?utf-8?Q?Ren=C3=A9_Descartes?= <rd@example.org>",
 * );
 * assert.equal(
 *   formatMailAddress({ name: "Jörg", address: "j@example.org" }, { utf8: true }),
 *   "Jörg <j@example.org>",
 * );
 * ```
 *
 * @param mailbox The mailbox.
 * @param options UTF-8 or encoded-words.
 * @returns The formatted mailbox.
 * @throws {InvalidArgumentError} When the name or address contains CR, LF or NUL.
 */
export function formatMailAddress(
  mailbox: MailAddress,
  options?: MailAddressFormatOptions,
): string {
  assertHeaderText(mailbox.address, "address");
  if (!mailbox.name) return mailbox.address;
  return `${formatDisplayName(mailbox.name, options)} <${mailbox.address}>`;
}

/**
 * Turns any {@linkcode AddressInput} into mailboxes: strings are parsed as
 * address lists, objects are taken as they are.
 *
 * @throws {InvalidArgumentError} When a string contains CR, LF or NUL.
 */
export function toMailAddresses(input: AddressInput | undefined): MailAddress[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? input : [input];
  const out: MailAddress[] = [];
  for (const item of list) {
    if (typeof item === "string") {
      assertHeaderText(item, "address");
      const parsed = parseAddressList(item);
      if (parsed.length === 0) {
        throw new InvalidArgumentError(
          `Cannot use address "${preview(item, 80)}": no mailbox in it`,
        );
      }
      out.push(...parsed);
    } else {
      if (typeof item?.address !== "string") {
        throw new InvalidArgumentError("Cannot use address: its address is not a string");
      }
      out.push(
        item.name === undefined
          ? { address: item.address }
          : { name: item.name, address: item.address },
      );
    }
  }
  return out;
}
