// Copyright 2026 the portline authors. MIT license.
/**
 * The EHLO (and LHLO) reply taken apart into typed service extensions. Pure:
 * no I/O.
 *
 * @module
 */

/** What the server offers, from its EHLO reply. */
export interface SmtpExtensions {
  /** The server's name: the first word of the EHLO reply. */
  readonly domain: string;
  /** Every keyword (upper case) with its parameters (as sent, maybe empty). */
  readonly keywords: ReadonlyMap<string, string>;
  /** SIZE (RFC 1870) is offered. */
  readonly size: boolean;
  /** The largest message the server accepts in bytes; undefined when it states none. */
  readonly maxSize: number | undefined;
  /** The SASL mechanisms of AUTH (RFC 4954), upper case, in the server's order. */
  readonly auth: readonly string[];
  /** PIPELINING (RFC 2920). */
  readonly pipelining: boolean;
  /** 8BITMIME (RFC 6152). */
  readonly eightBitMime: boolean;
  /** SMTPUTF8 (RFC 6531). */
  readonly smtpUtf8: boolean;
  /** DSN (RFC 3461). */
  readonly dsn: boolean;
  /** CHUNKING, i.e. BDAT (RFC 3030). */
  readonly chunking: boolean;
  /** BINARYMIME (RFC 3030). */
  readonly binaryMime: boolean;
  /** ENHANCEDSTATUSCODES (RFC 2034). */
  readonly enhancedStatusCodes: boolean;
  /** REQUIRETLS (RFC 8689). */
  readonly requireTls: boolean;
  /** STARTTLS (RFC 3207). */
  readonly startTls: boolean;
}

/**
 * Parses the lines of an EHLO or LHLO reply (reply code removed, as
 * `readReply` returns them) into {@linkcode SmtpExtensions}. Keywords are
 * case-insensitive; the old `AUTH=…` form is understood too.
 *
 * @example Usage
 * ```ts
 * import { parseSmtpExtensions } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * const ext = parseSmtpExtensions([
 *   "mail.example.org greets you",
 *   "PIPELINING",
 *   "SIZE 10240000",
 *   "AUTH PLAIN LOGIN SCRAM-SHA-256",
 *   "8BITMIME",
 * ]);
 * assert.equal(ext.domain, "mail.example.org");
 * assert.equal(ext.maxSize, 10240000);
 * assert.deepEqual(ext.auth, ["PLAIN", "LOGIN", "SCRAM-SHA-256"]);
 * assert.equal(ext.pipelining, true);
 * assert.equal(ext.chunking, false);
 * ```
 *
 * @param lines The reply's lines; the first one names the server.
 * @returns The extensions.
 */
export function parseSmtpExtensions(lines: readonly string[]): SmtpExtensions {
  const keywords = new Map<string, string>();
  // A Set, not auth.includes(): a hostile reply of many AUTH names made the
  // dedup quadratic (20,000 names took half a second).
  const auth = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:[ =](.*))?$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const params = (match[2] ?? "").trim();
    if (!keywords.has(keyword)) keywords.set(keyword, params);
    if (keyword === "AUTH") {
      for (const name of params.split(/\s+/)) {
        const upper = name.toUpperCase();
        if (upper !== "") auth.add(upper);
      }
    }
  }
  const sizeParam = keywords.get("SIZE");
  const limit = sizeParam !== undefined && /^\d+$/.test(sizeParam) ? Number(sizeParam) : 0;
  return {
    domain: (lines[0] ?? "").trim().split(/\s+/)[0] ?? "",
    keywords,
    size: sizeParam !== undefined,
    maxSize: limit > 0 ? limit : undefined,
    auth: [...auth],
    pipelining: keywords.has("PIPELINING"),
    eightBitMime: keywords.has("8BITMIME"),
    smtpUtf8: keywords.has("SMTPUTF8"),
    dsn: keywords.has("DSN"),
    chunking: keywords.has("CHUNKING"),
    binaryMime: keywords.has("BINARYMIME"),
    enhancedStatusCodes: keywords.has("ENHANCEDSTATUSCODES"),
    requireTls: keywords.has("REQUIRETLS"),
    startTls: keywords.has("STARTTLS"),
  };
}

/**
 * The extensions of a server that answered HELO (no EHLO): none.
 *
 * @example Usage
 * ```ts
 * import { noSmtpExtensions } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(noSmtpExtensions("old.example").pipelining, false);
 * ```
 *
 * @param domain The server's name from its HELO reply.
 * @returns Extensions with every feature off.
 */
export function noSmtpExtensions(domain = ""): SmtpExtensions {
  return parseSmtpExtensions([domain]);
}
