// Copyright 2026 the portline authors. MIT license.
/**
 * APOP (RFC 1939 §7): the greeting's timestamp and the MD5 digest the client
 * sends instead of the password. Pure, no I/O.
 *
 * @module
 */
import { createHash } from "node:crypto";

// RFC 1939: the timestamp has the syntax of a msg-id (RFC 822): <local@domain>.
// The local part stops at the first "@": with `[^<>\s]*@` a hostile greeting
// like "<@@@…" backtracked over every "@" (quadratic, seconds for 64 KiB).
const TIMESTAMP = /<[^<>\s@]*@[^<>\s]*>/g;

/**
 * Finds the APOP timestamp in a server greeting.
 *
 * @example Usage
 * ```ts
 * import { parsePop3ApopTimestamp } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * const greeting = "POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
 * assert.equal(parsePop3ApopTimestamp(greeting), "<1896.697170952@dbc.mtview.ca.us>");
 * assert.equal(parsePop3ApopTimestamp("POP3 server ready"), undefined);
 * ```
 *
 * @param greeting The greeting text (after `+OK`).
 * @returns The timestamp with its angle brackets, or `undefined`.
 */
export function parsePop3ApopTimestamp(greeting: string): string | undefined {
  const all = greeting.match(TIMESTAMP);
  return all ? all[all.length - 1] : undefined;
}

/**
 * Computes the APOP digest: lower-case hex MD5 of the timestamp followed by
 * the shared secret.
 *
 * @example The RFC 1939 example
 * ```ts
 * import { pop3ApopDigest } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   pop3ApopDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
 *   "c4c9334bac560ecc979e58001b3e22fb",
 * );
 * ```
 *
 * @param timestamp The greeting's timestamp, angle brackets included.
 * @param secret The shared secret (password), UTF-8 encoded.
 * @returns 32 lower-case hex digits.
 */
export function pop3ApopDigest(timestamp: string, secret: string): string {
  return createHash("md5").update(timestamp + secret, "utf8").digest("hex");
}
