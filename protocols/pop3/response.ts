// Copyright 2026 the portline authors. MIT license.
/**
 * POP3 status lines: `+OK …` and `-ERR …`, with the extended response codes
 * of RFC 2449 and RFC 3206 (`[IN-USE]`, `[LOGIN-DELAY]`, `[AUTH]`,
 * `[SYS/TEMP]`, `[SYS/PERM]`, `[UTF8]`). Pure functions, no I/O.
 *
 * @module
 */

/** One status line taken apart. */
export interface Pop3Status {
  /** True for `+OK`, false for `-ERR`. */
  ok: boolean;
  /** The text after the status and the response code. */
  text: string;
  /**
   * The extended response code in brackets, upper-cased and without the
   * brackets, e.g. `"IN-USE"` or `"SYS/TEMP"` (RFC 2449 §8, RFC 3206).
   */
  responseCode?: string;
}

/**
 * Response codes that describe a temporary condition: the same command may
 * succeed later (RFC 2449 §8.1, RFC 3206 §4).
 *
 * @example Usage
 * ```ts
 * import { POP3_TRANSIENT_CODES } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.ok(POP3_TRANSIENT_CODES.includes("IN-USE"));
 * assert.ok(!POP3_TRANSIENT_CODES.includes("AUTH"));
 * ```
 */
export const POP3_TRANSIENT_CODES: readonly string[] = ["IN-USE", "LOGIN-DELAY", "SYS/TEMP"];

const CODE = /^\[([\x21-\x2e\x30-\x5c\x5e-\x7e]+(?:\/[\x21-\x2e\x30-\x5c\x5e-\x7e]+)*)\] ?/;

/**
 * Parses a POP3 status line.
 *
 * @example Usage
 * ```ts
 * import { parsePop3Status } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePop3Status("+OK 2 200"), { ok: true, text: "2 200" });
 * assert.deepEqual(parsePop3Status("-ERR [IN-USE] mailbox locked"), {
 *   ok: false,
 *   text: "mailbox locked",
 *   responseCode: "IN-USE",
 * });
 * assert.equal(parsePop3Status("* OK imap"), null);
 * ```
 *
 * @param line The line, without its line end.
 * @returns The status, or `null` when the line is neither `+OK` nor `-ERR`.
 */
export function parsePop3Status(line: string): Pop3Status | null {
  let ok: boolean;
  let rest: string;
  const head = line.slice(0, 4).toUpperCase();
  if (head.startsWith("+OK") && (line.length === 3 || line[3] === " ")) {
    ok = true;
    rest = line.slice(4);
  } else if (head === "-ERR" && (line.length === 4 || line[4] === " ")) {
    ok = false;
    rest = line.slice(5);
  } else {
    return null;
  }
  const match = CODE.exec(rest);
  if (!match) return { ok, text: rest };
  return { ok, text: rest.slice(match[0].length), responseCode: match[1]!.toUpperCase() };
}

/**
 * Tells whether a response code names a temporary condition (`IN-USE`,
 * `LOGIN-DELAY`, `SYS/TEMP` and their sub-codes).
 *
 * @example Usage
 * ```ts
 * import { isTransientPop3Code } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isTransientPop3Code("SYS/TEMP"), true);
 * assert.equal(isTransientPop3Code("AUTH"), false);
 * assert.equal(isTransientPop3Code(undefined), false);
 * ```
 *
 * @param code A response code as {@linkcode parsePop3Status} returns it.
 * @returns Whether retrying later may succeed.
 */
export function isTransientPop3Code(code: string | undefined): boolean {
  if (code === undefined) return false;
  return POP3_TRANSIENT_CODES.some((known) => code === known || code.startsWith(known + "/"));
}

/**
 * Tells whether a line is a SASL continuation (`+ challenge` or a bare `+`),
 * as opposed to `+OK` (RFC 5034 §4).
 *
 * @example Usage
 * ```ts
 * import { isPop3Continuation } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isPop3Continuation("+ PDEyMz4="), true);
 * assert.equal(isPop3Continuation("+"), true);
 * assert.equal(isPop3Continuation("+OK done"), false);
 * ```
 *
 * @param line The line, without its line end.
 * @returns Whether it carries a challenge.
 */
export function isPop3Continuation(line: string): boolean {
  return line === "+" || line.startsWith("+ ");
}
