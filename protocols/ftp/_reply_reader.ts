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
import { readReply, type Reply } from "../_core/reply.ts";
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

/**
 * Reads one control reply through the core's `readReply`, draining an
 * over-limit reply so the session stays in step, and names the command in
 * the errors; a reply that cannot be read off, or has no code, closes the
 * session.
 *
 * @param session The control session.
 * @param command The command shown in errors ("" for the greeting).
 * @param maxBytes The reply's byte budget.
 * @returns The reply.
 */
export async function readFtpReply(
  session: Session,
  command: string,
  maxBytes: number = DEFAULT_MAX_REPLY_BYTES,
): Promise<Reply> {
  try {
    return await readReply(session.reader, {
      maxLines: MAX_REPLY_LINES,
      maxBytes,
      drainBytes: MAX_DISCARD,
      onLine: (line) => session.log("receive", line),
    });
  } catch (error) {
    if (error instanceof LimitError) {
      // Read off to the reply's end: the next reply is in step. Otherwise it is not.
      if (error.inStep !== true) session.destroy();
      const what = command ? `the reply to "${command}"` : "the greeting";
      const named = new LimitError(
        error.message.replace("Cannot read reply", `Cannot read ${what}`),
        {
          cause: error,
        },
      );
      named.inStep = error.inStep;
      throw named;
    }
    if (error instanceof ProtocolError) {
      session.destroy();
      throw new ProtocolError(
        error.message.replace(
          "Cannot parse reply",
          `Cannot parse reply${command ? ` to "${command}"` : ""}`,
        ),
        { cause: error },
      );
    }
    throw error;
  }
}
