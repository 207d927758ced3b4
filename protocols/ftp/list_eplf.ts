// Copyright 2026 the portline authors. MIT license.
/**
 * EPLF, the Easily Parsed LIST Format: `+facts,\tname` (publicfile, some
 * embedded servers).
 *
 * @module
 */
import type { FtpFileInfo } from "./file_info.ts";
import type { FtpListParser } from "./list.ts";
import { parseByteCount } from "./_values.ts";

/**
 * The EPLF strategy of {@linkcode parseList}.
 *
 * @example Usage
 * ```ts
 * import { FTP_LIST_EPLF } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const entry = FTP_LIST_EPLF.parse("+i8388621.44468,m839956783,r,s10376,\tRFCEPLF", { now: new Date() });
 * assert.equal(entry?.size, 10376);
 * assert.equal(entry?.type, "file");
 * ```
 */
export const FTP_LIST_EPLF: FtpListParser = {
  name: "eplf",
  test(line: string): boolean {
    return /^\+[^\t]*\t./.test(line);
  },
  parse(line: string): FtpFileInfo | null {
    const tab = line.indexOf("\t");
    if (!line.startsWith("+") || tab === -1) return null;
    const name = line.slice(tab + 1);
    // Not entries, as in the other formats (a tree walk would loop on them).
    if (name === "." || name === "..") return null;
    const info: FtpFileInfo = {
      name,
      type: "unknown",
      size: undefined,
      modifiedAt: undefined,
      raw: line,
    };
    for (const fact of line.slice(1, tab).split(",")) {
      const value = fact.slice(1);
      switch (fact[0]) {
        case "/":
          info.type = "directory";
          break;
        case "r":
          if (info.type === "unknown") info.type = "file";
          break;
        case "s":
          info.size = parseByteCount(value) ?? info.size;
          break;
        case "m":
          if (/^\d+$/.test(value)) {
            // Seconds since 1970; beyond what a Date holds, no date (not Invalid Date).
            const time = new Date(Number(value) * 1000);
            if (!Number.isNaN(time.getTime())) info.modifiedAt = time;
          }
          break;
        case "u":
          if (/^p[0-7]{1,6}$/.test(value)) info.mode = parseInt(value.slice(1), 8) & 0o7777;
          break;
        case "i":
          info.unique = value;
          break;
      }
    }
    return info;
  },
};
