// Copyright 2026 the portline authors. MIT license.
// Helpers of the reader fuzz tests (core, SMTP, POP3): cutting input into
// random chunks, and recording how a run ended so that runs over different
// chunkings can be compared.
import assert from "../_assert.ts";
import { type Conn, connect, ConnectionClosedError, listen } from "../../protocols/_core/mod.ts";
import { fuzzInputs, isExpectedError, latin1Bytes, Random } from "../_fuzz.ts";

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

/**
 * Sends `chunks` to a server on `port`, then `trailer` (words the protocol
 * understands: end a data block, cancel an exchange, QUIT), and returns all
 * the server sent until it closed or reset the connection (at most 1 MiB).
 */
export async function converse(
  port: number,
  chunks: Uint8Array[],
  trailer: Uint8Array,
): Promise<Uint8Array> {
  const conn = await connect({ hostname: "127.0.0.1", port });
  try {
    const received: Uint8Array[] = [];
    let total = 0;
    const reading = (async () => {
      const buffer = new Uint8Array(65536);
      for (;;) {
        const n = await conn.read(buffer).catch((error) => {
          if (error instanceof ConnectionClosedError) return null; // reset by the server
          throw error;
        });
        if (n === null) return;
        received.push(buffer.slice(0, n));
        total += n;
        assert.ok(total < 1 << 20, "the server keeps talking");
      }
    })();
    try {
      for (const chunk of chunks) await conn.write(chunk);
      await conn.write(trailer);
    } catch (error) {
      // The server may hang up first (QUIT, a refused chunk, a line too long).
      if (!(error instanceof ConnectionClosedError)) throw error;
    }
    await reading;
    const out = new Uint8Array(total);
    let at = 0;
    for (const piece of received) out.set(piece, (at += piece.byteLength) - piece.byteLength);
    return out;
  } finally {
    conn.close();
  }
}

/**
 * The fuzzed sessions of a server test: each input (mutations of `samples`)
 * cut by `chunking`, sent with {@linkcode converse} within 4 s, and what the
 * server answered. An input that ends in one of our typed errors (the
 * server hung up mid-write, say) is skipped; any other error is a failure
 * naming the input.
 */
export async function* conversations(options: {
  port: number;
  seed: number;
  count: number;
  samples: readonly string[];
  chunking: (random: Random, bytes: Uint8Array) => Uint8Array[];
  trailer: Uint8Array;
}): AsyncGenerator<{ index: number; what: string; received: Uint8Array }> {
  const { port, seed, count, samples, chunking, trailer } = options;
  const random = new Random(seed ^ 0x5eed);
  for (const { input, index } of fuzzInputs(seed, count, samples, 300)) {
    const what = `seed ${seed}, input ${index} (${JSON.stringify(input.slice(0, 200))})`;
    let received: Uint8Array;
    try {
      received = await within(
        4000,
        what,
        converse(port, chunking(random, latin1Bytes(input)), trailer),
      );
    } catch (error) {
      if (!isExpectedError(error)) throw new Error(`${what}: ${error}`, { cause: error });
      continue;
    }
    yield { index, what, received };
  }
}

/** That a fuzz run reached each of `expected` (its inputs got past the greeting). */
export function assertReached(seen: Set<string>, expected: readonly string[]): void {
  for (const kind of expected) assert.ok(seen.has(kind), `no ${kind} in ${[...seen].sort()}`);
}

/**
 * A loopback server running `serve` on each accepted connection (which is
 * closed when `serve` ends); `close()` stops accepting, closes the open
 * connections and waits for every `serve` to end.
 */
export async function scriptedServer(
  serve: (conn: Conn) => Promise<void>,
): Promise<{ port: number; close(): Promise<void> }> {
  const listener = await listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Conn>();
  const done: Promise<void>[] = [];
  const accepting = (async () => {
    for (;;) {
      const conn = await listener.accept().catch(() => null);
      if (conn === null) return;
      conns.add(conn);
      done.push(
        serve(conn).catch(() => {}).finally(() => {
          conn.close();
          conns.delete(conn);
        }),
      );
    }
  })();
  return {
    port: listener.addr.port,
    async close() {
      listener.close();
      for (const conn of conns) conn.close();
      await accepting;
      await Promise.all(done);
    },
  };
}

/**
 * A hostile server's answer: `bytes` in random pieces of 1 to `maxPiece`
 * bytes, then a half-close (or, when `silent`, nothing more), then reading
 * until the client gives up.
 */
export async function answerInPieces(
  conn: Conn,
  random: Random,
  bytes: Uint8Array,
  options: { maxPiece: number; silent: boolean },
): Promise<void> {
  for (let at = 0; at < bytes.byteLength;) {
    const n = 1 +
      random.int(random.next() < 0.5 ? Math.min(8, options.maxPiece) : options.maxPiece);
    await conn.write(bytes.subarray(at, at += n));
  }
  if (!options.silent) await conn.closeWrite();
  const buffer = new Uint8Array(1024);
  while ((await conn.read(buffer)) !== null);
}

/** Everything `conn` hands out until its end. */
export async function readAll(conn: Conn): Promise<Uint8Array> {
  const parts: number[] = [];
  const buffer = new Uint8Array(100);
  for (let n; (n = await conn.read(buffer)) !== null;) parts.push(...buffer.subarray(0, n));
  return new Uint8Array(parts);
}
