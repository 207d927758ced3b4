// Copyright 2026 the portline authors. MIT license.
/**
 * Outgoing POP3 commands: formatting with argument checks (no CR/LF/NUL, so
 * no command injection), and the redaction transcripts and errors use.
 * Pure, no I/O.
 *
 * @module
 */
import { assertSafeArgument, InvalidArgumentError } from "../_core/writer.ts";

/**
 * The longest command line a client may send, CRLF included (RFC 2449 §4);
 * an AUTH initial response that would exceed it is sent after the first `+`.
 *
 * @example Usage
 * ```ts
 * import { fitsPop3Line, POP3_MAX_COMMAND_OCTETS } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(POP3_MAX_COMMAND_OCTETS, 255);
 * assert.ok(fitsPop3Line("X".repeat(POP3_MAX_COMMAND_OCTETS - 2)));
 * ```
 */
export const POP3_MAX_COMMAND_OCTETS = 255;

const encoder = new TextEncoder();

/**
 * Joins a command verb and its arguments, refusing arguments that would end
 * the line early (CR, LF, NUL) or that are empty.
 *
 * @example Usage
 * ```ts
 * import { formatPop3Command } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatPop3Command("TOP", 1, 10), "TOP 1 10");
 * assert.throws(() => formatPop3Command("USER", "ann\r\nDELE 1"));
 * ```
 *
 * @param verb The command keyword, e.g. `"RETR"`.
 * @param args Its arguments.
 * @returns The command line, without its line end.
 * @throws {InvalidArgumentError} When an argument is empty or contains CR, LF or NUL.
 */
export function formatPop3Command(verb: string, ...args: (string | number)[]): string {
  let line = verb;
  for (const arg of args) {
    const text = String(arg);
    assertSafeArgument(text, `${verb} argument`);
    if (text === "") {
      throw new InvalidArgumentError(`Cannot send ${verb}: an argument is empty`);
    }
    line += " " + text;
  }
  return line;
}

/**
 * Tells whether a command line fits the RFC 2449 limit of 255 octets (CRLF
 * included).
 *
 * @example Usage
 * ```ts
 * import { fitsPop3Line } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fitsPop3Line("AUTH PLAIN AGFubgBwdw=="), true);
 * assert.equal(fitsPop3Line("AUTH XOAUTH2 " + "x".repeat(300)), false);
 * ```
 *
 * @param line The command without its line end.
 * @returns Whether it may be sent.
 */
export function fitsPop3Line(line: string): boolean {
  return encoder.encode(line).byteLength + 2 <= POP3_MAX_COMMAND_OCTETS;
}

/**
 * Hides the secrets in a command line for transcripts and error messages:
 * the PASS argument, the APOP digest and AUTH initial responses.
 *
 * @example Usage
 * ```ts
 * import { redactPop3Command } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * assert.equal(redactPop3Command("PASS hunter2"), "PASS ***");
 * assert.equal(redactPop3Command("APOP ann c4c9334bac560ecc979e58001b3e22fb"), "APOP ann ***");
 * assert.equal(redactPop3Command("AUTH PLAIN AGFubgBwdw=="), "AUTH PLAIN ***");
 * assert.equal(redactPop3Command("RETR 1"), "RETR 1");
 * ```
 *
 * @param line The command line.
 * @returns The line with secrets replaced by `***`.
 */
export function redactPop3Command(line: string): string {
  const upper = line.slice(0, 5).toUpperCase();
  if (upper.startsWith("PASS ")) return "PASS ***";
  if (upper.startsWith("APOP ")) {
    const parts = line.split(" ");
    return parts.length > 2 ? `${parts.slice(0, 2).join(" ")} ***` : line;
  }
  if (upper.startsWith("AUTH ")) {
    const parts = line.split(" ");
    return parts.length > 2 ? `${parts[0]} ${parts[1]} ***` : line;
  }
  return line;
}
