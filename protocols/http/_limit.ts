// Copyright 2026 the portline authors. MIT license.
/**
 * Response body size limits: checking a caller's limit, and the error for a
 * body past it.
 *
 * @module
 */
import { InvalidArgumentError } from "../_core/writer.ts";
import { HttpLimitError } from "./errors.ts";

/**
 * Checks a body size limit given by a caller.
 *
 * @param value The limit.
 * @param name The option's name, for the message.
 * @returns The limit.
 * @throws {InvalidArgumentError} Unless it is a non-negative safe integer.
 */
export function checkBodyLimit(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    const shown = typeof value === "number" ? String(value) : typeof value;
    throw new InvalidArgumentError(
      `Cannot read the response body: ${name} must be a non-negative integer, not ${shown}`,
    );
  }
  return value;
}

/**
 * The error for a body larger than its limit.
 *
 * @param maxBytes The limit.
 * @param detail Appended to the message (what was declared or decoded).
 * @returns The error.
 */
export function bodyTooLarge(maxBytes: number, detail = ""): HttpLimitError {
  return new HttpLimitError(
    `Cannot read the response body: larger than ${maxBytes} bytes${detail}`,
  );
}
