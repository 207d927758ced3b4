// Copyright 2026 the portline authors. MIT license.
/**
 * EPLF, the Easily Parsed LIST Format: `+facts,\tname` (publicfile, some
 * embedded servers).
 *
 * @module
 */
import type { FtpFileInfo } from "./file_info.ts";
import type { FtpListParser } from "./list.ts";

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
    const info: FtpFileInfo = {
      name: line.slice(tab + 1),
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
          if (/^\d+$/.test(value)) info.size = Number(value);
          break;
        case "m":
          if (/^\d+$/.test(value)) info.modifiedAt = new Date(Number(value) * 1000);
          break;
        case "u":
          if (/^p[0-7]+$/.test(value)) info.mode = parseInt(value.slice(1), 8);
          break;
        case "i":
          info.unique = value;
          break;
      }
    }
    return info;
  },
};
