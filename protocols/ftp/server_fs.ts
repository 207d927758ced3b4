// Copyright 2026 the portline authors. MIT license.
/**
 * The file trees an {@linkcode FtpServer} serves: in memory, or a local
 * directory. Paths are absolute, normalised virtual paths (`/a/b`).
 *
 * @module
 */
import {
  makeLocalDirectory,
  openLocalReader,
  openLocalWriter,
  readLocalDirectory,
  removeLocal,
  renameLocal,
  setLocalModified,
  statLocal,
} from "./_local_fs.ts";

/** A file or directory as the server sees it. */
export interface FtpServerEntry {
  /** The name (the last path segment; `/` for the root). */
  name: string;
  /** File or directory. */
  type: "file" | "directory";
  /** Size in bytes (0 for directories). */
  size: number;
  /** Modification time. */
  modifiedAt: Date;
}

/** Where an upload goes. */
export interface FtpServerFileWriter {
  /** Appends bytes. */
  write(bytes: Uint8Array): Promise<void>;
  /** Finishes the file. */
  close(): Promise<void>;
}

/**
 * The file tree behind an {@linkcode FtpServer}. Implement it to serve
 * anything; failures throw (the server answers 550).
 */
export interface FtpServerFileSystem {
  /** The entry at `path`, or `null`. */
  stat(path: string): Promise<FtpServerEntry | null>;
  /** The entries of a directory, sorted by name. */
  list(path: string): Promise<FtpServerEntry[]>;
  /** A file's bytes from `offset` on. */
  read(path: string, offset: number): AsyncIterable<Uint8Array>;
  /** Opens a file for writing: truncated, appended to, or from `offset`. */
  write(path: string, options: { append: boolean; offset: number }): Promise<FtpServerFileWriter>;
  /** Creates a directory (its parent must exist). */
  mkdir(path: string): Promise<void>;
  /** Removes an empty directory. */
  rmdir(path: string): Promise<void>;
  /** Removes a file. */
  remove(path: string): Promise<void>;
  /** Renames a file or directory. */
  rename(from: string, to: string): Promise<void>;
  /** Sets a file's modification time. */
  setModified(path: string, time: Date): Promise<void>;
}

/**
 * Normalises a virtual path against a working directory: resolves `.`, `..`
 * (never above `/`) and repeated slashes.
 *
 * @example Usage
 * ```ts
 * import { resolveFtpPath } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveFtpPath("/home/a", "../b/./c"), "/home/b/c");
 * assert.equal(resolveFtpPath("/x", "/../../etc"), "/etc");
 * ```
 *
 * @param cwd The working directory (absolute).
 * @param path A path, absolute or relative.
 * @returns The absolute normalised path.
 */
