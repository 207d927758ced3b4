// Copyright 2026 the portline authors. MIT license.
/**
 * Recursive helpers: upload a local tree, download a remote tree, remove a
 * remote tree, optionally spreading file transfers over a small pool of
 * extra connections.
 *
 * @module
 */
import type { CallOptions } from "../_core/session.ts";
import { ProtocolError } from "../_core/errors.ts";
import type { FtpClient } from "./client.ts";
import { makeLocalDirectory, readLocalDirectory, statLocal } from "./_local_fs.ts";

/** Options of the tree helpers. */
export interface FtpTreeOptions extends CallOptions {
  /**
   * How many connections transfer files at once (the client's own plus
   * `concurrency - 1` clones). At most 8.
   *
   * @default {1}
   */
  concurrency?: number;
  /** Called after each file, with its remote path and size. */
  onFile?: (file: { path: string; bytes: number }) => void;
}

/** What a tree helper did. */
export interface FtpTreeResult {
  /** Files transferred or removed. */
  files: number;
  /** Directories created or removed. */
  directories: number;
  /** Bytes transferred. */
  bytes: number;
}

type Job = (client: FtpClient) => Promise<void>;

function join(dir: string, name: string): string {
  if (dir === "" || dir === ".") return name;
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** A name from a server listing that is safe to use as a local file name. */
function safeName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
}

async function runPool(
  client: FtpClient,
  jobs: Job[],
  options: FtpTreeOptions,
): Promise<void> {
  const size = Math.max(1, Math.min(8, options.concurrency ?? 1, jobs.length));
  const workers: FtpClient[] = [client];
  try {
    for (let i = 1; i < size; i++) workers.push(await client.clone());
    let next = 0;
    let failure: { error: unknown } | undefined;
    await Promise.all(workers.map(async (worker) => {
      while (next < jobs.length && !failure) {
        const job = jobs[next++]!;
        try {
          options.signal?.throwIfAborted();
          await job(worker);
        } catch (error) {
          failure ??= { error };
        }
      }
    }));
    if (failure) throw failure.error;
  } finally {
    await Promise.all(workers.slice(1).map((worker) => worker.close()));
  }
}

/** Uploads `localDir` into `remoteDir`. */
export async function uploadTree(
  client: FtpClient,
  localDir: string,
  remoteDir: string,
  options: FtpTreeOptions,
): Promise<FtpTreeResult> {
  const result: FtpTreeResult = { files: 0, directories: 0, bytes: 0 };
  const call = { signal: options.signal };
  const jobs: Job[] = [];
  await client.mkdir(remoteDir, { ...call, recursive: true });
  const walk = async (local: string, remote: string) => {
    for (const entry of await readLocalDirectory(local)) {
      const from = join(local, entry.name);
      const to = join(remote, entry.name);
      const type = entry.type === "symlink" ? (await statLocal(from))?.type : entry.type;
      if (type === "directory") {
        await client.mkdir(to, { ...call, recursive: true });
        result.directories++;
        await walk(from, to);
      } else if (type === "file") {
        jobs.push(async (worker) => {
          const { bytes } = await worker.uploadFrom(from, to, call);
          result.files++;
          result.bytes += bytes;
          options.onFile?.({ path: to, bytes });
        });
      }
    }
  };
  await walk(localDir, remoteDir);
  await runPool(client, jobs, options);
  return result;
}

/** Downloads `remoteDir` into `localDir`. */
export async function downloadTree(
  client: FtpClient,
  remoteDir: string,
  localDir: string,
  options: FtpTreeOptions,
): Promise<FtpTreeResult> {
  const result: FtpTreeResult = { files: 0, directories: 0, bytes: 0 };
  const call = { signal: options.signal };
  const jobs: Job[] = [];
  await makeLocalDirectory(localDir);
  const walk = async (remote: string, local: string) => {
    for (const entry of await client.list(remote, call)) {
      if (!safeName(entry.name)) {
        throw new ProtocolError(
          `Cannot download "${remote}": the server listed an unsafe name "${entry.name}" (path traversal)`,
        );
      }
      const from = join(remote, entry.name);
      const to = join(local, entry.name);
      if (entry.type === "directory") {
        await makeLocalDirectory(to);
        result.directories++;
        await walk(from, to);
      } else if (entry.type === "file") {
        jobs.push(async (worker) => {
          const { bytes } = await worker.downloadTo(from, to, call);
          result.files++;
          result.bytes += bytes;
          options.onFile?.({ path: from, bytes });
        });
      }
    }
  };
  await walk(remoteDir, localDir);
  await runPool(client, jobs, options);
  return result;
}

/** Removes `remoteDir` and everything below it. */
export async function removeTree(
  client: FtpClient,
  remoteDir: string,
  options: FtpTreeOptions,
): Promise<FtpTreeResult> {
  const result: FtpTreeResult = { files: 0, directories: 0, bytes: 0 };
  const call = { signal: options.signal };
  const jobs: Job[] = [];
  const directories: string[] = [];
  const walk = async (remote: string) => {
    directories.push(remote);
    for (const entry of await client.list(remote, call)) {
      if (!safeName(entry.name)) continue;
      const path = join(remote, entry.name);
      if (entry.type === "directory") await walk(path);
      else {
        jobs.push(async (worker) => {
          await worker.remove(path, call);
          result.files++;
          options.onFile?.({ path, bytes: 0 });
        });
      }
    }
  };
  await walk(remoteDir);
  await runPool(client, jobs, options);
  for (const dir of directories.reverse()) {
    await client.rmdir(dir, call);
    result.directories++;
  }
  return result;
}
