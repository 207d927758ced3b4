// Copyright 2026 the portline authors. MIT license.
/**
 * One shared, unref'd timer for every HTTP deadline (undici's "fast timers"
 * idea). A connection's watch joins the set once; arming, moving and
 * pausing its deadline are field writes (`at = Infinity` pauses it), and the
 * timer is re-armed only for an earlier deadline, so a keep-alive loop
 * creates no timer and touches no set per request (a Node-style timer costs
 * ~4 µs here).
 *
 * @module
 */
import { clearTimeout, setTimeout } from "node:timers";

/** A deadline: `fire` runs once `at` (ms since the epoch) has passed. */
export interface Watch {
  /** When to fire; may be moved later (or to Infinity: paused) at any time. */
  at: number;
  /** What to do then (the watch is paused first). */
  fire: () => void;
}

const watches = new Set<Watch>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerAt = Infinity;

function arm(at: number): void {
  if (timer !== undefined && timerAt <= at) return;
  if (timer !== undefined) clearTimeout(timer);
  timerAt = at;
  // Unref'd: an idle deadline never keeps the process alive.
  timer = setTimeout(tick, Math.max(0, at - Date.now())).unref();
}

function tick(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = Date.now();
  let next = Infinity;
  for (const w of watches) {
    if (w.at <= now) {
      w.at = Infinity;
      try {
        w.fire();
      } catch {
        // A failing callback must not stop the others.
      }
    } else if (w.at < next) next = w.at;
  }
  if (next !== Infinity) arm(next);
}

/**
 * Adds a watch (once per connection; pause it with `at = Infinity`).
 *
 * @param watch The deadline and callback.
 */
export function startWatch(watch: Watch): void {
  watches.add(watch);
  arm(watch.at);
}

/**
 * Makes sure the timer fires by `at` (after a paused watch got a deadline).
 *
 * @param at The deadline.
 */
export function armWatch(at: number): void {
  if (at < timerAt) arm(at);
}

/**
 * Removes a watch for good (the connection closed; the shared timer stays
 * armed, unref'd, and goes quiet).
 *
 * @param watch The deadline.
 */
export function stopWatch(watch: Watch): void {
  watches.delete(watch);
}

/**
 * How many watches are registered (for tests: closed connections leave).
 *
 * @returns The count.
 */
export function watchCount(): number {
  return watches.size;
}
