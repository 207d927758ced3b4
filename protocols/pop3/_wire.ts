// Copyright 2026 the portline authors. MIT license.
// Reading POP3 replies off a core Session: status lines, multi-line blocks
// of text lines, and dot-terminated bodies collected into one array. Shared
// by the client and its login flows; not part of the public surface.
import type { Session } from "../_core/session.ts";
import { LimitError, ProtocolError } from "../_core/errors.ts";
import { concatBytes } from "../_core/writer.ts";
import { parsePop3Status, type Pop3Status } from "./response.ts";
import { pop3ReplyError } from "./errors.ts";

/** The most lines a CAPA reply may have. */
const MAX_CAPA_LINES = 1000;

/**
 * Reads one status line.
 *
 * @param session The session.
 * @param shown The command it answers, redacted, for messages.
 * @returns The parsed status, `+OK` or `-ERR`.
 * @throws {ProtocolError} When the line is neither.
 */
export async function readStatus(session: Session, shown: string): Promise<Pop3Status> {
  const line = await session.readLine();
  const status = parsePop3Status(line);
  if (status === null) {
    session.destroy();
    throw new ProtocolError(
      `Cannot read the reply to ${shown} from ${session.hostname}: "${
        line.slice(0, 80)
      }" is neither +OK nor -ERR`,
    );
  }
  return status;
}

/**
 * Reads one status line and throws a `Pop3ReplyError` for `-ERR`.
 *
 * @param session The session.
 * @param shown The command it answers, redacted.
 * @param login Whether a refusal is a failed login.
 * @returns The `+OK` status.
 */
export async function expectOk(
  session: Session,
  shown: string,
  login = false,
): Promise<Pop3Status> {
  const status = await readStatus(session, shown);
  if (!status.ok) throw pop3ReplyError(shown, status, { login });
  return status;
}

/**
 * Reads the lines of a multi-line reply up to the terminating dot, removing
 * dot-stuffing, and holding at most `maxBytes` of it (each line counted
 * with its CRLF). A longer reply
 * is read to its terminating dot and discarded (the session stays usable)
 * and a `LimitError` is thrown.
 *
 * @param session The session.
 * @param options The limit and the command (for messages).
 * @returns The lines.
 * @throws {LimitError} When the lines exceed `maxBytes`.
 */
export async function readListing(
  session: Session,
  options: ReadBoundedOptions,
): Promise<string[]> {
  let lines: string[] | undefined = [];
  let total = 0;
  for (;;) {
    const line = await session.readLine();
    if (line === ".") break;
    if (lines === undefined) continue;
    // With its CRLF; UTF-16 length, exact for ASCII (a lower bound otherwise).
    total += line.length + 2;
    if (total > options.maxBytes) lines = undefined;
    else lines.push(line.charCodeAt(0) === 46 ? line.slice(1) : line);
  }
  if (lines === undefined) throw tooLarge(session, options);
  return lines;
}

/**
 * Reads the lines of a multi-line reply up to the terminating dot, removing
 * dot-stuffing.
 *
 * @param session The session.
 * @param maxLines The most lines accepted.
 * @returns The lines.
 */
export async function readLines(session: Session, maxLines = Infinity): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const line = await session.readLine();
    if (line.charCodeAt(0) === 46) {
      if (line.length === 1) return lines;
      lines.push(line.slice(1));
    } else {
      lines.push(line);
    }
    if (lines.length > maxLines) {
      session.destroy();
      throw new ProtocolError(
        `Cannot read the reply from ${session.hostname}: more than ${maxLines} lines`,
      );
    }
  }
}

/** Reads a CAPA block's lines (bounded). */
export function readCapaLines(session: Session): Promise<string[]> {
  return readLines(session, MAX_CAPA_LINES);
}

/** How a whole body or listing is read. */
export interface ReadBoundedOptions {
  /** The most bytes accepted (unstuffed; for listings, line text without CRLF). */
  maxBytes: number;
  /** The command it answers, redacted, for the error message. */
  command: string;
  /** Called with the bytes read so far. */
  onProgress?: ((bytes: number) => void) | undefined;
}

/** Rejects a limit that is not a positive number (Infinity allowed). */
export function assertMaxBytes(maxBytes: number, command: string): void {
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) {
    throw new RangeError(
      `Cannot send ${command}: maxBytes ${maxBytes} is not a non-negative number`,
    );
  }
}

/** Limit errors thrown after the rest of the reply was read off. */
const drained = new WeakSet<object>();

/**
 * Whether an error is a `LimitError` after which the rest of the reply was
 * read and discarded, so the session can go on.
 *
 * @param error What was thrown.
 * @returns `true` for such a limit error.
 */
export function isDrainedLimit(error: unknown): boolean {
  return typeof error === "object" && error !== null && drained.has(error);
}

function tooLarge(session: Session, options: ReadBoundedOptions): LimitError {
  const error = new LimitError(
    `Cannot read the reply to ${options.command} from ${session.hostname}: longer than ${options.maxBytes} bytes (the rest was read and discarded)`,
  );
  drained.add(error);
  return error;
}

/**
 * Reads a dot-terminated body whole, dot-stuffing removed, holding at most
 * `maxBytes` (plus one read buffer).
 *
 * When the server announced a size that fits (`+OK 1234 octets`), the body
 * is taken straight from the reader's buffer (the fast path); if it turns
 * out longer than `maxBytes` after all, the rest cannot be told apart from
 * the next reply, so the session is closed before the `LimitError` is
 * thrown. Otherwise the body is read through a stream: one longer than
 * `maxBytes` is read to its end and discarded (so the session stays usable)
 * and a `LimitError` is thrown.
 *
 * @param session The session.
 * @param options The limit, the command (for messages), the announced size
 *   and a progress callback.
 * @returns The unstuffed bytes.
 * @throws {LimitError} When the body exceeds `maxBytes`.
 */
export async function readBody(
  session: Session,
  options: ReadBoundedOptions & { announced?: number | undefined },
): Promise<Uint8Array> {
  const { maxBytes, onProgress } = options;
  if (options.announced !== undefined && options.announced <= maxBytes) {
    try {
      return await session.reader.readDotBlockBytes({
        maxBytes,
        ...(onProgress ? { onProgress } : {}),
      });
    } catch (error) {
      if (!(error instanceof LimitError)) throw error;
      session.destroy();
      throw new LimitError(
        `Cannot read the reply to ${options.command} from ${session.hostname}: longer than ${maxBytes} bytes (more than the ${options.announced} octets announced; the connection was closed)`,
        { cause: error },
      );
    }
  }
  let failure: unknown;
  const reader = session.reader.dotBlock({
    ...(onProgress ? { onProgress } : {}),
    onDone: (error) => failure = error,
  }).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      chunks.length = 0;
      // Cancelling reads the rest of the block off and discards it.
      await reader.cancel();
      if (failure !== undefined) throw failure;
      throw tooLarge(session, options);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  return concatBytes(chunks, total);
}

/**
 * Reads a dot-terminated body to its end and discards it.
 *
 * @param session The session.
 */
export async function skipBody(session: Session): Promise<void> {
  let failure: unknown;
  const reader = session.reader.dotBlock({ onDone: (error) => failure = error }).getReader();
  while (!(await reader.read()).done);
  if (failure !== undefined) throw failure;
}
