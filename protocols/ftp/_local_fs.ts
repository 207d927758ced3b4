// Copyright 2026 the portline authors. MIT license.
/**
 * The one seam to the local file system, on `node:fs/promises` (which both
 * Deno and Node provide): no `Deno.*` file APIs in library code.
 *
 * @module
 */
import * as fs from "node:fs/promises";
import { readSync, writeSync } from "node:fs";

/**
 * A read or write served by the page cache takes tens to hundreds of
 * microseconds; one that takes longer went to the disk (or a network file
 * system), where blocking the event loop would stall every other connection.
 */
const SYNC_IO_BUDGET_MS = 2;
/**
 * A large write may take longer and still be the page cache: one that moves
 * at least this many bytes per millisecond (200 MB/s) counts as quick too.
 */
const SYNC_IO_MIN_BYTES_PER_MS = 200_000;
/** Quick asynchronous operations in a row before they go synchronous again (at first). */
const QUICK_RUN_TO_RETURN = 4;
/** The longest run ever asked for: a file on a slow disk stays asynchronous. */
const MAX_QUICK_RUN_TO_RETURN = 1024;

/**
 * Chooses between synchronous and asynchronous reads (or writes) of one
 * file. Synchronous ones cost a fraction of the CPU of a trip through the
 * thread pool, and a write done at once copies bytes still in the CPU's
 * cache; but one that goes to the disk must not block the event loop.
 *
 * A synchronous operation that overran the budget sends the next ones to
 * the thread pool. That overrun may not have been the disk: on a busy
 * machine the thread is also preempted mid-read (on this 2-CPU VM, 7 of 32
 * uploads of a cached 256 MB file had such a read), and staying
 * asynchronous for the rest of the file then cost the upload up to half its
 * speed. So operations return to synchronous after a run of asynchronous
 * ones that were quick, and each return doubles the run needed for the next
 * one, which bounds how often a file on a slow disk can block the event
 * loop.
 *
 * @example
 * ```ts ignore
 * const policy = new SyncIoPolicy();
 * const sync = policy.sync; // true at first
 * policy.record(5); // a read took 5 ms: the next ones are asynchronous
 * ```
 */
export class SyncIoPolicy {
  #sync = true;
  #quickRun = 0;
  #runToReturn = QUICK_RUN_TO_RETURN;

  /** Whether the next operation should be synchronous. */
  get sync(): boolean {
    return this.#sync;
  }

  /**
   * Records how long the last operation took (in the mode `sync` gave).
   *
   * @param ms Its duration.
   * @param bytes How many bytes it moved.
   */
  record(ms: number, bytes = 0): void {
    const quick = ms <= Math.max(SYNC_IO_BUDGET_MS, bytes / SYNC_IO_MIN_BYTES_PER_MS);
    if (this.#sync) {
      if (!quick) {
        this.#sync = false;
        this.#quickRun = 0;
      }
      return;
    }
    this.#quickRun = quick ? this.#quickRun + 1 : 0;
    if (this.#quickRun >= this.#runToReturn) {
      this.#sync = true;
      this.#runToReturn = Math.min(this.#runToReturn * 2, MAX_QUICK_RUN_TO_RETURN);
    }
  }
}

