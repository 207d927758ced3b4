// Copyright 2026 the portline authors. MIT license.
/**
 * Outgoing bytes: commands checked for CR/LF/NUL (no command injection), and
 * the dot-stuffing encoder for SMTP DATA and NNTP POST, which also turns bare
 * CR and bare LF into CRLF (SMTP-smuggling safe).
 *
 * @module
 */
import { PortlineError } from "./errors.ts";

/**
 * A caller passed an argument that cannot go on the wire, such as a command
 * argument containing CR, LF or NUL.
 *
 * @example Usage
 * ```ts
 * import { encodeCommand, InvalidArgumentError } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => encodeCommand("RCPT TO:<a@b>\r\nDATA"), InvalidArgumentError);
 * ```
 */
export class InvalidArgumentError extends PortlineError {
  /** The brand used by `instanceof` across copies of the library. */
  static override readonly brand: string = "InvalidArgumentError";
  /** Always `"ERR_INVALID_ARGUMENT"`. */
  override readonly code: string = "ERR_INVALID_ARGUMENT";
}

const encoder = new TextEncoder();
const UNSAFE = /[\r\n\0]/;

/**
 * Throws unless `value` can be sent inside a command line.
 *
 * @example Usage
 * ```ts
 * import { assertSafeArgument } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assertSafeArgument("INBOX", "mailbox");
 * assert.throws(() => assertSafeArgument("a\nb", "mailbox"));
 * ```
 *
 * @param value The argument.
 * @param name What it is, for the message.
 * @throws {InvalidArgumentError} When it contains CR, LF or NUL.
 */
export function assertSafeArgument(value: string, name: string): void {
  if (UNSAFE.test(value)) {
    throw new InvalidArgumentError(
      `Cannot send ${name}: it contains CR, LF or NUL (command injection)`,
    );
  }
}

/**
 * Encodes one command line, CRLF appended.
 *
 * @example Usage
 * ```ts
 * import { encodeCommand } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(encodeCommand("NOOP"), new TextEncoder().encode("NOOP\r\n"));
 * ```
 *
 * @param line The command without line end.
 * @returns Its bytes.
 * @throws {InvalidArgumentError} When the line contains CR, LF or NUL.
 */
export function encodeCommand(line: string): Uint8Array {
  assertSafeArgument(line, "command");
  return encoder.encode(line + "\r\n");
}

/**
 * Encodes several command lines as one buffer: one write for a pipelined batch.
 *
 * @example Usage
 * ```ts
 * import { encodeCommands } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeCommands(["MAIL FROM:<a@b>", "RCPT TO:<c@d>"]);
 * assert.equal(new TextDecoder().decode(bytes), "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n");
 * ```
 *
 * @param lines The commands.
 * @returns Their bytes.
 * @throws {InvalidArgumentError} When a line contains CR, LF or NUL.
 */
export function encodeCommands(lines: readonly string[]): Uint8Array {
  for (const line of lines) assertSafeArgument(line, "command");
  return encoder.encode(lines.join("\r\n") + "\r\n");
}

/**
 * Options of {@linkcode DotStuffEncoder}.
 *
 * @example Usage
 * ```ts
 * import { DotStuffEncoder, type DotStuffOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const bdat: DotStuffOptions = { stuffDots: false };
 * const encoder = new DotStuffEncoder(bdat);
 * const out = new TextDecoder().decode(encoder.push(new TextEncoder().encode(".a\n")));
 * assert.equal(out, ".a\r\n");
 * ```
 */
export interface DotStuffOptions {
  /**
   * Double dots at line starts and end with `.` CRLF. False gives only the
   * CRLF normalisation (SMTP BDAT).
   *
   * @default {true}
   */
  stuffDots?: boolean;
}

/**
 * Encodes a message body for a dot-terminated transfer: every line end becomes
 * CRLF (bare CR and bare LF alike, so no `\n.\n` smuggling), a dot at a line
 * start is doubled, and `end()` closes with CRLF `.` CRLF.
 *
 * @example Usage
 * ```ts
 * import { DotStuffEncoder } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const encoder = new DotStuffEncoder();
 * const text = (b: Uint8Array) => new TextDecoder().decode(b);
 * const body = text(encoder.push(new TextEncoder().encode("a\n.b\r"))) + text(encoder.end());
 * assert.equal(body, "a\r\n..b\r\n.\r\n");
 * ```
 */
export class DotStuffEncoder {
  #lineStart = true;
  #pendingCr = false;
  #bytes = 0;
  readonly #stuff: boolean;

  /**
   * Creates an encoder.
   *
   * @param options Whether to stuff dots.
   */
  constructor(options: DotStuffOptions = {}) {
    this.#stuff = options.stuffDots ?? true;
  }

