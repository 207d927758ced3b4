// Copyright 2026 the portline authors. MIT license.
/**
 * Bounded FTP control replies. A reply may not grow memory without limit: it
 * is cut at a byte and a line budget, and an over-long line (beyond the
 * reader's `maxLineBytes`) is skipped, not buffered. Either way the rest of
 * the reply is read and discarded up to its last line, so the control
 * connection stays in step and the next command works; then a `LimitError`
 * naming the command is thrown.
 *
 * @module
 */
import type { Session } from "../_core/session.ts";
import { parseReplyLine, type Reply } from "../_core/reply.ts";
import { LimitError, ProtocolError } from "../_core/errors.ts";

/** The default byte budget of one control reply. */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;
/** The longest control line: the session reader's `maxLineBytes` must be this. */
export const MAX_LINE_BYTES = 8192;
/** The most lines one control reply may have. */
export const MAX_REPLY_LINES = 10_000;
/**
 * How much of an over-limit reply is read and discarded to stay in step
 * before giving up and closing the connection.
 */
const MAX_DISCARD = 64 * 1024 * 1024;

const latin1 = new TextDecoder("latin1");

interface Line {
  /** The line, or the start of an over-long line. */
  text: string;
  /** The bytes the line took on the wire. */
  bytes: number;
  /** The line was too long and skipped. */
  cut: boolean;
}

/** Reads one line; an over-long one is skipped, keeping its first bytes. */
async function readLine(session: Session): Promise<Line> {
  const reader = session.reader;
  try {
    const text = await reader.readLine();
    session.log("receive", text);
    return { text, bytes: text.length + 2, cut: false };
  } catch (error) {
    if (!(error instanceof LimitError)) throw error;
  }
  // The reader refused the line before consuming it, with at least
  // MAX_LINE_BYTES of it buffered and no line end among them (later lines may
  // be buffered too): those bytes can be taken and dropped, in steps.
  const skip = () => reader.readExact(Math.min(MAX_LINE_BYTES, reader.buffered));
  const head = await skip();
  let bytes = head.byteLength;
  for (;;) {
    if (bytes > MAX_DISCARD) {
      session.destroy();
      throw new LimitError(`Cannot read reply: a line longer than ${MAX_DISCARD} bytes`);
    }
    try {
      bytes += (await reader.readLine()).length + 2;
      break;
    } catch (error) {
      if (!(error instanceof LimitError)) throw error;
      bytes += (await skip()).byteLength;
    }
  }
  const text = latin1.decode(head.subarray(0, 80));
  session.log("receive", `${text}… (${bytes} bytes, skipped)`);
  return { text, bytes, cut: true };
}

/**
 * Reads one FTP reply within `maxBytes` and {@linkcode MAX_REPLY_LINES}.
 *
 * @param session The control session.
 * @param command The command the reply answers (redacted), for errors.
 * @param maxBytes The reply's byte budget.
 * @returns The reply.
 * @throws {LimitError} When the reply, or one of its lines, is too large;
 * the reply was read to its end, so the connection is still usable.
 * @throws {ProtocolError} When a reply does not start with a code (the
 * connection is closed).
 */
export async function readFtpReply(
  session: Session,
  command: string,
  maxBytes: number = DEFAULT_MAX_REPLY_BYTES,
): Promise<Reply> {
  const first = await readLine(session);
  const head = parseReplyLine(first.text);
  if (!head) {
    session.destroy();
    throw new ProtocolError(
      `Cannot parse reply${command ? ` to "${command}"` : ""}: "${
        first.text.slice(0, 80)
      }" has no reply code`,
    );
  }
  const lines = [head.text];
  let bytes = first.bytes;
  let over = first.cut
    ? `a line is longer than ${MAX_LINE_BYTES} bytes`
    : bytes > maxBytes
    ? `larger than ${maxBytes} bytes`
    : "";
  if (head.more) {
    const prefix = String(head.code);
    for (;;) {
      const line = await readLine(session);
      bytes += line.bytes;
      if (!over) {
        if (line.cut) over = `a line is longer than ${MAX_LINE_BYTES} bytes`;
        else if (bytes > maxBytes) over = `larger than ${maxBytes} bytes`;
        else if (lines.length >= MAX_REPLY_LINES) over = `more than ${MAX_REPLY_LINES} lines`;
      }
      if (over && bytes > MAX_DISCARD) {
        session.destroy();
        throw new LimitError(
          `Cannot read the reply to "${command}": more than ${MAX_DISCARD} bytes`,
        );
      }
      const text = line.text;
      let last = false;
      let kept = text;
      if (text.startsWith(prefix)) {
        const sep = text.length > 3 ? text[3] : " ";
        if (sep === " " || sep === "-") {
          kept = text.slice(4);
          last = sep === " ";
        }
      }
      // FTP lets the lines between `123-` and `123 ` be free text.
      if (!over) lines.push(kept);
      if (last) break;
    }
  }
  if (over) {
    const what = command ? `the reply to "${command}"` : "the greeting";
    throw new LimitError(
      `Cannot read ${what}: the ${head.code} reply is too large (${over}); ${bytes} bytes read and discarded`,
    );
  }
  return { code: head.code, lines };
}