export function resolveFtpPath(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${cwd}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

function split(path: string): [string, string] {
  const at = path.lastIndexOf("/");
  return [at <= 0 ? "/" : path.slice(0, at), path.slice(at + 1)];
}

interface MemoryFile {
  type: "file";
  data: Uint8Array;
  size: number;
  modifiedAt: Date;
}

interface MemoryDirectory {
  type: "directory";
  children: Map<string, MemoryNode>;
  modifiedAt: Date;
}

type MemoryNode = MemoryFile | MemoryDirectory;

const CHUNK = 256 * 1024;
const encoder = new TextEncoder();

function fail(message: string): never {
  throw new Error(message);
}

/**
 * An in-memory file tree for {@linkcode FtpServer}: tests, demos, and users'
 * own tests.
 *
 * @example Usage
 * ```ts
 * import { FtpMemoryFileSystem } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const fs = new FtpMemoryFileSystem({ "/docs/readme.txt": "hello" });
 * assert.equal((await fs.stat("/docs/readme.txt"))?.size, 5);
 * assert.equal(new TextDecoder().decode(fs.readFile("/docs/readme.txt")), "hello");
 * ```
 */
export class FtpMemoryFileSystem implements FtpServerFileSystem {
  #root: MemoryDirectory = { type: "directory", children: new Map(), modifiedAt: new Date() };

  /**
   * Creates the tree.
   *
   * @param files Initial files: absolute path to content (parents are created).
   */
  constructor(files: Record<string, string | Uint8Array> = {}) {
    for (const [path, content] of Object.entries(files)) this.writeFile(path, content);
  }

  #node(path: string): MemoryNode | undefined {
    let node: MemoryNode = this.#root;
    for (const part of path.split("/")) {
      if (part === "") continue;
      if (node.type !== "directory") return undefined;
      const next = node.children.get(part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  #dir(path: string): MemoryDirectory {
    const node = this.#node(path);
    if (node?.type !== "directory") fail(`No such directory: ${path}`);
    return node;
  }

  /**
   * Writes a whole file, creating parent directories.
   *
   * @param path The absolute path.
   * @param content The content (strings are UTF-8 encoded).
   * @param modifiedAt The modification time.
   */
  writeFile(path: string, content: string | Uint8Array, modifiedAt: Date = new Date()): void {
    const [parent, name] = split(resolveFtpPath("/", path));
    let dir = this.#root;
    for (const part of parent.split("/")) {
      if (part === "") continue;
      let next = dir.children.get(part);
      if (!next) {
        next = { type: "directory", children: new Map(), modifiedAt };
        dir.children.set(part, next);
      }
      if (next.type !== "directory") fail(`Not a directory: ${part}`);
      dir = next;
    }
    const data = typeof content === "string" ? encoder.encode(content) : content;
    dir.children.set(name, { type: "file", data, size: data.byteLength, modifiedAt });
  }

  /**
   * Reads a whole file.
   *
   * @param path The absolute path.
   * @returns Its bytes (a view; do not modify).
   * @throws {Error} When it is not a file.
   */
  readFile(path: string): Uint8Array {
    const node = this.#node(resolveFtpPath("/", path));
    if (node?.type !== "file") fail(`No such file: ${path}`);
    return node.data.subarray(0, node.size);
  }

  /** The entry at `path`, or `null`. */
  stat(path: string): Promise<FtpServerEntry | null> {
    const node = this.#node(path);
    if (!node) return Promise.resolve(null);
    return Promise.resolve({
      name: path === "/" ? "/" : split(path)[1],
      type: node.type,
      size: node.type === "file" ? node.size : 0,
      modifiedAt: node.modifiedAt,
    });
  }

  /** The entries of a directory, sorted by name. */
  list(path: string): Promise<FtpServerEntry[]> {
    const dir = this.#dir(path);
    return Promise.resolve(
      [...dir.children.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map((
        [name, node],
      ) => ({
        name,
        type: node.type,
        size: node.type === "file" ? node.size : 0,
        modifiedAt: node.modifiedAt,
      })),
    );
  }

  /** A file's bytes from `offset` on, in 256 KiB views. */
  async *read(path: string, offset: number): AsyncIterable<Uint8Array> {
    const node = this.#node(path);
    if (node?.type !== "file") fail(`No such file: ${path}`);
    const { data, size } = node;
    for (let at = Math.min(offset, size); at < size; at += CHUNK) {
      yield data.subarray(at, Math.min(size, at + CHUNK));
    }
  }

  /** Opens a file for writing. */
  write(path: string, options: { append: boolean; offset: number }): Promise<FtpServerFileWriter> {
    const [parent, name] = split(path);
    // The root has no name in its parent: writing "/" made a nameless entry.
    if (name === "") fail(`Is a directory: ${path}`);
    const dir = this.#dir(parent);
    const existing = dir.children.get(name);
    if (existing?.type === "directory") fail(`Is a directory: ${path}`);
    let file: MemoryFile;
    if (existing && (options.append || options.offset > 0)) {
      file = existing;
      if (!options.append) file.size = Math.min(file.size, options.offset);
    } else {
      file = { type: "file", data: new Uint8Array(0), size: 0, modifiedAt: new Date() };
      dir.children.set(name, file);
    }
    return Promise.resolve({
      write(bytes: Uint8Array): Promise<void> {
        const need = file.size + bytes.byteLength;
        if (need > file.data.byteLength) {
          const grown = new Uint8Array(Math.max(need, file.data.byteLength * 2, 64 * 1024));
          grown.set(file.data.subarray(0, file.size));
          file.data = grown;
        }
        file.data.set(bytes, file.size);
        file.size = need;
        file.modifiedAt = new Date();
        return Promise.resolve();
      },
      close(): Promise<void> {
        file.modifiedAt = new Date();
        return Promise.resolve();
      },
    });
  }

  /** Creates a directory. */
  mkdir(path: string): Promise<void> {
    const [parent, name] = split(path);
    const dir = this.#dir(parent);
    if (name === "" || dir.children.has(name)) fail(`Already exists: ${path}`);
    dir.children.set(name, { type: "directory", children: new Map(), modifiedAt: new Date() });
    return Promise.resolve();
  }

  /** Removes an empty directory. */
  rmdir(path: string): Promise<void> {
    const [parent, name] = split(path);
    const node = this.#dir(parent).children.get(name);
    if (node?.type !== "directory") fail(`No such directory: ${path}`);
    if (node.children.size > 0) fail(`Directory not empty: ${path}`);
    this.#dir(parent).children.delete(name);
    return Promise.resolve();
  }

  /** Removes a file. */
  remove(path: string): Promise<void> {
    const [parent, name] = split(path);
    const dir = this.#dir(parent);
    if (dir.children.get(name)?.type !== "file") fail(`No such file: ${path}`);
    dir.children.delete(name);
    return Promise.resolve();
  }

  /** Renames a file or directory. */
  rename(from: string, to: string): Promise<void> {
    const [fromParent, fromName] = split(from);
    const [toParent, toName] = split(to);
    if (fromName === "" || toName === "") fail(`Cannot rename the root directory`);
    const node = this.#dir(fromParent).children.get(fromName);
    if (!node) fail(`No such file: ${from}`);
    if (to === from || to.startsWith(from + "/")) fail(`Cannot move into itself: ${to}`);
    const target = this.#dir(toParent);
    if (target.children.get(toName)?.type === "directory") fail(`Is a directory: ${to}`);
    this.#dir(fromParent).children.delete(fromName);
    target.children.set(toName, node);
    return Promise.resolve();
  }

  /** Sets a file's modification time. */
  setModified(path: string, time: Date): Promise<void> {
    const node = this.#node(path);
    if (!node) fail(`No such file: ${path}`);
    node.modifiedAt = time;
    return Promise.resolve();
  }
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "No such file or directory",
  EEXIST: "Already exists",
  ENOTEMPTY: "Directory not empty",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EINVAL: "Invalid argument",
  ENAMETOOLONG: "File name too long",
};

/**
 * Runs a local file operation on the virtual `path`. Node's errors name the
 * local path, which the server would show the client in its 550 reply: say
 * what failed with the virtual path instead (the original is the `cause`).
 */
async function onLocal<T>(path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const what = (typeof code === "string" && SYSTEM_ERRORS[code]) || "Cannot access";
    throw new Error(`${what}: ${path}`, { cause: error });
  }
}

/**
 * Serves a local directory (through `node:fs/promises`). Virtual paths never
 * leave the root: `..` is resolved before mapping.
 *
 * @example Usage
 * ```ts
 * import { FtpDirectoryFileSystem } from "@portline/portline/ftp";
 * import { mkdtemp, rm, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import assert from "node:assert/strict";
 *
 * const root = await mkdtemp(`${tmpdir()}/ftp-`);
 * await writeFile(`${root}/a.txt`, "abc");
 * const fs = new FtpDirectoryFileSystem(root);
 * assert.equal((await fs.stat("/a.txt"))?.size, 3);
 * await rm(root, { recursive: true });
 * ```
 */
export class FtpDirectoryFileSystem implements FtpServerFileSystem {
  readonly #root: string;

  /**
   * Creates the tree.
   *
   * @param root The local directory to serve.
   */
  constructor(root: string) {
    this.#root = root.replace(/\/+$/, "");
  }

  #local(path: string): string {
    return this.#root + resolveFtpPath("/", path);
  }

  /** The entry at `path`, or `null`. */
  async stat(path: string): Promise<FtpServerEntry | null> {
    const st = await onLocal(path, () => statLocal(this.#local(path)));
    if (!st || st.type === "unknown") return null;
    return {
      name: path === "/" ? "/" : split(path)[1],
      type: st.type,
      size: st.type === "file" ? st.size : 0,
      modifiedAt: st.modifiedAt,
    };
  }

  /** The entries of a directory, sorted by name. */
  async list(path: string): Promise<FtpServerEntry[]> {
    const out: FtpServerEntry[] = [];
    for (const entry of await onLocal(path, () => readLocalDirectory(this.#local(path)))) {
      const st = await this.stat(resolveFtpPath(path, entry.name));
      if (st) out.push(st);
    }
    return out;
  }

  /** A file's bytes from `offset` on. */
  async *read(path: string, offset: number): AsyncIterable<Uint8Array> {
    const reader = await onLocal(path, () => openLocalReader(this.#local(path), offset));
    try {
      for (;;) {
        const buffer = new Uint8Array(CHUNK);
        const n = await reader.read(buffer);
        if (n === null) return;
        yield buffer.subarray(0, n);
      }
    } finally {
      await reader.close();
    }
  }

  /** Opens a file for writing. */
  write(path: string, options: { append: boolean; offset: number }): Promise<FtpServerFileWriter> {
    return onLocal(path, () => openLocalWriter(this.#local(path), options));
  }

  /** Creates a directory. */
  async mkdir(path: string): Promise<void> {
    if (await this.stat(path)) fail(`Already exists: ${path}`);
    // Like the memory tree: the parent must exist (the local mkdir creates parents).
    const [parent] = split(resolveFtpPath("/", path));
    if ((await this.stat(parent))?.type !== "directory") fail(`No such directory: ${parent}`);
    await onLocal(path, () => makeLocalDirectory(this.#local(path)));
  }

  /** Removes an empty directory. */
  rmdir(path: string): Promise<void> {
    return onLocal(path, () => removeLocal(this.#local(path), true));
  }

  /** Removes a file. */
  remove(path: string): Promise<void> {
    return onLocal(path, () => removeLocal(this.#local(path), false));
  }

  /** Renames a file or directory. */
  rename(from: string, to: string): Promise<void> {
    return onLocal(from, () => renameLocal(this.#local(from), this.#local(to)));
  }

  /** Sets a file's modification time. */
  setModified(path: string, time: Date): Promise<void> {
    return onLocal(path, () => setLocalModified(this.#local(path), time));
  }
}
