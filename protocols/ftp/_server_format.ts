// Copyright 2026 the portline authors. MIT license.
/**
 * How the in-process server writes listings: `ls -l` lines for LIST, RFC 3659
 * facts for MLSD/MLST. Pure functions.
 *
 * @module
 */
import type { FtpServerEntry } from "./server_fs.ts";
import { formatFtpTime } from "./replies.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An `ls -l` line (recent files show the time, older ones the year). */
export function formatUnixLine(entry: FtpServerEntry, now: Date): string {
  const d = entry.modifiedAt;
  const recent = Math.abs(now.getTime() - d.getTime()) < 180 * 86_400_000;
  const p = (n: number) => String(n).padStart(2, "0");
  const when = recent ? `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}` : ` ${d.getUTCFullYear()}`;
  const mode = entry.type === "directory" ? "drwxr-xr-x" : "-rw-r--r--";
  const date = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${when}`;
  return `${mode}    1 ftp      ftp      ${String(entry.size).padStart(12)} ${date} ${entry.name}`;
}

/** An MLSD/MLST fact line, without the leading space MLST adds. */
export function formatMlsdLine(entry: FtpServerEntry, name: string, writable: boolean): string {
  const dir = entry.type === "directory";
  const perm = dir ? (writable ? "flcdmpe" : "el") : (writable ? "adfrw" : "r");
  const size = dir ? "" : `size=${entry.size};`;
  return `type=${dir ? "dir" : "file"};${size}modify=${formatFtpTime(entry.modifiedAt)};` +
    `perm=${perm};UNIX.mode=${dir ? "0755" : "0644"}; ${name}`;
}
