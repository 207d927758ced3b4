// Copyright 2026 the portline authors. MIT license.
/**
 * RFC 3659 machine listings: MLSD lines and MLST replies. No I/O.
 *
 * @module
 */
import type { FtpFileInfo, FtpFileType } from "./file_info.ts";
import { parseFtpTime } from "./replies.ts";
import { parseByteCount } from "./_values.ts";

/** The `type` fact values that are not real entries (`.` and `..`). */
const SELF_TYPES = new Set(["cdir", "pdir"]);

function typeOf(fact: string | undefined): FtpFileType | "self" {
  if (fact === undefined) return "unknown";
  const type = fact.toLowerCase();
  if (type === "file") return "file";
  if (type === "dir") return "directory";
  if (SELF_TYPES.has(type)) return "self";
  // OS-specific types (RFC 3659 §7.5.1): "OS.unix=slink:/target", "OS.unix=symlink".
  if (/^os\.unix=(s?link|symlink)/.test(type)) return "symlink";
  return "unknown";
}

/**
 * Parses one MLSD line (or the entry line of an MLST reply): `fact=value;…`,
 * a space, then the name (which may contain spaces and semicolons).
 *
 * @example Usage
 * ```ts
 * import { parseMlsdLine } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const entry = parseMlsdLine("type=file;size=12;modify=20240115103000;UNIX.mode=0644; my file.txt");
 * assert.equal(entry?.name, "my file.txt");
 * assert.equal(entry?.size, 12);
 * assert.equal(entry?.mode, 0o644);
 * ```
 *
 * @param line The line without its line end.
 * @returns The entry; `null` for `.`/`..` (`cdir`, `pdir`) and malformed lines.
 */
export function parseMlsdLine(line: string): FtpFileInfo | null {
  const space = line.indexOf(" ");
  if (space === -1) return null;
  const name = line.slice(space + 1);
  if (name === "") return null;
  const pairs = new Map<string, string>();
  for (const part of line.slice(0, space).split(";")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    pairs.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  // fromEntries defines own properties: a fact named `__proto__` is kept as
  // one (an assignment would set the prototype, or be dropped), and none can
  // reach Object.prototype.
  const facts: Record<string, string> = Object.fromEntries(pairs);
  const type = typeOf(facts["type"]);
  if (type === "self") return null;
  const info: FtpFileInfo = {
    name,
    type,
    size: undefined,
    modifiedAt: facts["modify"] ? parseFtpTime(facts["modify"]) : undefined,
    facts,
    raw: line,
  };
  const size = facts["size"] ?? facts["sizd"];
  if (size !== undefined) info.size = parseByteCount(size);
  const mode = facts["unix.mode"];
  if (mode !== undefined && /^[0-7]{1,6}$/.test(mode)) info.mode = parseInt(mode, 8) & 0o7777;
  if (facts["unix.owner"] ?? facts["unix.uid"]) {
    info.owner = facts["unix.owner"] ?? facts["unix.uid"];
  }
  if (facts["unix.group"] ?? facts["unix.gid"]) {
    info.group = facts["unix.group"] ?? facts["unix.gid"];
  }
  if (facts["perm"] !== undefined) info.permissions = facts["perm"];
  if (facts["unique"] !== undefined) info.unique = facts["unique"];
  if (type === "symlink") {
    const target = /^os\.unix=s?link:(.+)$/i.exec(facts["type"]!);
    if (target) info.target = target[1];
  }
  return info;
}

/**
 * Parses a whole MLSD listing.
 *
 * @example Usage
 * ```ts
 * import { parseMlsdList } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const list = parseMlsdList("type=cdir; .\r\ntype=dir; docs\r\ntype=file;size=3; a.txt\r\n");
 * assert.deepEqual(list.map((e) => e.name), ["docs", "a.txt"]);
 * ```
 *
 * @param text The listing.
 * @returns The entries, `.` and `..` left out.
 */
export function parseMlsdList(text: string): FtpFileInfo[] {
  const out: FtpFileInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const entry = parseMlsdLine(line);
    // "." and ".." are left out whatever their type fact says (a tree walk
    // would loop on them).
    if (entry && entry.name !== "." && entry.name !== "..") out.push(entry);
  }
  return out;
}

/**
 * Parses an MLST reply (the `250-` block): the entry is the line that starts
 * with a space. The name is the full path the server gave.
 *
 * @example Usage
 * ```ts
 * import { parseMlstReply } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const entry = parseMlstReply(["Listing a.txt", " type=file;size=3; /home/a.txt", "End"]);
 * assert.equal(entry?.name, "/home/a.txt");
 * ```
 *
 * @param lines The reply lines (as `readReply` gives them).
 * @returns The entry, or `null` when none.
 */
export function parseMlstReply(lines: readonly string[]): FtpFileInfo | null {
  for (const line of lines) {
    if (!line.startsWith(" ")) continue;
    const facts = line.slice(1);
    const parsed = parseMlsdLine(facts);
    if (parsed) return parsed;
    // `.` itself: report it as a directory rather than nothing.
    const space = facts.indexOf(" ");
    if (space !== -1 && /type=[cp]dir/i.test(facts.slice(0, space))) {
      const self = parseMlsdLine(facts.replace(/type=[cp]dir/i, "type=dir"));
      if (self) return self;
    }
  }
  return null;
}
