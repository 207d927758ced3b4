// Copyright 2026 the portline authors. MIT license.
/**
 * Bounds network waits by an `AbortSignal` and a timeout: `withDeadline` for
 * a one-off wait, and on hot paths (a read per line, a write per command, an
 * HTTP exchange) the one shared watchdog timer, through a reusable
 * `DeadlineTimer` or a `Watchdog`.
 *
 * @module
 */
import { clearTimeout as clearTimer, setTimeout as setTimer } from "node:timers";
import { TimeoutError } from "./errors.ts";

/**
 * What bounds one wait.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, type DeadlineOptions, memoryConn } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const reader = new BufferedReader(memoryConn(["+OK\r\n"]));
 * const deadline: DeadlineOptions = { timeoutMs: 5000, signal: new AbortController().signal };
 * reader.deadline = deadline;
 * assert.equal(await reader.readLine(), "+OK");
 * ```
 */
export interface DeadlineOptions {
  /** Aborting rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Rejects with a `TimeoutError` after this many milliseconds. */
  timeoutMs?: number | undefined;
}

/** The longest delay a runtime timer takes (2^31 - 1 ms); longer ones re-arm. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Races `promise` against `signal` and `timeoutMs`. When either wins,
 * `onExpire` runs (callers close the connection there: its state is unknown)
 * and the result rejects.
 *
 * @param promise The wait.
 * @param what The action, for the message: `Cannot ${what}: …`.
 * @param options The signal and timeout.
 * @param onExpire Called once when the wait is cut short.
 * @returns The wait's result.
 *
 * @example Usage
 * ```ts
 * import { TimeoutError, withDeadline } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await withDeadline(Promise.resolve(1), "read", { timeoutMs: 1000 }), 1);
 * let closed = false;
 * await assert.rejects(
 *   withDeadline(new Promise(() => {}), "read reply", { timeoutMs: 10 }, () => closed = true),
 *   TimeoutError,
 * );
 * assert.equal(closed, true);
 * ```
 */
export function withDeadline<T>(
  promise: Promise<T>,
  what: string,
  options: DeadlineOptions,
  onExpire?: () => void,
): Promise<T> {
  const { signal, timeoutMs } = options;
  if (!signal && !(timeoutMs !== undefined && timeoutMs > 0 && timeoutMs < Infinity)) {
    return promise;
  }
  if (signal?.aborted) {
    onExpire?.();
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const expire = (reason: unknown) => {
      settle();
      promise.catch(() => {});
      onExpire?.();
      reject(reason);
    };
    const onAbort = () => expire(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0 && timeoutMs < Infinity) {
      // Runtime timers take at most 2^31 - 1 ms (a longer delay fires at
      // once): a longer timeout waits in steps.
      const due = Date.now() + timeoutMs;
      const wait = () => {
        const left = due - Date.now();
        if (left > 0) {
          timer = setTimeout(wait, Math.min(left, MAX_DELAY));
          return;
        }
        expire(new TimeoutError(`Cannot ${what}: no answer within ${timeoutMs} ms`));
      };
      timer = setTimeout(wait, Math.min(timeoutMs, MAX_DELAY));
    }
    promise.then((value) => {
      settle();
      resolve(value);
    }, (error) => {
      settle();
      reject(error);
    });
  });
}

/**
 * Options of a {@linkcode DeadlineTimer}.
 *
 * @example Usage
 * ```ts
 * import { DeadlineTimer, type DeadlineTimerOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const options: DeadlineTimerOptions = { keepAlive: false };
 * const deadline = new DeadlineTimer(() => {}, options);
 * deadline.arm(60_000);
 * assert.equal(deadline.armed, true);
 * deadline.disarm();
 * ```
 */
export interface DeadlineTimerOptions {
  /**
   * Keep the process alive while the deadline is armed (a wait that nothing
   * else keeps alive still times out). When false an armed deadline never
   * holds the process open.
   *
   * @default {false}
   */
  keepAlive?: boolean;
}

