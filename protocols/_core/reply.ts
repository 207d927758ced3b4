// Copyright 2026 the portline authors. MIT license.
/**
 * Numeric replies (SMTP, LMTP, FTP, NNTP): `250-…` / `250 …` continuations,
 * FTP's `123-` … `123 ` blocks, and RFC 3463 enhanced status codes.
 *
 * @module
 */
import type { BufferedReader } from "./buffered_reader.ts";
import { LimitError, ProtocolError } from "./errors.ts";

/**
 * A complete numeric reply.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, memoryConn, readReply, type Reply } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const reply: Reply = await readReply(new BufferedReader(memoryConn(["550 5.1.1 unknown\r\n"])), {
 *   enhanced: true,
 * });
 * assert.deepEqual(reply, { code: 550, lines: ["unknown"], enhancedCode: "5.1.1" });
 * ```
 */
export interface Reply {
  /** The three-digit reply code. */
  code: number;
  /** The text of each line, code (and enhanced code) removed. */
  lines: string[];
  /** The RFC 3463 enhanced status code of the first line, e.g. `"2.1.5"`. */
  enhancedCode?: string;
}

/**
 * Options of {@linkcode readReply}.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, memoryConn, readReply, type ReadReplyOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const options: ReadReplyOptions = { maxLines: 10, onLine: (line) => seen.push(line) };
 * await readReply(new BufferedReader(memoryConn(["250-a\r\n250 b\r\n"])), options);
 * assert.deepEqual(seen, ["250-a", "250 b"]);
 * ```
 */
export interface ReadReplyOptions {
  /** Parse and strip RFC 3463 enhanced status codes (SMTP ENHANCEDSTATUSCODES). */
  enhanced?: boolean;
  /**
   * The most lines one reply may have.
   *
   * @default {1000}
   */
  maxLines?: number;
  /** Called with each raw line read (for transcripts). */
  onLine?: (line: string) => void;
  /**
   * The most bytes of reply (lines with their line ends) kept. Real replies
   * are a few KiB at most (a long FEAT or HELP); without a byte bound, 1,000
   * lines of the reader's longest line would be tens of MiB.
   *
   * @default {1048576}
   */
  maxBytes?: number;
  /**
   * When the reply breaks a limit (`maxLines`, `maxBytes`, or a line
   * longer than the reader's `maxLineBytes`), read and discard the rest of
   * it, up to this many bytes, before throwing `LimitError` (with `inStep`
   * telling whether the connection is still in step). 0 (the default)
   * throws at once.
   *
   * @default {0}
   */
  drainBytes?: number;
}

/**
 * One reply line taken apart.
 *
 * @example Usage
 * ```ts
 * import { parseReplyLine, type ReplyLine } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const line: ReplyLine | null = parseReplyLine("220 ready");
 * assert.deepEqual(line, { code: 220, more: false, text: "ready" });
 * ```
 */
export interface ReplyLine {
  /** The reply code. */
  code: number;
  /** True when more lines follow (`250-`). */
  more: boolean;
  /** The text after the code and separator. */
  text: string;
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?: +|$)/;

/**
 * Takes one reply line apart.
 *
 * @example Usage
 * ```ts
 * import { parseReplyLine } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseReplyLine("250-SIZE 1000"), { code: 250, more: true, text: "SIZE 1000" });
 * assert.equal(parseReplyLine("hello"), null);
 * ```
 *
 * @param line The line without its line end.
 * @returns The parts, or `null` when the line does not start with a code.
 */
export function parseReplyLine(line: string): ReplyLine | null {
  if (line.length < 3) return null;
  const c0 = line.charCodeAt(0) - 48;
  const c1 = line.charCodeAt(1) - 48;
  const c2 = line.charCodeAt(2) - 48;
  if (c0 < 1 || c0 > 5 || c1 < 0 || c1 > 9 || c2 < 0 || c2 > 9) return null;
  const sep = line.length > 3 ? line[3] : " ";
  if (sep !== " " && sep !== "-") return null;
  return { code: c0 * 100 + c1 * 10 + c2, more: sep === "-", text: line.slice(4) };
}

/**
 * Splits an RFC 3463 enhanced status code off a reply text.
 *
 * @example Usage
 * ```ts
 * import { splitEnhancedCode } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(splitEnhancedCode("5.1.1 no such user"), ["5.1.1", "no such user"]);
 * assert.deepEqual(splitEnhancedCode("ok"), [undefined, "ok"]);
 * ```
 *
 * @param text The text after the reply code.
 * @returns The code (or undefined) and the remaining text.
 */
