// Copyright 2026 the portline authors. MIT license.
/**
 * The Unix `ls -l` LIST format, as vsftpd, proftpd, pure-ftpd and most Unix
 * servers send it: numeric or named owners, optional group, device numbers,
 * symbolic links, names with spaces, and both date forms (`Jan 15 10:30`,
 * `Jan 15  2024`) plus the ISO form (`2024-01-15 10:30`).
 *
 * @module
 */
import type { FtpFileInfo, FtpFileType } from "./file_info.ts";
import type { FtpListParser, ListParseContext } from "./list.ts";
import { parseByteCount, utcDate } from "./_values.ts";

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

const LINE = new RegExp(
  "^([bcdlps-])([rwxsStTlL-]{9})[.+@]?\\s+" + // type, mode, ACL marker
    "(\\d+)\\s+" + // links
    "(\\S+)\\s+(?:(\\S+)\\s+)?" + // owner, optional group
    "(\\d+|\\d+,\\s*\\d+)\\s+" + // size, or "major, minor" for devices
    "([A-Za-z]{3}\\s+\\d{1,2}\\s+(?:\\d{1,2}:\\d{2}|\\d{4})|" +
    "\\d{4}-\\d{2}-\\d{2}\\s+\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:\\s+[+-]\\d{4})?)" + // date
    " (.+)$", // name (one space after the date; the rest is the name)
);

function modeBits(text: string): number {
  let mode = 0;
  const bit = (i: number, set: number) => {
    const c = text[i]!;
    if (c !== "-" && c !== "S" && c !== "T" && c !== "l" && c !== "L") mode |= set;
  };
  bit(0, 0o400), bit(1, 0o200), bit(2, 0o100);
  bit(3, 0o040), bit(4, 0o020), bit(5, 0o010);
  bit(6, 0o004), bit(7, 0o002), bit(8, 0o001);
  if (/[sS]/.test(text[2]!)) mode |= 0o4000;
  if (/[sSlL]/.test(text[5]!)) mode |= 0o2000;
  if (/[tT]/.test(text[8]!)) mode |= 0o1000;
  return mode;
}

function typeOf(c: string): FtpFileType {
  return c === "-" ? "file" : c === "d" ? "directory" : c === "l" ? "symlink" : "unknown";
}

/**
 * Parses an `ls -l` date. Dates without a year are within the last year:
 * the year is the current one unless that puts the date more than a day in
 * the future. Times are taken as UTC (the server's zone is unknown). A field
 * out of range ("Feb 30", "25:00") gives no date.
 */
function parseDate(text: string, now: Date): Date | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (iso) {
    return utcDate(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +(iso[6] ?? 0));
  }
  const parts = text.split(/\s+/);
  const name = parts[0]!.toLowerCase();
  // Own keys only ("constructor" is no month).
  const month = Object.hasOwn(MONTHS, name) ? MONTHS[name] : undefined;
  if (month === undefined) return undefined;
  const day = Number(parts[1]);
  const last = parts[2]!;
  if (!last.includes(":")) return utcDate(Number(last), month, day);
  const [h, m] = last.split(":").map(Number);
  const year = now.getUTCFullYear();
  const date = utcDate(year, month, day, h, m);
  // Later than tomorrow, or Feb 29 outside a leap year: last year's.
  if (date === undefined || date.getTime() > now.getTime() + 86_400_000) {
    return utcDate(year - 1, month, day, h, m);
  }
  return date;
}

/**
 * The `ls -l` strategy of {@linkcode parseList}.
 *
 * @example Usage
 * ```ts
 * import { FTP_LIST_UNIX } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const line = "-rw-r--r--    1 1000     1000         4096 Jan 15  2024 my file.txt";
 * assert.ok(FTP_LIST_UNIX.test(line));
 * const entry = FTP_LIST_UNIX.parse(line, { now: new Date() });
 * assert.equal(entry?.name, "my file.txt");
 * assert.equal(entry?.size, 4096);
 * ```
 */
export const FTP_LIST_UNIX: FtpListParser = {
  name: "unix",
  test(line: string): boolean {
    return LINE.test(line);
  },
  parse(line: string, context: ListParseContext): FtpFileInfo | null {
    const m = LINE.exec(line);
    if (!m) return null;
    const type = typeOf(m[1]!);
    let name = m[8]!;
    let target: string | undefined;
    if (type === "symlink") {
      const arrow = name.indexOf(" -> ");
      if (arrow !== -1) {
        target = name.slice(arrow + 4);
        name = name.slice(0, arrow);
      }
    }
    // " -> x" right after the date leaves no name: not an entry.
    if (name === "" || name === "." || name === "..") return null;
    const size = m[6]!.includes(",") ? undefined : parseByteCount(m[6]!);
    const info: FtpFileInfo = {
      name,
      type,
      size,
      modifiedAt: parseDate(m[7]!, context.now),
      mode: modeBits(m[2]!),
      owner: m[4],
      group: m[5],
      raw: line,
    };
    if (target !== undefined) info.target = target;
    return info;
  },
};