/**
 * A reusable deadline on the one shared watchdog timer (undici's "fast
 * timers" idea). Arming writes a timestamp; the shared timer is re-armed
 * only for an earlier deadline, and checks the timestamps when it fires, so
 * arming, moving and disarming per read, write or request create and clear
 * no timer. A deadline disarmed or fired leaves the watchdog at its next
 * tick: nothing needs closing.
 *
 * @example Usage
 * ```ts
 * import { DeadlineTimer } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * let expired!: () => void;
 * const fired = new Promise<void>((resolve) => expired = resolve);
 * const deadline = new DeadlineTimer(() => expired(), { keepAlive: true });
 * deadline.arm(10);
 * assert.equal(deadline.armed, true);
 * await fired;
 * assert.equal(deadline.armed, false);
 *
 * deadline.arm(60_000);
 * deadline.disarm(); // nothing fires, no timer is left behind
 * assert.equal(deadline.armed, false);
 * ```
 */
export class DeadlineTimer {
  // The watchdog: every listed deadline, and one runtime timer due no later
  // than any of them (a listed deadline always has a timer coming).
  static #listed = new Set<DeadlineTimer>();
  static #timer: ReturnType<typeof setTimer> | undefined;
  static #timerAt = Infinity;
  static #holds = 0;
  static #timerHeld = false;

  #at = Infinity;
  #isListed = false;
  readonly #onExpire: () => void;
  readonly #keepAlive: boolean;

  /**
   * Creates a disarmed deadline.
   *
   * @param onExpire Runs once each time an armed deadline passes (it is
   * disarmed first, so it may re-arm).
   * @param options Whether an armed deadline keeps the process alive.
   */
  constructor(onExpire: () => void, options: DeadlineTimerOptions = {}) {
    this.#onExpire = onExpire;
    this.#keepAlive = options.keepAlive ?? false;
  }

  /** Whether the deadline is armed. */
  get armed(): boolean {
    return this.#at !== Infinity;
  }

