// Copyright 2026 the portline authors. MIT license.
// Helpers of the reader fuzz tests (core, SMTP, POP3): cutting input into
// random chunks, and recording how a run ended so that runs over different
// chunkings can be compared.
import { isExpectedError, type Random } from "../_fuzz.ts";

/**
 * Cuts `bytes` into 1–`maxPieces` non-empty chunks at random points (a real
 * connection never returns an empty read).
 */
export function randomChunks(random: Random, bytes: Uint8Array, maxPieces = 8): Uint8Array[] {
  if (bytes.byteLength === 0) return [];
  const cuts = new Set<number>();
  const pieces = 1 + random.int(maxPieces);
  for (let i = 1; i < pieces; i++) cuts.add(1 + random.int(Math.max(1, bytes.byteLength - 1)));
  const points = [0, ...[...cuts].filter((c) => c < bytes.byteLength).sort((a, b) => a - b)];
  return points.map((at, i) => bytes.subarray(at, points[i + 1] ?? bytes.byteLength));
}

/** Cuts `bytes` into chunks of one byte each: every boundary at once. */
export function byteChunks(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** How a run ended: its results, then the name of the error class it threw, if any. */
export interface Outcome {
  results: unknown[];
  error?: string;
}

/**
 * Runs `fn`, which pushes its results as it goes, and records how it ended.
 * An error that is not ours (nor one of `allowed`) is re-thrown: it is a bug.
 */
export async function outcome(
  fn: (results: unknown[]) => Promise<void>,
  allowed: readonly (abstract new (...args: never[]) => Error)[] = [],
): Promise<Outcome> {
  const results: unknown[] = [];
  try {
    await fn(results);
    return { results };
  } catch (error) {
    if (!isExpectedError(error, allowed)) throw error;
    return { results, error: (error as Error).name };
  }
}

/** Rejects with an error if `promise` has not settled within `ms` (a hang). */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}
