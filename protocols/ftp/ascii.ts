// Copyright 2026 the portline authors. MIT license.
/**
 * TYPE A line-end conversion (RFC 959 §3.1.1.1): the wire carries CRLF; local
 * text uses LF. Stateful across chunk boundaries. No I/O.
 *
 * @module
 */

const CR = 13;
const LF = 10;

/**
 * Turns local text into ASCII-mode wire bytes: every LF not preceded by CR
 * becomes CRLF (existing CRLF pairs stay as they are).
 *
 * @example Usage
 * ```ts
 * import { FtpAsciiEncoder } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const encoder = new FtpAsciiEncoder();
 * const out = encoder.push(new TextEncoder().encode("a\nb\r\nc\n"));
 * assert.equal(new TextDecoder().decode(out), "a\r\nb\r\nc\r\n");
 * ```
 */
export class FtpAsciiEncoder {
  #lastCr = false;

  /**
   * Encodes the next chunk.
   *
   * @param chunk Local bytes.
   * @returns Wire bytes (the input itself when it has no bare LF).
   */
  push(chunk: Uint8Array): Uint8Array {
    let count = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      if (!(i === 0 ? this.#lastCr : chunk[i - 1] === CR)) count++;
    }
    const lastCr = this.#lastCr;
    if (chunk.byteLength > 0) this.#lastCr = chunk[chunk.byteLength - 1] === CR;
    if (count === 0) return chunk;
    const out = new Uint8Array(chunk.byteLength + count);
    let o = 0;
    let from = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      if (i === 0 ? lastCr : chunk[i - 1] === CR) continue;
      out.set(chunk.subarray(from, i), o);
      o += i - from;
      out[o++] = CR;
      from = i;
    }
    out.set(chunk.subarray(from), o);
    return out;
  }
}

/**
 * Turns ASCII-mode wire bytes into local text: CRLF becomes LF (a CR not
 * followed by LF is kept).
 *
 * @example Usage
 * ```ts
 * import { FtpAsciiDecoder } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const decoder = new FtpAsciiDecoder();
 * const text = (b: Uint8Array) => new TextDecoder().decode(b);
 * assert.equal(text(decoder.push(new TextEncoder().encode("a\r"))), "a");
 * assert.equal(text(decoder.push(new TextEncoder().encode("\nb"))) + text(decoder.end()), "\nb");
 * ```
 */
export class FtpAsciiDecoder {
  #pendingCr = false;

  /**
   * Decodes the next chunk. A trailing CR is held back until the next chunk
   * shows whether LF follows.
   *
   * @param chunk Wire bytes.
   * @returns Local bytes (a new array; the input may be reused).
   */
  push(chunk: Uint8Array): Uint8Array {
    // An empty chunk says nothing about a held-back CR: keep holding it.
    if (chunk.byteLength === 0) return new Uint8Array(0);
    const out = new Uint8Array(chunk.byteLength + 1);
    let o = 0;
    let i = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (chunk[0] !== LF) out[o++] = CR;
    }
    const n = chunk.byteLength;
    while (i < n) {
      let cr = chunk.indexOf(CR, i);
      if (cr === -1) cr = n;
      out.set(chunk.subarray(i, cr), o);
      o += cr - i;
      if (cr === n) break;
      if (cr === n - 1) {
        this.#pendingCr = true;
        break;
      }
      if (chunk[cr + 1] !== LF) out[o++] = CR;
      i = cr + 1;
    }
    return out.subarray(0, o);
  }

  /**
   * Flushes a held-back CR at the end of the transfer.
   *
   * @returns The remaining bytes.
   */
  end(): Uint8Array {
    const out = this.#pendingCr ? new Uint8Array([CR]) : new Uint8Array(0);
    this.#pendingCr = false;
    return out;
  }
}