  /**
   * How many deadlines are armed in this process (diagnostics and tests).
   *
   * @returns The count.
   */
  static armedCount(): number {
    let count = 0;
    for (const deadline of DeadlineTimer.#listed) if (deadline.#at !== Infinity) count++;
    return count;
  }

  /**
   * Arms the deadline `timeoutMs` from now, or moves an armed one there
   * (later or earlier).
   *
   * @param timeoutMs Milliseconds from now; not a positive finite number:
   * disarms.
   */
  arm(timeoutMs: number): void {
    if (!(timeoutMs > 0 && timeoutMs < Infinity)) return this.disarm();
    const at = Date.now() + timeoutMs;
    if (this.#at === Infinity && this.#keepAlive) DeadlineTimer.#hold(1);
    this.#at = at;
    if (!this.#isListed) {
      this.#isListed = true;
      DeadlineTimer.#listed.add(this);
    }
    if (at < DeadlineTimer.#timerAt) DeadlineTimer.#schedule(at);
  }

  /** Disarms the deadline (a field write: the shared timer is left alone). */
  disarm(): void {
    if (this.#at === Infinity) return;
    this.#at = Infinity;
    if (this.#keepAlive) DeadlineTimer.#hold(-1);
  }

  /** Counts armed keep-alive deadlines; the timer is ref'd while any is. */
  static #hold(delta: number): void {
    DeadlineTimer.#holds += delta;
    const timer = DeadlineTimer.#timer;
    if (timer === undefined) return;
    const held = DeadlineTimer.#holds > 0;
    if (held === DeadlineTimer.#timerHeld) return;
    DeadlineTimer.#timerHeld = held;
    if (held) timer.ref();
    else timer.unref();
  }

  static #schedule(at: number): void {
    if (DeadlineTimer.#timer !== undefined) clearTimer(DeadlineTimer.#timer);
    DeadlineTimer.#timerAt = at;
    const timer = setTimer(DeadlineTimer.#tick, Math.min(Math.max(0, at - Date.now()), MAX_DELAY));
    DeadlineTimer.#timer = timer;
    DeadlineTimer.#timerHeld = DeadlineTimer.#holds > 0;
    if (!DeadlineTimer.#timerHeld) timer.unref();
  }

  static #tick(): void {
    DeadlineTimer.#timer = undefined;
    DeadlineTimer.#timerAt = Infinity;
    DeadlineTimer.#timerHeld = false;
    const now = Date.now();
    let next = Infinity;
    const due: DeadlineTimer[] = [];
    for (const deadline of DeadlineTimer.#listed) {
      const at = deadline.#at;
      if (at <= now) due.push(deadline);
      else if (at !== Infinity) {
        if (at < next) next = at;
        continue;
      }
      // Disarmed or due: leave the watchdog (arm() lists it again).
      DeadlineTimer.#listed.delete(deadline);
      deadline.#isListed = false;
    }
    for (const deadline of due) deadline.disarm();
    if (next !== Infinity && next < DeadlineTimer.#timerAt) DeadlineTimer.#schedule(next);
    for (const deadline of due) {
      try {
        deadline.#onExpire();
      } catch {
        // A failing callback must not stop the others.
      }
    }
  }
}

/** The wait a {@linkcode Watchdog} bounds. */
interface Watched {
  promise: Promise<unknown>;
  what: string | (() => string);
  timeoutMs: number;
  onExpire: (() => void) | undefined;
  reject: (error: unknown) => void;
}

/**
 * Bounds waits one at a time with one reusable {@linkcode DeadlineTimer}:
 * {@linkcode withDeadline} for hot paths (a read per line, a write per
 * command), with the same `TimeoutError` and message. A second wait while
 * one is pending falls back to {@linkcode withDeadline}.
 *
 * @example Usage
 * ```ts
 * import { TimeoutError, Watchdog } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const watchdog = new Watchdog();
 * assert.equal(await watchdog.wait(Promise.resolve(1), "read", { timeoutMs: 1000 }), 1);
 * await assert.rejects(
 *   watchdog.wait(new Promise(() => {}), "read from memory", { timeoutMs: 10 }),
 *   (error) => error instanceof TimeoutError && /no answer within 10 ms/.test(error.message),
 * );
 * ```
 */
export class Watchdog {
  readonly #deadline: DeadlineTimer = new DeadlineTimer(() => this.#expire(), {
    keepAlive: true,
  });
  #watched: Watched | undefined;

  /**
   * Races `promise` against `options.signal` and `options.timeoutMs`, like
   * {@linkcode withDeadline}.
   *
   * @param promise The wait.
   * @param what The action, for the message: `Cannot ${what}: …` (a function
   * is called only when a message is needed).
   * @param options The signal and timeout.
   * @param onExpire Called once when the wait is cut short.
   * @returns The wait's result.
   */
  wait<T>(
    promise: Promise<T>,
    what: string | (() => string),
    options: DeadlineOptions,
    onExpire?: () => void,
  ): Promise<T> {
    const { signal, timeoutMs } = options;
    if (!(timeoutMs !== undefined && timeoutMs > 0 && timeoutMs < Infinity)) {
      return signal ? withDeadline(promise, describe(what), options, onExpire) : promise;
    }
    if (this.#watched !== undefined) {
      return withDeadline(promise, describe(what), options, onExpire);
    }
    let watched!: Watched;
    const timed = new Promise<T>((resolve, reject) => {
      watched = { promise, what, timeoutMs, onExpire, reject };
      this.#watched = watched;
      this.#deadline.arm(timeoutMs);
      promise.then((value) => {
        this.#settled(watched);
        resolve(value);
      }, (error) => {
        this.#settled(watched);
        reject(error);
      });
    });
    if (!signal) return timed;
    // An abort ends the watch too: the deadline is free for the next wait.
    return withDeadline(timed, describe(what), { signal }, () => {
      this.#settled(watched);
      onExpire?.();
    });
  }

  #settled(watched: Watched): void {
    if (this.#watched !== watched) return;
    this.#watched = undefined;
    this.#deadline.disarm();
  }

  #expire(): void {
    const watched = this.#watched;
    if (watched === undefined) return;
    this.#watched = undefined;
    watched.promise.catch(() => {});
    watched.onExpire?.();
    watched.reject(
      new TimeoutError(
        `Cannot ${describe(watched.what)}: no answer within ${watched.timeoutMs} ms`,
      ),
    );
  }
}

function describe(what: string | (() => string)): string {
  return typeof what === "string" ? what : what();
}
