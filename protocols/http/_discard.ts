// Copyright 2026 the portline authors. MIT license.
/**
 * Dropping an unwanted response body (a redirect's, a challenge's) while
 * keeping its connection when that is cheap.
 *
 * @module
 */
import type { HttpResponse } from "./response.ts";

/**
 * Reads up to 64 KiB of an unwanted body so its connection can be reused;
 * a longer (or close-delimited) body is cancelled, which closes the connection.
 *
 * @param response The response whose body nobody wants.
 */
export async function discardHttpBody(response: HttpResponse): Promise<void> {
  // A body that came whole left its connection free already.
  if (response.completeBody !== undefined || response.body === null) return;
  const f = response.framing;
  if (f.kind === "close" || (f.kind === "length" && f.length > 65536)) {
    await response.body.cancel().catch(() => {});
    return;
  }
  const reader = response.body.getReader();
  try {
    let total = 0;
    while (total <= 65536) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The failure closed the connection; nothing to keep.
  }
}
