// Copyright 2026 the portline authors. MIT license.
/**
 * LIST output parsing: a registry of format strategies (Unix `ls -l`,
 * DOS/Windows, EPLF); the first whose `test` accepts a line parses the whole
 * listing, as basic-ftp does. Prefer MLSD where the server has it.
 *
 * @module
 */
import type { FtpFileInfo } from "./file_info.ts";
import { FTP_LIST_UNIX } from "./list_unix.ts";
import { FTP_LIST_DOS } from "./list_dos.ts";
import { FTP_LIST_EPLF } from "./list_eplf.ts";

/** What a LIST parser may need besides the line. */
export interface ListParseContext {
  /** "Now", to give `ls -l` dates without a year their year. */
  now: Date;
}

/** One LIST format. */
export interface FtpListParser {
  /** A short name, e.g. `"unix"`. */
  readonly name: string;
  /**
   * Tells whether a line is in this format.
   *
   * @param line A listing line.
   * @returns True when this parser understands it.
   */
  test(line: string): boolean;
  /**
   * Parses one line.
   *
   * @param line A listing line.
   * @param context The current time.
   * @returns The entry, or `null` for lines that are not entries (`.`, `..`).
   */
  parse(line: string, context: ListParseContext): FtpFileInfo | null;
}

/**
 * The built-in LIST formats, tried in order.
 *
 * @example Usage
 * ```ts
 * import { FTP_LIST_PARSERS } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(FTP_LIST_PARSERS.map((p) => p.name), ["unix", "dos", "eplf"]);
 * ```
 */
export const FTP_LIST_PARSERS: readonly FtpListParser[] = [
  FTP_LIST_UNIX,
  FTP_LIST_DOS,
  FTP_LIST_EPLF,
];

/** Options of {@linkcode parseList}. */
export interface ParseListOptions {
  /** The formats to try, in order; custom ones may come first. */
  parsers?: readonly FtpListParser[];
  /** "Now" for dates without a year (tests pin it). */
  now?: Date;
}

/**
 * Parses LIST output. Blank lines and `total N` are skipped; lines the chosen
 * format cannot parse are left out.
 *
 * @example Usage
 * ```ts
 * import { parseList } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const text = "total 8\r\n" +
 *   "drwxr-xr-x 2 0 0 4096 Jan 15 10:30 docs\r\n" +
 *   "lrwxrwxrwx 1 0 0 7 Jan 15 10:30 latest -> docs\r\n";
 * const entries = parseList(text, { now: new Date("2024-06-01T00:00:00Z") });
 * assert.deepEqual(entries.map((e) => [e.name, e.type]), [["docs", "directory"], ["latest", "symlink"]]);
 * assert.equal(entries[1]?.target, "docs");
 * ```
 *
 * @param text The LIST output.
 * @param options Formats to try and the current time.
 * @returns The entries.
 */
export function parseList(text: string, options: ParseListOptions = {}): FtpFileInfo[] {
  const parsers = options.parsers ?? FTP_LIST_PARSERS;
  const context: ListParseContext = { now: options.now ?? new Date() };
  const lines = text.split(/\r?\n/).filter((line) =>
    line.trim() !== "" && !/^total\s+\d+/i.test(line)
  );
  let parser: FtpListParser | undefined;
  const out: FtpFileInfo[] = [];
  for (const line of lines) {
    parser ??= parsers.find((p) => p.test(line));
    if (!parser) continue;
    const entry = parser.test(line) ? parser.parse(line, context) : null;
    if (entry) out.push(entry);
  }
  return out;
}
