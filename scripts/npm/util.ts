// Copyright 2026 the portline authors. MIT license.
/**
 * Logging, timing and subprocess helpers for the npm build.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import process from "node:process";

const timings: [string, number][] = [];
const yellow = (s: string) => `\x1b[33m${s}\x1b[0m`;

/**
 * Prints a warning line.
 *
 * @param message What to say.
 */
export function warn(message: string): void {
  console.warn(yellow(`[build_npm] warning: ${message}`));
}

/**
 * Runs one named, timed step of the build.
 *
 * @param name The step, as printed.
 * @param fn The work.
 * @returns What `fn` returned.
 */
export async function step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  console.log(`[build_npm] ${name}`);
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timings.push([name, performance.now() - started]);
  }
}

/**
 * Prints how long each step took.
 *
 * @param totalMs The whole build's duration.
 */
export function summary(totalMs: number): void {
  console.log("[build_npm] durations:");
  for (const [name, ms] of timings) {
    console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
  }
  console.log(`  ${(totalMs / 1000).toFixed(1).padStart(6)} s  total`);
}

/** Options for {@linkcode run}. */
export interface RunOptions {
  /** The working directory. */
  cwd: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Capture stdout and return it instead of printing it. */
  capture?: boolean;
}

/**
 * Runs a command with inherited output; fails on a non-zero exit.
 *
 * @param command The program.
 * @param args Its arguments.
 * @param options Directory, environment, capture.
 * @returns The captured stdout (empty unless `capture`).
 */
export function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", options.capture ? "pipe" : "inherit", "inherit"],
    });
    const out: Uint8Array[] = [];
    child.stdout?.on("data", (chunk: Uint8Array) => out.push(chunk));
    child.on(
      "error",
      (error) => reject(new Error(`Cannot run "${command}": ${error.message}`, { cause: error })),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else {
        reject(
          new Error(
            `Cannot complete "${command} ${args.join(" ")}" in ${options.cwd}: ${
              signal ? `killed by ${signal}` : `exit code ${code}`
            }`,
          ),
        );
      }
    });
  });
}
