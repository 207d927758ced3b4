// Copyright 2026 the portline authors. MIT license.
// Seeded input generators for the fuzz tests: the same seed gives the same
// inputs on every run and runtime, so a failure names a seed that reproduces
// it. Inputs mix random bytes with mutations of valid samples (the protocol's
// own shapes with a byte flipped, a CR/LF inserted, a number made huge, a
// piece cut or repeated), which reach deeper into a parser than noise alone.
//
// Deeper runs: PORTLINE_FUZZ_SEED=K mixes K into every seed (other inputs,
// same tests; a failure names K), PORTLINE_FUZZ_SCALE=N runs N times as many
// inputs through fuzz()/fuzzAsync()/fuzzInputs(). Both default to the
// committed inputs: `deno task test` stays deterministic.
import process from "node:process";
import { PortlineError } from "../protocols/_core/errors.ts";

/** PORTLINE_FUZZ_SEED: mixed into every seed (0: the committed inputs). */
export const SEED_MIX: number = Number(process.env.PORTLINE_FUZZ_SEED ?? 0) >>> 0;
/** PORTLINE_FUZZ_SCALE: how many times the committed input counts to run. */
export const SCALE: number = Math.max(
  1,
  Math.floor(Number(process.env.PORTLINE_FUZZ_SCALE ?? 1)) || 1,
);

/** A seed as a failure message names it. */
function seedName(seed: number): string {
  return SEED_MIX === 0 ? `seed ${seed}` : `seed ${seed} with PORTLINE_FUZZ_SEED=${SEED_MIX}`;
}

/** A small, fast, seeded PRNG (mulberry32). */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = SEED_MIX === 0
      ? seed >>> 0
      : (Math.imul(seed ^ SEED_MIX, 0x9e3779b1) ^ SEED_MIX) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `n` random bytes, biased towards the bytes protocols treat specially. */
  bytes(n: number): Uint8Array {
    const special = [
      0,
      9,
      10,
      13,
      32,
      34,
      40,
      41,
      44,
      45,
      46,
      58,
      59,
      61,
      92,
      0x7f,
      0x80,
      0xc3,
      0xff,
    ];
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = this.next();
      out[i] = r < 0.3 ? this.pick(special) : r < 0.8 ? 32 + this.int(95) : this.int(256);
    }
    return out;
  }

  /** A random string of bytes 0–255 (one char per byte). */
  text(n: number): string {
    return latin1(this.bytes(n));
  }
}

const MUTATIONS = [
  "flip",
  "insert-crlf",
  "insert-lf",
  "insert-nul",
  "cut",
  "repeat",
  "huge-number",
  "delete",
  "swap",
  "utf8",
] as const;

/** `sample` changed in 1–4 random ways. */
export function mutate(random: Random, sample: string): string {
  let s = sample;
  const rounds = 1 + random.int(4);
  for (let i = 0; i < rounds; i++) {
    const at = random.int(s.length + 1);
    switch (random.pick(MUTATIONS)) {
      case "flip":
        if (s.length > 0) {
          const j = Math.min(at, s.length - 1);
          s = s.slice(0, j) + String.fromCharCode(s.charCodeAt(j) ^ (1 << random.int(8))) +
            s.slice(j + 1);
        }
        break;
      case "insert-crlf":
        s = s.slice(0, at) + "\r\n" + s.slice(at);
        break;
      case "insert-lf":
        s = s.slice(0, at) + "\n" + s.slice(at);
        break;
      case "insert-nul":
        s = s.slice(0, at) + "\0" + s.slice(at);
        break;
      case "cut":
        s = s.slice(0, at);
        break;
      case "repeat": {
        const end = Math.min(s.length, at + 1 + random.int(16));
        s = s.slice(0, end) + s.slice(at, end).repeat(1 + random.int(50)) + s.slice(end);
        break;
      }
      case "huge-number":
        s = s.slice(0, at) +
          random.pick(["99999999999999999999", "-1", "4294967296", "1e308", "NaN", "0x10", "00"]) +
          s.slice(at);
        break;
      case "delete":
        s = s.slice(0, at) + s.slice(at + 1 + random.int(8));
        break;
      case "swap": {
        const j = random.int(s.length + 1);
        s = s.slice(0, Math.min(at, j)) + s.slice(Math.max(at, j)) +
          s.slice(Math.min(at, j), Math.max(at, j));
        break;
      }
      case "utf8":
        s = s.slice(0, at) +
          random.pick(["\xc3", "\xc3\xa9", "\xf0\x9f", "\xed\xa0\x80", "é", "😀"]) +
          s.slice(at);
        break;
    }
  }
  return s;
}

