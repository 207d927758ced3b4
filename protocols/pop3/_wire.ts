// Copyright 2026 the portline authors. MIT license.
// Reading POP3 replies off a core Session: status lines, multi-line blocks
// of text lines, and dot-terminated bodies collected into one array. Shared
// by the client and its login flows; not part of the public surface.
import type { Session } from "../_core/session.ts";
import { ProtocolError } from "../_core/errors.ts";
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

/**
 * Reads a dot-terminated body whole, straight from the core reader's buffer
 * (no stream in between).
 *
 * @param session The session.
 * @param onProgress Called with the bytes read so far.
 * @returns The unstuffed bytes.
 */
export function readBody(
  session: Session,
  onProgress?: (bytes: number) => void,
): Promise<Uint8Array> {
  return session.reader.readDotBlockBytes(onProgress ? { onProgress } : {});
}
