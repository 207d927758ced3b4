// Copyright 2026 the portline authors. MIT license.
/**
 * Pure parsers and formatters for FTP reply texts and command arguments:
 * PASV/EPSV addresses, PORT/EPRT arguments, PWD's quoted path, FEAT lists and
 * RFC 3659 timestamps. No I/O.
 *
 * @module
 */
import { utcDate } from "./_values.ts";

/** A host and port, as PASV, EPSV, PORT and EPRT carry them. */
export interface FtpAddress {
  /** The IP address (empty when the reply names only a port, as EPSV does). */
  host: string;
  /** The TCP port. */
  port: number;
}

/**
 * Parses a `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` reply text.
 *
 * @example Usage
 * ```ts
 * import { parsePasvReply } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePasvReply("Entering Passive Mode (127,0,0,1,117,48)."), {
 *   host: "127.0.0.1",
 *   port: 30000,
 * });
 * ```
 *
 * @param text The reply text after `227 `.
 * @returns The address, or `null` when the text carries none.
 */
export function parsePasvReply(text: string): FtpAddress | null {
  // Whole numbers only: "1000,…" or "…,4800" must not read as "000" or "480".
  const match =
    /(?<!\d)(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3})(?!\d)/
      .exec(text);
  if (!match) return null;
  const n = match.slice(1).map(Number);
  if (n.some((v) => v > 255)) return null;
  const port = n[4]! * 256 + n[5]!;
  if (port === 0) return null;
  return { host: n.slice(0, 4).join("."), port };
}

/**
 * Parses a `229 Entering Extended Passive Mode (|||port|)` reply text
 * (RFC 2428; any printable delimiter).
 *
 * @example Usage
 * ```ts
 * import { parseEpsvReply } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseEpsvReply("Entering Extended Passive Mode (|||6446|)"), 6446);
 * assert.equal(parseEpsvReply("nonsense"), null);
 * ```
 *
 * @param text The reply text after `229 `.
 * @returns The port, or `null` when the text carries none.
 */
export function parseEpsvReply(text: string): number | null {
  const match = /\(([\x21-\x7e])\1\1(\d{1,5})\1\)/.exec(text);
  if (!match) return null;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? port : null;
}

/**
 * Formats the argument of `PORT` (IPv4 only).
 *
 * @example Usage
 * ```ts
 * import { formatPortArgument } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatPortArgument({ host: "127.0.0.1", port: 30000 }), "127,0,0,1,117,48");
 * ```
 *
 * @param address The IPv4 address and port to announce.
 * @returns The comma-separated argument.
 * @throws {RangeError} When the host is not an IPv4 address.
 */
export function formatPortArgument(address: FtpAddress): string {
  const host = address.host.replace(/^::ffff:/i, "");
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    throw new RangeError(`Cannot send PORT for "${address.host}": not an IPv4 address`);
  }
  return `${host.replaceAll(".", ",")},${address.port >> 8},${address.port & 255}`;
}

/**
 * Formats the argument of `EPRT` (RFC 2428): `|1|ip|port|` or `|2|ip|port|`.
 *
 * @example Usage
 * ```ts
 * import { formatEprtArgument } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatEprtArgument({ host: "127.0.0.1", port: 30000 }), "|1|127.0.0.1|30000|");
 * assert.equal(formatEprtArgument({ host: "::1", port: 21 }), "|2|::1|21|");
 * ```
 *
 * @param address The address and port to announce.
 * @returns The argument.
 */
export function formatEprtArgument(address: FtpAddress): string {
  const host = address.host.replace(/^::ffff:(\d+\.)/i, "$1");
  return `|${host.includes(":") ? 2 : 1}|${host}|${address.port}|`;
}

/**
 * Parses a `PORT` or `EPRT` argument (for servers).
 *
 * @example Usage
 * ```ts
 * import { parsePortArgument } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePortArgument("127,0,0,1,117,48"), { host: "127.0.0.1", port: 30000 });
 * assert.deepEqual(parsePortArgument("|1|127.0.0.1|30000|"), { host: "127.0.0.1", port: 30000 });
 * ```
 *
 * @param argument The text after `PORT ` or `EPRT `.
 * @returns The address, or `null` when malformed.
 */
export function parsePortArgument(argument: string): FtpAddress | null {
  const eprt = /^([\x21-\x7e])([12])\1([0-9a-fA-F.:]+)\1(\d{1,5})\1$/.exec(argument.trim());
  if (eprt) {
    const port = Number(eprt[4]);
    const host = eprt[3]!;
    // The address must be one of the family it claims (1: IPv4, 2: IPv6).
    const valid = eprt[2] === "1"
      ? /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split(".").every((o) => Number(o) <= 255)
      : host.includes(":");
    return valid && port > 0 && port < 65536 ? { host, port } : null;
  }
  const pasv = parsePasvReply(argument);
  return pasv && /^\s*\d/.test(argument) ? pasv : null;
}

/**
 * Takes the quoted path out of a `257` reply (PWD, MKD), undoubling `""`.
 *
 * @example Usage
 * ```ts
 * import { parsePwdReply } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parsePwdReply('"/home/a ""b""" is the current directory'), '/home/a "b"');
 * ```
 *
 * @param text The reply text after `257 `.
 * @returns The path, or `null` when there is no quoted path.
 */
export function parsePwdReply(text: string): string | null {
  const start = text.indexOf('"');
  if (start === -1) return null;
  let path = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '"') {
      path += c;
      continue;
    }
    if (text[i + 1] === '"') {
      path += '"';
      i++;
      continue;
    }
    return path;
  }
  return null;
}

/**
 * Parses a FEAT reply (RFC 2389): each feature name, upper-cased, with its
 * parameters (`""` when none).
 *
 * @example Usage
 * ```ts
 * import { parseFeatReply } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const features = parseFeatReply(["Features:", " MLST type*;size*;", " UTF8", "End"]);
 * assert.equal(features.get("MLST"), "type*;size*;");
 * assert.equal(features.get("UTF8"), "");
 * ```
 *
 * @param lines The reply's lines (as `readReply` gives them).
 * @returns Feature names to parameters.
 */
export function parseFeatReply(lines: readonly string[]): Map<string, string> {
  const features = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    // Feature lines start with a space; the last line ("End") does not.
    if (!line.startsWith(" ")) continue;
    const text = line.trim();
    if (text === "") continue;
    // Any blank ends the name (a tab too: "AUTH\tTLS" is AUTH).
    const space = text.search(/\s/);
    const name = (space === -1 ? text : text.slice(0, space)).toUpperCase();
    features.set(name, space === -1 ? "" : text.slice(space + 1).trim());
  }
  return features;
}

/**
 * Parses an RFC 3659 time value `YYYYMMDDHHMMSS[.sss]` (always UTC), as MDTM
 * replies and MLSD `modify` facts carry it.
 *
 * @example Usage
 * ```ts
 * import { parseFtpTime } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseFtpTime("20240115103000.5")?.toISOString(), "2024-01-15T10:30:00.500Z");
 * assert.equal(parseFtpTime("yesterday"), undefined);
 * ```
 *
 * @param text The time value.
 * @returns The date, or `undefined` when malformed or a field is out of range
 * ("20241301000000").
 */
export function parseFtpTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return utcDate(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
}

/**
 * Formats a date as an RFC 3659 time value (UTC, whole seconds), for MFMT.
 *
 * @example Usage
 * ```ts
 * import { formatFtpTime } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatFtpTime(new Date("2024-01-15T10:30:00Z")), "20240115103000");
 * ```
 *
 * @param date The date.
 * @returns The 14-digit value.
 */
export function formatFtpTime(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}
