// Copyright 2026 the portline authors. MIT license.
/**
 * Which way to log in: USER/PASS, APOP or SASL (RFC 5034), chosen from what
 * the server announced. Pure, no I/O.
 *
 * @module
 */
import { AuthenticationError } from "../_core/errors.ts";
import { chooseSaslMechanism, type SaslCredentials } from "../_core/sasl.ts";
import type { Pop3Capabilities } from "./capabilities.ts";

/** How to log in; `"auto"` picks the strongest the server offers. */
export type Pop3LoginMethod = "auto" | "user" | "apop" | "sasl";

/** What a client logs in with. */
export interface Pop3Credentials extends SaslCredentials {
  /**
   * USER/PASS, APOP, SASL, or the strongest available.
   *
   * @default {"auto"}
   */
  method?: Pop3LoginMethod;
  /** A SASL mechanism to insist on, e.g. `"CRAM-MD5"` (implies `method: "sasl"`). */
  mechanism?: string;
}

/** The chosen way to log in. */
export interface Pop3LoginPlan {
  /** The command family. */
  method: "user" | "apop" | "sasl";
  /** The SASL mechanism, for `"sasl"`. */
  mechanism?: string;
}

/** What the choice depends on besides the credentials. */
export interface Pop3LoginContext {
  /** The server's capabilities (empty when CAPA is not supported). */
  capabilities: Pop3Capabilities;
  /** The greeting's APOP timestamp, if any. */
  apopTimestamp?: string | undefined;
  /** Whether the connection is encrypted. */
  secure: boolean;
}

const CLEARTEXT = new Set(["PLAIN", "LOGIN"]);

/**
 * Chooses how to log in. With `method: "auto"`: tokens go through SASL
 * (OAUTHBEARER, XOAUTH2); passwords through the strongest SASL mechanism
 * offered (SCRAM-SHA-256 first), except that APOP beats a cleartext SASL
 * mechanism on an unencrypted connection; then APOP when the greeting had a
 * timestamp; then USER/PASS.
 *
 * @example Usage
 * ```ts
 * import { choosePop3Login, Pop3Capabilities } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * const capabilities = Pop3Capabilities.parse(["USER", "SASL PLAIN SCRAM-SHA-1"]);
 * const credentials = { username: "ann", password: "pw" };
 * assert.deepEqual(choosePop3Login(credentials, { capabilities, secure: true }), {
 *   method: "sasl",
 *   mechanism: "SCRAM-SHA-1",
 * });
 * const plainOnly = Pop3Capabilities.parse(["SASL PLAIN"]);
 * assert.deepEqual(
 *   choosePop3Login(credentials, { capabilities: plainOnly, secure: false, apopTimestamp: "<1@x>" }),
 *   { method: "apop" },
 * );
 * ```
 *
 * @param credentials The user name and password or token, and any preference.
 * @param context The server's capabilities, greeting timestamp and TLS state.
 * @returns The method (and mechanism) to use.
 * @throws {AuthenticationError} When the credentials fit nothing the server offers.
 */
export function choosePop3Login(
  credentials: Pop3Credentials,
  context: Pop3LoginContext,
): Pop3LoginPlan {
  const method = credentials.mechanism !== undefined ? "sasl" : credentials.method ?? "auto";
  const offered = context.capabilities.sasl;
  const hasPassword = credentials.password !== undefined;
  switch (method) {
    case "user":
    case "apop":
      if (!hasPassword) refuse(method.toUpperCase(), "a password is required");
      if (method === "apop" && context.apopTimestamp === undefined) {
        refuse("APOP", "the greeting has no timestamp");
      }
      return { method };
    case "sasl":
      // Without CAPA the server may still know the mechanism asked for.
      if (offered.length === 0 && credentials.mechanism !== undefined) {
        return { method, mechanism: credentials.mechanism.toUpperCase() };
      }
      return {
        method,
        mechanism: chooseSaslMechanism(offered, credentials, credentials.mechanism),
      };
  }
  let mechanism: string | undefined;
  try {
    if (offered.length > 0) mechanism = chooseSaslMechanism(offered, credentials);
  } catch {
    // No common mechanism: fall back to APOP or USER/PASS below.
  }
  if (credentials.accessToken !== undefined && !hasPassword) {
    if (mechanism === undefined) {
      refuse("SASL", `the server offers no token mechanism (${offered.join(", ") || "none"})`);
    }
    return { method: "sasl", mechanism };
  }
  if (!hasPassword) refuse("POP3", "a password or an access token is required");
  const apop = context.apopTimestamp !== undefined;
  if (mechanism !== undefined && !(apop && !context.secure && CLEARTEXT.has(mechanism))) {
    return { method: "sasl", mechanism };
  }
  if (apop) return { method: "apop" };
  return { method: "user" };
}

function refuse(what: string, why: string): never {
  throw new AuthenticationError(`Cannot log in with ${what}: ${why}`, {
    replyCode: 0,
    response: why,
  });
}