/** One byte per char (chars above 255 are cut to their low byte). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** The bytes as a string, one char per byte. */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/**
 * The inputs of one fuzz run: `count` of them, a third random bytes (as
 * latin1 strings, up to `maxRandom` long), the rest mutations of `samples`.
 */
export function* fuzzInputs(
  seed: number,
  count: number,
  samples: readonly string[],
  maxRandom = 200,
): Generator<{ input: string; index: number }> {
  const random = new Random(seed);
  for (let index = 0; index < count * SCALE; index++) {
    const input = samples.length === 0 || random.next() < 0.33
      ? random.text(random.int(maxRandom + 1))
      : mutate(random, random.pick(samples));
    yield { input, index };
  }
}

/**
 * Whether an error is one a caller may be handed: ours (a `PortlineError`
 * subclass) or an error class the function documents (`allowed`). Anything
 * else (a `TypeError` from reading past an array, a `RangeError` from a
 * runaway repeat, …) is a bug the input uncovered.
 */
export function isExpectedError(
  error: unknown,
  allowed: readonly (abstract new (...args: never[]) => Error)[] = [],
): boolean {
  return error instanceof PortlineError || allowed.some((type) => error instanceof type);
}

/** The options of {@linkcode fuzz} and {@linkcode fuzzAsync}. */
export interface FuzzOptions {
  seed: number;
  count: number;
  samples: readonly string[];
  maxRandom?: number;
  allowed?: readonly (abstract new (...args: never[]) => Error)[];
  /** Run each sample as it is first (reported as input -1, -2, …), then the generated inputs. */
  samplesFirst?: boolean;
}

/** The inputs a run tries: the samples as they are when asked, then {@linkcode fuzzInputs}. */
function* runInputs(options: FuzzOptions): Generator<{ input: string; index: number }> {
  if (options.samplesFirst) {
    for (const [i, input] of options.samples.entries()) yield { input, index: -1 - i };
  }
  yield* fuzzInputs(options.seed, options.count, options.samples, options.maxRandom);
}

/** The failure of one input: an unexpected error, named with what reproduces it. */
function unexpected(
  name: string,
  options: FuzzOptions,
  index: number,
  input: string,
  error: unknown,
) {
  return new Error(
    `${name}: ${seedName(options.seed)}, input ${index} (${
      JSON.stringify(input.slice(0, 300))
    }) threw ${(error as Error)?.stack ?? error}`,
  );
}

/**
 * Runs `fn` on every input; fails naming the seed, index and input of the
 * first that throws an unexpected error.
 */
export function fuzz(name: string, options: FuzzOptions, fn: (input: string) => unknown): void {
  for (const { input, index } of runInputs(options)) {
    try {
      fn(input);
    } catch (error) {
      if (!isExpectedError(error, options.allowed)) {
        throw unexpected(name, options, index, input, error);
      }
    }
  }
}

/** {@linkcode fuzz} for asynchronous targets (readers fed through a connection). */
export async function fuzzAsync(
  name: string,
  options: FuzzOptions,
  fn: (input: string) => Promise<unknown>,
): Promise<void> {
  for (const { input, index } of runInputs(options)) {
    try {
      await fn(input);
    } catch (error) {
      if (!isExpectedError(error, options.allowed)) {
        throw unexpected(name, options, index, input, error);
      }
    }
  }
}
