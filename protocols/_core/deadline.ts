// Copyright 2026 the portline authors. MIT license.
/**
 * Bounds a network wait by an `AbortSignal` and a timeout.
 *
 * @module
 */
import { TimeoutError } from "./errors.ts";

/** What bounds one wait. */
export interface DeadlineOptions {
  /** Aborting rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Rejects with a `TimeoutError` after this many milliseconds. */
  timeoutMs?: number | undefined;
}

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
      timer = setTimeout(
        () => expire(new TimeoutError(`Cannot ${what}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
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
