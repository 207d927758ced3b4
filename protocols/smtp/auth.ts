// Copyright 2026 the portline authors. MIT license.
/**
 * SMTP AUTH (RFC 4954) framing around the core's SASL mechanisms: `334`
 * challenges in base64, the initial response on the AUTH line when short
 * enough, `*` to cancel, and the server's final data (SCRAM) verified.
 *
 * @module
 */
import type { Session } from "../_core/session.ts";
import type { Reply } from "../_core/reply.ts";
import { AuthenticationError } from "../_core/errors.ts";
import {
  chooseSaslMechanism,
  createSaslMechanism,
  fromBase64,
  type SaslCredentials,
  toBase64,
} from "../_core/sasl.ts";

/** Credentials for SMTP AUTH, and optionally the mechanism to use. */
export interface SmtpAuthOptions extends SaslCredentials {
  /** A mechanism to insist on (e.g. `"PLAIN"`); by default the strongest offered. */
  mechanism?: string;
}

/** RFC 4954 §4: an AUTH line with its initial response stays within 512 octets. */
const MAX_INITIAL_LINE = 510;

function authError(mechanism: string, reply: Reply, why?: string): AuthenticationError {
  const text = reply.lines.join("\n");
  return new AuthenticationError(
    `Cannot authenticate with ${mechanism}: ${why ?? `${reply.code} ${text}`}`,
    {
      replyCode: reply.code,
      enhancedCode: reply.enhancedCode,
      command: `AUTH ${mechanism}`,
      response: text,
    },
  );
}

/**
 * Runs an AUTH exchange on a session whose lock the caller holds.
 *
 * @param session The session.
 * @param offered The mechanisms the server offers.
 * @param credentials User name, password or token, and a mechanism to insist on.
 * @param server Host and port (OAUTHBEARER sends them).
 * @returns The mechanism used.
 * @throws {AuthenticationError} When the server refuses or its proof does not verify.
 */
export async function smtpAuthenticate(
  session: Session,
  offered: readonly string[],
  credentials: SmtpAuthOptions,
  server: { host: string; port: number },
): Promise<string> {
  const name = chooseSaslMechanism(offered, credentials, credentials.mechanism);
  const mechanism = createSaslMechanism(name, credentials, server);
  let pending = mechanism.initialResponse();
  let line = `AUTH ${name}`;
  if (pending !== null) {
    const encoded = pending.byteLength === 0 ? "=" : toBase64(pending);
    if (line.length + 1 + encoded.length <= MAX_INITIAL_LINE) {
      await session.send(`${line} ${encoded}`, `${line} ****`);
      pending = null;
      line = "";
    }
  }
  if (line !== "") await session.send(line);
  for (;;) {
    const reply = await session.readReply({ enhanced: true });
    if (reply.code === 235) {
      try {
        mechanism.verifyFinal();
      } catch (error) {
        // The server claims success without proving it knows the password.
        session.destroy();
        throw error;
      }
      return name;
    }
    if (reply.code !== 334) throw authError(name, reply);
    let response: Uint8Array;
    try {
      const challenge = fromBase64(reply.lines[0] ?? "");
      response = pending ?? mechanism.respond(challenge);
      pending = null;
    } catch (error) {
      // Cancel the exchange (RFC 4954 §4) so the session stays in step.
      await session.send("*");
      await session.readReply({ enhanced: true });
      throw error instanceof AuthenticationError
        ? error
        : authError(name, reply, "the server's challenge is not base64");
    }
    await session.send(toBase64(response), "****");
  }
}
