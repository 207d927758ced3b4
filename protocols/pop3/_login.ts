// Copyright 2026 the portline authors. MIT license.
// The login exchanges on the wire: USER/PASS, APOP and AUTH (RFC 5034).
// Callers hold the session lock.
import type { Session } from "../_core/session.ts";
import { AuthenticationError, ProtocolError } from "../_core/errors.ts";
import { createSaslMechanism, fromBase64, type SaslCredentials, toBase64 } from "../_core/sasl.ts";
import { pop3ApopDigest } from "./apop.ts";
import { fitsPop3Line, formatPop3Command, redactPop3Command } from "./command.ts";
import { isPop3Continuation, parsePop3Status } from "./response.ts";
import { pop3ReplyError } from "./errors.ts";
import { expectOk, readStatus } from "./_wire.ts";

/** The most challenges one exchange may take. */
const MAX_ROUNDS = 16;

/** USER then PASS. */
export async function loginUser(session: Session, username: string, password: string) {
  const user = formatPop3Command("USER", username);
  await session.send(user);
  await expectOk(session, user, true);
  const pass = formatPop3Command("PASS", password);
  await session.send(pass, "PASS ***");
  await expectOk(session, "PASS ***", true);
}

/** APOP with the greeting's timestamp. */
export async function loginApop(
  session: Session,
  timestamp: string,
  username: string,
  password: string,
) {
  const line = formatPop3Command("APOP", username, pop3ApopDigest(timestamp, password));
  const shown = redactPop3Command(line);
  await session.send(line, shown);
  await expectOk(session, shown, true);
}

/** AUTH with a SASL mechanism, initial response when it fits in 255 octets. */
export async function authenticate(
  session: Session,
  mechanism: string,
  credentials: SaslCredentials,
  where: { host: string; port: number },
) {
  const sasl = createSaslMechanism(mechanism, credentials, where);
  const command = formatPop3Command("AUTH", sasl.name);
  const initial = sasl.initialResponse();
  let pending: Uint8Array | null = null;
  let line = command;
  if (initial !== null) {
    const encoded = initial.byteLength === 0 ? "=" : toBase64(initial);
    if (fitsPop3Line(`${command} ${encoded}`)) line = `${command} ${encoded}`;
    else pending = initial;
  }
  await session.send(line, redactPop3Command(line));
  for (let round = 0;; round++) {
    const text = await session.readLine();
    if (isPop3Continuation(text)) {
      if (round >= MAX_ROUNDS) await cancel(session, command, `more than ${MAX_ROUNDS} rounds`);
      let response: Uint8Array;
      try {
        if (pending !== null) {
          response = pending;
          pending = null;
        } else {
          response = sasl.respond(fromBase64(text.slice(2)));
        }
      } catch (error) {
        // fromBase64() throws a SyntaxError: the caller gets an
        // AuthenticationError (as from SMTP), not the decoder's error.
        const why = error instanceof SyntaxError ? "the server's challenge is not base64" : error;
        await cancel(session, command, why);
      }
      await session.send(toBase64(response!), "***");
      continue;
    }
    const status = parsePop3Status(text);
    if (status === null) {
      session.destroy();
      throw new ProtocolError(
        `Cannot read the reply to ${command} from ${session.hostname}: "${text.slice(0, 80)}"`,
      );
    }
    if (!status.ok) throw pop3ReplyError(command, status, { login: true });
    try {
      sasl.verifyFinal();
    } catch (error) {
      // Logged in, but the server could not prove it knows the password.
      session.destroy();
      throw error;
    }
    return;
  }
}

/** Ends an exchange from our side (`*`), then throws why. */
async function cancel(session: Session, command: string, why: unknown): Promise<never> {
  await session.send("*");
  await readStatus(session, command);
  if (why instanceof Error) throw why;
  throw new AuthenticationError(`Cannot ${command}: ${String(why)}`, {
    replyCode: 0,
    command,
    response: String(why),
  });
}
