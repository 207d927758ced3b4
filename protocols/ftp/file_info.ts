// Copyright 2026 the portline authors. MIT license.
/**
 * The typed directory entry every listing parser produces.
 *
 * @module
 */

/** The kind of a directory entry. */
export type FtpFileType = "file" | "directory" | "symlink" | "unknown";

/**
 * One entry of a directory listing (MLSD, MLST or a parsed LIST line).
 * Fields the listing does not carry are `undefined`.
 */
export interface FtpFileInfo {
  /** The name, without directory. */
  name: string;
  /** File, directory, symbolic link or something else. */
  type: FtpFileType;
  /** The size in bytes. */
  size: number | undefined;
  /** The last modification time (UTC from MLSD; LIST times are local to the server). */
  modifiedAt: Date | undefined;
  /** Unix permission bits (`0o755`), from `ls -l` modes or MLSD `unix.mode`. */
  mode?: number | undefined;
  /** The owner name or numeric uid. */
  owner?: string | undefined;
  /** The group name or numeric gid. */
  group?: string | undefined;
  /** A symbolic link's target, when the listing shows it. */
  target?: string | undefined;
  /** MLSD `perm` (RFC 3659: `a`, `c`, `d`, `e`, `f`, `l`, `m`, `p`, `r`, `w`). */
  permissions?: string | undefined;
  /** MLSD `unique`: a server-wide identifier of the file. */
  unique?: string | undefined;
  /** Every MLSD fact, names lower-cased. */
  facts?: Record<string, string> | undefined;
  /** The listing line this entry came from. */
  raw?: string | undefined;
}