/** A local file opened for reading. */
export interface LocalFileReader {
  /** The file's size when opened. */
  readonly size: number;
  /** Reads into `buffer`; `null` at end of file. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Fills `buffer` as far as the file goes; 0 at end of file. */
  readFull(buffer: Uint8Array): Promise<number>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** A local file opened for writing. */
export interface LocalFileWriter {
  /** Writes all of `bytes`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** A local directory entry. */
export interface LocalEntry {
  /** The name. */
  name: string;
  /** What it is (symbolic links are followed by `stat`, not here). */
  type: "file" | "directory" | "symlink" | "unknown";
}

/** A local file's metadata. */
export interface LocalStat {
  /** File or directory. */
  type: "file" | "directory" | "unknown";
  /** Size in bytes. */
  size: number;
  /** Modification time. */
  modifiedAt: Date;
}

/**
 * Opens a file for reading from `offset`.
 *
 * Reads are synchronous while each one stays within a small budget (the file
 * is in the page cache) and asynchronous from the first that does not. An
 * asynchronous read hands the work to a thread pool and back, which cost
 * 2–3x the CPU of a synchronous one for 256 KiB blocks here (a 256 MB upload:
 * 65–82 ms user + 225–323 ms system against 9–35 + 152–176 ms), and on a
 * busy machine CPU is what an upload runs short of.
 *
 * @param path The file.
 * @param offset Where to start.
 * @returns The reader.
 */
export async function openLocalReader(path: string, offset = 0): Promise<LocalFileReader> {
  const handle = await fs.open(path, "r");
  const size = (await handle.stat()).size;
  let position = offset;
  const policy = new SyncIoPolicy();
  const read = async (buffer: Uint8Array, at: number): Promise<number> => {
    const length = buffer.byteLength - at;
    let bytesRead: number;
    const started = performance.now();
    if (policy.sync) {
      bytesRead = readSync(handle.fd, buffer, at, length, position);
    } else {
      ({ bytesRead } = await handle.read(buffer, at, length, position));
    }
    policy.record(performance.now() - started);
    position += bytesRead;
    return bytesRead;
  };
  return {
    size,
    async read(buffer: Uint8Array): Promise<number | null> {
      return (await read(buffer, 0)) || null;
    },
    async readFull(buffer: Uint8Array): Promise<number> {
      let fill = 0;
      while (fill < buffer.byteLength) {
        const n = await read(buffer, fill);
        if (n === 0) break;
        fill += n;
      }
      return fill;
    },
    close: () => handle.close(),
  };
}

/**
 * Opens a file for writing: truncated, appended to, or written from `offset`
 * (resuming a download).
 *
 * @param path The file.
 * @param options Append, or the offset to write at.
 * @returns The writer.
 */
export async function openLocalWriter(
  path: string,
  options: { append?: boolean; offset?: number } = {},
): Promise<LocalFileWriter> {
  const offset = options.offset ?? 0;
  const flags = options.append ? "a" : offset > 0 ? "r+" : "w";
  const handle = await fs.open(path, flags).catch((error) => {
    // Writing from an offset into a file that does not exist yet: create it.
    if (flags === "r+" && (error as { code?: string }).code === "ENOENT") return fs.open(path, "w");
    throw error;
  });
  if (offset > 0 && !options.append) await handle.truncate(offset);
  let position = offset;
  const at = () => options.append ? null : position;
  const policy = new SyncIoPolicy();
  return {
    async write(bytes: Uint8Array): Promise<void> {
      let done = 0;
      while (done < bytes.byteLength) {
        const length = bytes.byteLength - done;
        const started = performance.now();
        const bytesWritten = policy.sync
          ? writeSync(handle.fd, bytes, done, length, at())
          : (await handle.write(bytes, done, length, at())).bytesWritten;
        policy.record(performance.now() - started, bytesWritten);
        done += bytesWritten;
        position += bytesWritten;
      }
    },
    close: () => handle.close(),
  };
}

/**
 * Lists a local directory.
 *
 * @param path The directory.
 * @returns Its entries, sorted by name.
 */
export async function readLocalDirectory(path: string): Promise<LocalEntry[]> {
  const entries = await fs.readdir(path, { withFileTypes: true });
  return entries.map((entry): LocalEntry => ({
    name: entry.name,
    type: entry.isFile()
      ? "file"
      : entry.isDirectory()
      ? "directory"
      : entry.isSymbolicLink()
      ? "symlink"
      : "unknown",
  })).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * Reads a local file's metadata (following symbolic links).
 *
 * @param path The file.
 * @returns Its type, size and modification time, or `null` when it does not exist.
 */
export async function statLocal(path: string): Promise<LocalStat | null> {
  try {
    const st = await fs.stat(path);
    return {
      type: st.isFile() ? "file" : st.isDirectory() ? "directory" : "unknown",
      size: st.size,
      modifiedAt: st.mtime,
    };
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Creates a directory and its parents.
 *
 * @param path The directory.
 */
export async function makeLocalDirectory(path: string): Promise<void> {
  await fs.mkdir(path, { recursive: true });
}

/**
 * Sets a local file's modification time.
 *
 * @param path The file.
 * @param time The time.
 */
export async function setLocalModified(path: string, time: Date): Promise<void> {
  await fs.utimes(path, time, time);
}

/**
 * Removes a file or an empty directory.
 *
 * @param path The path.
 * @param directory Whether it is a directory.
 */
export async function removeLocal(path: string, directory: boolean): Promise<void> {
  if (directory) await fs.rmdir(path);
  else await fs.unlink(path);
}

/**
 * Renames a file or directory.
 *
 * @param from The old path.
 * @param to The new path.
 */
export async function renameLocal(from: string, to: string): Promise<void> {
  await fs.rename(from, to);
}
