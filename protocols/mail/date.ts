// Copyright 2026 the portline authors. MIT license.
/**
 * RFC 5322 §3.3 dates: `Tue, 01 Jul 2003 10:52:37 +0200`, written in UTC and
 * read with the obsolete forms (two-digit years, named zones) too.
 *
 * @module
 */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
};

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * Formats a date for a `Date:` header, in UTC.
 *
 * @example Usage
 * ```ts
 * import { formatMailDate } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatMailDate(new Date(Date.UTC(2003, 6, 1, 10, 52, 37))), "Tue, 01 Jul 2003 10:52:37 +0000");
 * ```
 *
 * @param date The date.
 * @returns The RFC 5322 date-time.
 * @throws {RangeError} When the date is invalid or before year 0.
 */
export function formatMailDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("Cannot format date: it is invalid");
  const year = date.getUTCFullYear();
  if (year < 0) throw new RangeError(`Cannot format date: year ${year} is before year 0`);
  // RFC 5322 years have four digits or more: year 999 written "999" read as
  // 2899 (a three-digit obsolete year), and "50" as 1950.
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ` +
    `${String(year).padStart(4, "0")} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:` +
    `${two(date.getUTCSeconds())} +0000`;
}

/** `2025-02-13 09:05` or `2025-02-13T09:05:01.5`: date and time, no zone. */
const ISO_WITHOUT_ZONE = /^\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*$/;

/** Days in a month (0-11) of a (proleptic Gregorian) year. */
function daysInMonth(year: number, month: number): number {
  if (month !== 1) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

const DATE =
  /^\s*(?:[A-Za-z]+\s*,?\s*)?(\d{1,2})\s*[- ]?\s*([A-Za-z]{3})[A-Za-z]*\.?\s*[- ]?\s*(\d{2,4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]{1,5}))?/;

/**
 * Reads an RFC 5322 date, with the obsolete forms: two- and three-digit
 * years, named and military zones, a missing weekday or seconds; other forms
 * fall back to `Date.parse`.
 *
 * @example Usage
 * ```ts
 * import { parseMailDate } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseMailDate("Tue, 1 Jul 2003 10:52:37 +0200")?.toISOString(), "2003-07-01T08:52:37.000Z");
 * assert.equal(parseMailDate("1 Jul 03 10:52 EDT")?.toISOString(), "2003-07-01T14:52:00.000Z");
 * assert.equal(parseMailDate("not a date"), undefined);
 * ```
 *
 * @param text The header value.
 * @returns The date, or undefined when it cannot be read.
 */
export function parseMailDate(text: string): Date | undefined {
  // A date is short; bounding the input keeps the regular expression linear.
  const match = DATE.exec(text.slice(0, 200));
  if (match) {
    const month = MONTHS.findIndex((m) => m.toLowerCase() === match[2]!.toLowerCase());
    if (month >= 0) {
      let year = Number(match[3]);
      if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900;
      else if (match[3]!.length === 3) year += 1900;
      let offset = 0;
      if (match[7]) {
        offset = (Number(match[8]) * 60 + Number(match[9])) * (match[7] === "-" ? -1 : 1);
      } else if (match[10]) {
        offset = (ZONES[match[10].toUpperCase()] ?? 0) * 60;
      }
      const day = Number(match[1]);
      const hour = Number(match[4]);
      const minute = Number(match[5]);
      const second = Number(match[6] ?? 0);
      // Out of range is no date (Python's email.utils refuses it too), not a
      // rolled-over one: "30 Feb" is not 1 Mar, "25:00" not the next day.
      // Second 60 is RFC 5322's leap second.
      if (
        day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60
      ) {
        return undefined;
      }
      // setUTCFullYear, not Date.UTC(year, …): Date.UTC takes years 0-99 as
      // 1900-1999, so the four-digit "0050" came back as 1950.
      const date = new Date(0);
      date.setUTCFullYear(year, month, day);
      date.setUTCHours(hour, minute, second);
      date.setTime(date.getTime() - offset * 60_000);
      if (!Number.isNaN(date.getTime())) return date;
    }
  }
  // Other forms (ISO 8601, JavaScript's own) only with a full year and a
  // time: Date.parse alone would take "1" for 2001.
  const rest = text.slice(0, 200);
  if (!/\d{4}/.test(rest) || !/\d:\d\d/.test(rest)) return undefined;
  // An ISO 8601 date and time without a zone is read as UTC: Date.parse
  // takes it as the machine's local time, so the result would depend on TZ.
  const local = ISO_WITHOUT_ZONE.exec(rest);
  const fallback = Date.parse(local ? `${local[1]}T${local[2]}Z` : rest);
  return Number.isNaN(fallback) ? undefined : new Date(fallback);
}
