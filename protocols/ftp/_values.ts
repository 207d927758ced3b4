// Copyright 2026 the portline authors. MIT license.
/**
 * Checked numbers and dates for the listing and reply parsers: a server's
 * text becomes a value only when it means one, never NaN, an unsafe integer
 * or a date rolled over from out-of-range fields.
 *
 * @module
 */

/**
 * A byte count from decimal digits.
 *
 * @param text The digits.
 * @returns The count; `undefined` unless all digits and at most
 * `Number.MAX_SAFE_INTEGER` (a longer one would round or be `Infinity`).
 */
export function parseByteCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * A UTC date from its fields (`month` from 0), or `undefined` when a field is
 * out of range: `Date.UTC` would roll "Feb 30" over to March and read years
 * 0–99 as 1900–1999. Second 60 (a leap second) is allowed.
 */
export function utcDate(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): Date | undefined {
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  // Past the month's last day: it rolled over.
  if (date.getUTCMonth() !== month) return undefined;
  date.setUTCHours(hour, minute, second, ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
