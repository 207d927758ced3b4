// Copyright 2026 the portline authors. MIT license.
// Helpers of the client kept out of its class: the guard around a RETR/TOP
// body stream, and the hint for swapped TLS/plain ports.
import { ConnectionClosedError, PortlineError, TimeoutError, TlsError } from "../_core/errors.ts";

/**
 * Wraps the reader of a dot-block stream so that a read and a cancel never
 * run on it at once (the client's close() may cancel while the caller
 * reads), and so that a body abandoned by close() errors instead of ending
 * as if it were complete.
 */
export function guardBody(
  inner: ReadableStreamDefaultReader<Uint8Array>,
  command: string,
): { stream: ReadableStream<Uint8Array>; abandon: () => Promise<void> } {
  let inflight: Promise<unknown> = Promise.resolve();
  let abandoned = false;
  let stopped = false;
  const drain = async () => {
    // Set before awaiting: a pull that starts later must not read.
    stopped = true;
    await inflight.catch(() => {});
    await inner.cancel().catch(() => {});
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stopped) {
        controller.error(
          new ConnectionClosedError(`Cannot read ${command}: the client was closed`),
        );
        return;
      }
      const step = inner.read();
      inflight = step;
      try {
        const { done, value } = await step;
        if (abandoned) {
          controller.error(
            new ConnectionClosedError(`Cannot read ${command}: the client was closed`),
          );
        } else if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: drain,
  }, { highWaterMark: 0 });
  return {
    stream,
    abandon: () => {
      abandoned = true;
      return drain();
    },
  };
}

/**
 * Adds a hint when TLS and plain ports look swapped.
 *
 * @param error What was thrown.
 * @param port The server's port.
 * @param mode The TLS mode in use (`"implicit"` for TLS from the first byte).
 * @returns The error, with a hint when one applies.
 */
export function hint(error: unknown, port: number, mode: string): unknown {
  if (!(error instanceof PortlineError)) return error;
  const implicit = mode === "implicit";
  if (implicit && port === 110 && error instanceof TlsError) {
    return new TlsError(
      `${error.message} (port 110 speaks plain POP3: use tls: "starttls", not "implicit")`,
      { cause: error },
    );
  }
  if (!implicit && port === 995 && error instanceof TimeoutError) {
    return new TimeoutError(`${error.message} (port 995 expects TLS: use tls: "implicit")`, {
      cause: error,
    });
  }
  return error;
}
