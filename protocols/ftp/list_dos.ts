// Copyright 2026 the portline authors. MIT license.
/**
 * The DOS/Windows (IIS) LIST format: `01-15-24  10:30AM  <DIR>  name`.
 *
 * @module
 */
import type { FtpFileInfo } from "./file_info.ts";
import type { FtpListParser } from "./list.ts";
import { parseByteCount, utcDate } from "./_values.ts";

// The blanks before AM/PM belong to the optional group: as a separate `\s*`
// next to the `\s+` after it, a long run of blanks took quadratic time.
const LINE =
  /^(\d{2})-(\d{2})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*([AaPp][Mm]))?\s+(<DIR>|<JUNCTION>|\d+)\s+(.+)$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*([AaPp][Mm]))?\s+(<DIR>|<JUNCTION>|\d+)\s+(.+)$/;

/**
 * The DOS/Windows strategy of {@linkcode parseList} (IIS's default, with
 * two- or four-digit years, 12- or 24-hour times, and ISO dates).
 *
 * @example Usage
 * ```ts
 * import { FTP_LIST_DOS } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const entry = FTP_LIST_DOS.parse("01-15-24  10:30PM       <DIR>          My Docs", { now: new Date() });
 * assert.equal(entry?.type, "directory");
 * assert.equal(entry?.modifiedAt?.toISOString(), "2024-01-15T22:30:00.000Z");
 * ```
 */
export const FTP_LIST_DOS: FtpListParser = {
  name: "dos",
  test(line: string): boolean {
    return LINE.test(line) || ISO.test(line);
  },
  parse(line: string): FtpFileInfo | null {
    let year: number, month: number, day: number;
    let m = LINE.exec(line);
    if (m) {
      month = +m[1]!, day = +m[2]!, year = +m[3]!;
      if (m[3]!.length === 2) year += year < 70 ? 2000 : 1900;
    } else {
      m = ISO.exec(line);
      if (!m) return null;
      year = +m[1]!, month = +m[2]!, day = +m[3]!;
    }
    let hour = +m[4]!;
    const half = m[6]?.toUpperCase();
    if (half === "PM" && hour < 12) hour += 12;
    if (half === "AM" && hour === 12) hour = 0;
    const name = m[8]!;
    if (name === "." || name === "..") return null;
    const dir = m[7]!.startsWith("<");
    return {
      name,
      type: dir ? "directory" : "file",
      size: dir ? undefined : parseByteCount(m[7]!),
      modifiedAt: utcDate(year, month - 1, day, hour, +m[5]!),
      raw: line,
    };
  },
};
