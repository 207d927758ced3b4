// Copyright 2026 the portline authors. MIT license.
// What the FtpFileInfo type promises, checked at run time by the fuzz tests.
import assert from "../_assert.ts";
import type { FtpFileInfo } from "../../protocols/ftp/mod.ts";

const TYPES = new Set(["file", "directory", "symlink", "unknown"]);

/** What the `FtpFileInfo` type promises, checked at run time. */
export function checkEntry(entry: FtpFileInfo, where: string, self = false): void {
  const fail = (what: string) =>
    assert.fail(`${where}: ${what} in ${JSON.stringify(entry, null, 0)}`);
  if (typeof entry.name !== "string" || entry.name === "") fail("empty name");
  if (!self && (entry.name === "." || entry.name === "..")) fail("self entry");
  if (!TYPES.has(entry.type)) fail("bad type");
  if (entry.size !== undefined && !(Number.isSafeInteger(entry.size) && entry.size >= 0)) {
    fail("bad size");
  }
  if (entry.modifiedAt !== undefined) {
    if (!(entry.modifiedAt instanceof Date) || Number.isNaN(entry.modifiedAt.getTime())) {
      fail("Invalid Date");
    }
  }
  if (entry.mode !== undefined && !(Number.isInteger(entry.mode) && entry.mode >= 0)) {
    fail("bad mode");
  }
  if (entry.mode !== undefined && entry.mode > 0o7777) fail("mode beyond 0o7777");
  for (const key of ["owner", "group", "target", "permissions", "unique", "raw"] as const) {
    if (entry[key] !== undefined && typeof entry[key] !== "string") fail(`bad ${key}`);
  }
  if (entry.facts !== undefined) {
    for (const [k, v] of Object.entries(entry.facts)) {
      if (typeof v !== "string" || k !== k.toLowerCase()) fail("bad fact");
    }
  }
}
