// Copyright 2026 the portline authors. MIT license.
/**
 * STAT, LIST and UIDL replies (RFC 1939 §5, §7) and message-number checks.
 * Pure, no I/O.
 *
 * @module
 */
import { ProtocolError } from "../_core/errors.ts";

/** A STAT reply: messages in the maildrop (those marked deleted excluded). */
export interface Pop3Stat {
  /** How many messages. */
  count: number;
  /** Their total size in octets. */
  size: number;
}

/** One LIST entry. */
export interface Pop3ListEntry {
  /** The message number (1-based, valid for this session only). */
  id: number;
  /** The size in octets, as the server counts it (CRLF line ends). */
  size: number;
}

/** One UIDL entry. */
export interface Pop3UidlEntry {
  /** The message number (1-based, valid for this session only). */
  id: number;
  /** The unique id, stable across sessions (1–70 printable characters). */
  uid: string;
}

const DIGITS = /^\d+$/;

function number(word: string | undefined, what: string, line: string): number {
  if (word === undefined || !DIGITS.test(word)) {
    throw new ProtocolError(`Cannot parse ${what}: "${line.slice(0, 80)}"`);
  }
  const value = Number(word);
  if (!Number.isSafeInteger(value)) {
    throw new ProtocolError(`Cannot parse ${what}: "${word}" is too large`);
  }
  return value;
}

function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

/**
 * Parses the text of a `+OK` STAT reply (`nn mm`).
 *
 * @example Usage
 * ```ts
 * import { parsePop3Stat } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePop3Stat("2 320"), { count: 2, size: 320 });
 * ```
 *
 * @param text The text after `+OK `.
 * @returns The count and total size.
 * @throws {ProtocolError} When the text is not two numbers.
 */
export function parsePop3Stat(text: string): Pop3Stat {
  const [count, size] = words(text);
  return { count: number(count, "STAT reply", text), size: number(size, "STAT reply", text) };
}

/**
 * Parses one LIST line: a multi-line entry, or the text of a `+OK` reply to
 * `LIST n` (`n size`).
 *
 * @example Usage
 * ```ts
 * import { parsePop3ListLine } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePop3ListLine("1 120"), { id: 1, size: 120 });
 * ```
 *
 * @param line The line.
 * @returns The message number and size.
 * @throws {ProtocolError} When the line is not two numbers.
 */
export function parsePop3ListLine(line: string): Pop3ListEntry {
  const [id, size] = words(line);
  return { id: number(id, "LIST line", line), size: number(size, "LIST line", line) };
}

/**
 * Parses one UIDL line: a multi-line entry, or the text of a `+OK` reply to
 * `UIDL n` (`n unique-id`).
 *
 * @example Usage
 * ```ts
 * import { parsePop3UidlLine } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePop3UidlLine("1 whqtswO00WBw418f9t5JxYwZ"), {
 *   id: 1,
 *   uid: "whqtswO00WBw418f9t5JxYwZ",
 * });
 * ```
 *
 * @param line The line.
 * @returns The message number and unique id.
 * @throws {ProtocolError} When the line is not a number and an id.
 */
export function parsePop3UidlLine(line: string): Pop3UidlEntry {
  const [id, uid] = words(line);
  if (uid === undefined || uid === "") {
    throw new ProtocolError(`Cannot parse UIDL line: "${line.slice(0, 80)}"`);
  }
  return { id: number(id, "UIDL line", line), uid };
}

/**
 * Reads the octet count some servers put in a `+OK` RETR reply
 * (`+OK 1234 octets`), a size hint.
 *
 * @example Usage
 * ```ts
 * import { parsePop3Octets } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parsePop3Octets("1234 octets"), 1234);
 * assert.equal(parsePop3Octets("message follows"), undefined);
 * ```
 *
 * @param text The text after `+OK `.
 * @returns The size, or `undefined` when the text does not start with one.
 */
export function parsePop3Octets(text: string): number | undefined {
  const match = /^(\d{1,15})(?:\s|$)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Checks a message number before it goes on the wire.
 *
 * @example Usage
 * ```ts
 * import { assertPop3MessageNumber } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assertPop3MessageNumber(1);
 * assert.throws(() => assertPop3MessageNumber(0), RangeError);
 * assert.throws(() => assertPop3MessageNumber(1.5), RangeError);
 * ```
 *
 * @param id The message number.
 * @throws {RangeError} Unless it is a positive safe integer.
 */
export function assertPop3MessageNumber(id: number): void {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new RangeError(`Cannot use message number ${id}: it must be a positive integer`);
  }
}