export function splitEnhancedCode(text: string): [string | undefined, string] {
  const match = ENHANCED.exec(text);
  if (!match) return [undefined, text];
  return [`${match[1]}.${match[2]}.${match[3]}`, text.slice(match[0].length)];
}

/** The default `maxBytes` of a reply: 1 MiB. */
const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

/**
 * Reads one complete numeric reply, multi-line continuations included.
 *
 * @example Usage
 * ```ts
 * import { BufferedReader, memoryConn, readReply } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const reader = new BufferedReader(memoryConn(["250-hello\r\n250 2.0.0 OK\r\n"]));
 * const reply = await readReply(reader, { enhanced: true });
 * assert.equal(reply.code, 250);
 * assert.deepEqual(reply.lines, ["hello", "OK"]);
 * ```
 *
 * @param reader The reader to read from.
 * @param options Enhanced codes, line limit, transcript hook.
 * @returns The reply.
 * @throws {ProtocolError} When a line does not start with a reply code.
 * @throws {LimitError} When the reply has more than `maxLines` lines.
 * @throws {RangeError} When `maxLines` is not a number of at least 1.
 */
export async function readReply(
  reader: BufferedReader,
  options: ReadReplyOptions = {},
): Promise<Reply> {
  const maxLines = options.maxLines ?? 1000;
  if (typeof maxLines !== "number" || !(maxLines >= 1)) {
    throw new RangeError(`Cannot read reply: maxLines must be a number >= 1, got ${maxLines}`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const drainBytes = options.drainBytes ?? 0;
  let bytes = 0;
  let over = "";
  let code = 0;
  const limitError = (why: string, inStep: boolean | undefined, cause?: unknown) => {
    const error = new LimitError(
      `Cannot read reply: the ${code || "(unparsed)"} reply is too large (${why})${
        inStep ? `; ${bytes} bytes read and discarded` : ""
      }`,
      { cause },
    );
    error.inStep = inStep;
    return error;
  };
  // One line; an over-long one is skipped when draining (and breaks the limit).
  const next = async (): Promise<string> => {
    let line: string;
    try {
      line = await reader.readLine();
    } catch (error) {
      if (!(error instanceof LimitError) || drainBytes <= 0) throw error;
      const skipped = await reader.skipLine(drainBytes).catch((cause) => {
        throw limitError(`a line longer than ${drainBytes} bytes`, false, cause);
      });
      bytes += skipped.bytes;
      over ||= `a line is longer than ${reader.maxLineBytes} bytes`;
      options.onLine?.(`${skipped.head}… (${skipped.bytes} bytes, skipped)`);
      return skipped.head;
    }
    options.onLine?.(line);
    bytes += line.length + 2;
    if (!over && bytes > maxBytes) over = `larger than ${maxBytes} bytes`;
    return line;
  };
  const first = await next();
  const head = parseReplyLine(first);
  if (!head) {
    throw new ProtocolError(`Cannot parse reply: "${first.slice(0, 80)}" has no reply code`);
  }
  code = head.code;
  const lines = [head.text];
  if (!over || drainBytes > 0) {
    if (head.more) {
      const prefix = String(head.code);
      for (;;) {
        if (!over && lines.length >= maxLines) {
          if (drainBytes <= 0) {
            throw new LimitError(`Cannot read reply: more than ${maxLines} lines`);
          }
          over = `more than ${maxLines} lines`;
        }
        if (over && bytes > drainBytes) throw limitError(over, false);
        const line = await next();
        let text = line;
        let last = false;
        if (line.startsWith(prefix)) {
          const sep = line.length > 3 ? line[3] : " ";
          if (sep === " " || sep === "-") {
            text = line.slice(4);
            last = sep === " ";
          }
        }
        // FTP lets the lines between `123-` and `123 ` be free text.
        if (!over) lines.push(text);
        if (last) break;
      }
    }
  }
  if (over) {
    if (drainBytes <= 0) throw limitError(over, undefined);
    throw limitError(over, true);
  }
  const reply: Reply = { code: head.code, lines };
  if (options.enhanced) {
    for (let i = 0; i < lines.length; i++) {
      const [enhanced, text] = splitEnhancedCode(lines[i]!);
      if (enhanced === undefined) continue;
      if (reply.enhancedCode === undefined) reply.enhancedCode = enhanced;
      lines[i] = text;
    }
  }
  return reply;
}
