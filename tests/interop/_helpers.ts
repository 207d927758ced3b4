// Copyright 2026 the portline authors. MIT license.
// Helpers shared by the interop tests: node: APIs only, so that the files
// run under Node too (scripts/build_npm.ts --interop).
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import process from "node:process";

/** Where scripts/interop/ keeps the servers' state (certificates, Maildirs, FTP homes). */
export const RUN: string = process.env.PORTLINE_INTEROP_DIR ?? ".interop";

/** A stream's SHA-256 (hex) and length. */
export async function sha256Of(stream: ReadableStream<Uint8Array>): Promise<[string, number]> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return [hash.digest("hex"), bytes];
}

/**
 * Waits (up to 15 s) for the message whose header holds `marker` in a
 * user's Maildir, and returns its bytes.
 */
export async function delivered(user: string, marker: string): Promise<Uint8Array> {
  const decoder = new TextDecoder();
  const deadline = Date.now() + 15_000;
  const seen = new Set<string>();
  while (Date.now() < deadline) {
    for (const sub of ["new", "cur"]) {
      const dir = `${RUN}/mail/${user}/Maildir/${sub}`;
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const path = `${dir}/${name}`;
        if (seen.has(path)) continue;
        const bytes = new Uint8Array(await readFile(path).catch(() => new Uint8Array()));
        // The marker sits in the header: look at the first 4 KiB.
        if (decoder.decode(bytes.subarray(0, 4096)).includes(marker)) return bytes;
        if (bytes.byteLength > 0) seen.add(path);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no message with ${marker} arrived for ${user}`);
}