  /** How many encoded bytes were produced so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Encodes the next piece of the body.
   *
   * @param chunk Body bytes.
   * @returns The encoded bytes (a view into a new array).
   */
  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.byteLength * 2 + 2);
    let o = 0;
    let lineStart = this.#lineStart;
    let pendingCr = this.#pendingCr;
    const stuff = this.#stuff;
    let i = 0;
    const n = chunk.byteLength;
    while (i < n) {
      const b = chunk[i]!;
      if (pendingCr) {
        pendingCr = false;
        out[o++] = 13;
        out[o++] = 10;
        lineStart = true;
        if (b === 10) {
          i++;
          continue;
        }
      }
      if (b === 13) {
        pendingCr = true;
        i++;
        continue;
      }
      if (b === 10) {
        out[o++] = 13;
        out[o++] = 10;
        lineStart = true;
        i++;
        continue;
      }
      if (lineStart && b === 46 && stuff) out[o++] = 46;
      lineStart = false;
      // Copy the run of ordinary bytes up to the next CR or LF in one go.
      let j = i + 1;
      while (j < n) {
        const c = chunk[j]!;
        if (c === 13 || c === 10) break;
        j++;
      }
      if (j - i > 16) {
        out.set(chunk.subarray(i, j), o);
        o += j - i;
      } else {
        for (let k = i; k < j; k++) out[o++] = chunk[k]!;
      }
      i = j;
    }
    this.#lineStart = lineStart;
    this.#pendingCr = pendingCr;
    this.#bytes += o;
    return out.subarray(0, o);
  }

  /**
   * Finishes the body: a final CRLF if the last line lacked one, then the
   * terminating `.` CRLF (when stuffing dots).
   *
   * @returns The closing bytes.
   */
  end(): Uint8Array {
    let tail = "";
    if (this.#pendingCr || !this.#lineStart) tail += "\r\n";
    if (this.#stuff) tail += ".\r\n";
    this.#pendingCr = false;
    this.#lineStart = true;
    const out = encoder.encode(tail);
    this.#bytes += out.byteLength;
    return out;
  }
}

/**
 * A message or file body in any of the forms the clients accept.
 *
 * @example Usage
 * ```ts
 * import { type BodySource, bodyChunks } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const sources: BodySource[] = ["text", new Uint8Array([1, 2]), [new Uint8Array([3])]];
 * let total = 0;
 * for (const source of sources) for await (const chunk of bodyChunks(source)) total += chunk.byteLength;
 * assert.equal(total, 7);
 * ```
 */
export type BodySource =
  | string
  | Uint8Array
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/**
 * Iterates a body's bytes, whatever its form (strings are UTF-8 encoded).
 *
 * @example Usage
 * ```ts
 * import { bodyChunks } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const chunks = [];
 * for await (const chunk of bodyChunks("hi")) chunks.push(chunk);
 * assert.deepEqual(chunks, [new TextEncoder().encode("hi")]);
 * ```
 *
 * @param source The body.
 * @returns Its chunks.
 */
export async function* bodyChunks(source: BodySource): AsyncGenerator<Uint8Array> {
  if (typeof source === "string") {
    yield encoder.encode(source);
  } else if (source instanceof Uint8Array) {
    yield source;
  } else if (source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    yield* source as AsyncIterable<Uint8Array>;
  }
}

/**
 * Gathers small chunks into writes of at least `size` bytes: 64 KiB writes
 * halve throughput, 256 KiB and up run at full speed.
 *
 * @example Usage
 * ```ts
 * import { WriteCoalescer } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const writes: number[] = [];
 * const coalescer = new WriteCoalescer((b) => { writes.push(b.byteLength); return Promise.resolve(); }, 4);
 * await coalescer.push(new Uint8Array(3));
 * await coalescer.push(new Uint8Array(3));
 * await coalescer.flush();
 * assert.deepEqual(writes, [6]);
 * ```
 */
export class WriteCoalescer {
  #write: (bytes: Uint8Array) => Promise<void>;
  #size: number;
  #parts: Uint8Array[] = [];
  #pending = 0;

  /**
   * Creates a coalescer.
   *
   * @param write Writes one buffer.
   * @param size The least bytes per write (256 KiB by default).
   */
  constructor(write: (bytes: Uint8Array) => Promise<void>, size = 256 * 1024) {
    this.#write = write;
    this.#size = size;
  }

  /**
   * Adds bytes; writes when enough have gathered. The caller must not reuse
   * `bytes` afterwards.
   *
   * @param bytes The bytes.
   */
  async push(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength === 0) return;
    this.#parts.push(bytes);
    this.#pending += bytes.byteLength;
    if (this.#pending >= this.#size) await this.flush();
  }

  /** Writes whatever is gathered. */
  async flush(): Promise<void> {
    if (this.#pending === 0) return;
    const parts = this.#parts;
    const total = this.#pending;
    this.#parts = [];
    this.#pending = 0;
    await this.#write(parts.length === 1 ? parts[0]! : concatBytes(parts, total));
  }
}

/**
 * Joins byte arrays.
 *
 * @example Usage
 * ```ts
 * import { concatBytes } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(concatBytes([new Uint8Array([1]), new Uint8Array([2])]), new Uint8Array([1, 2]));
 * ```
 *
 * @param parts The arrays.
 * @param total Their summed length, if known.
 * @returns One array.
 */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  const out = new Uint8Array(total ?? parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
