// Copyright 2026 the portline authors. MIT license.
/**
 * SASL client mechanisms shared by SMTP, POP3, IMAP and NNTP: PLAIN, LOGIN,
 * CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256 (RFC 5802/7677, server signature
 * verified), XOAUTH2 and OAUTHBEARER (RFC 7628). Mechanisms only produce and
 * check bytes; each protocol frames them (`334 …`, `+ …`) itself.
 *
 * @module
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { AuthenticationError } from "./errors.ts";

/**
 * What a client may authenticate with.
 *
 * @example Usage
 * ```ts
 * import { chooseSaslMechanism, type SaslCredentials } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const oauth: SaslCredentials = { username: "ann@example.org", accessToken: "ya29.token" };
 * assert.equal(chooseSaslMechanism(["PLAIN", "XOAUTH2"], oauth), "XOAUTH2");
 * ```
 */
export interface SaslCredentials {
  /** The user name (authentication identity). */
  username: string;
  /** The password, for password mechanisms. */
  password?: string;
  /** An OAuth 2.0 access token, for XOAUTH2 and OAUTHBEARER. */
  accessToken?: string;
  /** An authorization identity to act as, when different from `username`. */
  authzid?: string;
}

/**
 * One client-side run of a SASL mechanism.
 *
 * @example Usage
 * ```ts
 * import { createSaslMechanism, type SaslMechanism } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const login: SaslMechanism = createSaslMechanism("LOGIN", { username: "ann", password: "pw" });
 * assert.equal(login.initialResponse(), null);
 * const text = (b: Uint8Array) => new TextDecoder().decode(b);
 * assert.equal(text(login.respond(new TextEncoder().encode("Username:"))), "ann");
 * assert.equal(text(login.respond(new TextEncoder().encode("Password:"))), "pw");
 * ```
 */
export interface SaslMechanism {
  /** The mechanism's registered name, e.g. `"SCRAM-SHA-256"`. */
  readonly name: string;
  /**
   * The initial response, sent with the AUTH command when the protocol
   * allows; `null` when the mechanism starts with a server challenge.
   */
  initialResponse(): Uint8Array | null;
  /**
   * Answers a server challenge.
   *
   * @param challenge The decoded challenge.
   * @returns The response (decoded; the protocol base64-encodes it).
   */
  respond(challenge: Uint8Array): Uint8Array;
  /**
   * Checks the server's final data once it reported success (SCRAM's server
   * signature). Throws `AuthenticationError` when it does not verify.
   *
   * @param data The success data, if the server sent any.
   */
  verifyFinal(data?: Uint8Array): void;
}

/**
 * Mechanisms in the order they are preferred: strongest first.
 *
 * @example Usage
 * ```ts
 * import { SASL_PASSWORD_MECHANISMS } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SASL_PASSWORD_MECHANISMS[0], "SCRAM-SHA-256");
 * assert.ok(SASL_PASSWORD_MECHANISMS.includes("PLAIN"));
 * ```
 */
export const SASL_PASSWORD_MECHANISMS: readonly string[] = [
  "SCRAM-SHA-256",
  "SCRAM-SHA-1",
  "CRAM-MD5",
  "PLAIN",
  "LOGIN",
];

/**
 * Token mechanisms in the order they are preferred.
 *
 * @example Usage
 * ```ts
 * import { SASL_TOKEN_MECHANISMS } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(SASL_TOKEN_MECHANISMS, ["OAUTHBEARER", "XOAUTH2"]);
 * ```
 */
export const SASL_TOKEN_MECHANISMS: readonly string[] = ["OAUTHBEARER", "XOAUTH2"];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fail(mechanism: string, why: string): never {
  throw new AuthenticationError(`Cannot authenticate with ${mechanism}: ${why}`, {
    replyCode: 0,
    response: why,
  });
}

function need(credentials: SaslCredentials, key: "password" | "accessToken", mechanism: string) {
  const value = credentials[key];
  if (value === undefined) fail(mechanism, `a ${key} is required`);
  return value;
}

/**
 * Picks the strongest mechanism both sides support for these credentials.
 *
 * @example Usage
 * ```ts
 * import { chooseSaslMechanism } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const offered = ["PLAIN", "LOGIN", "SCRAM-SHA-1"];
 * assert.equal(chooseSaslMechanism(offered, { username: "u", password: "p" }), "SCRAM-SHA-1");
 * ```
 *
 * @param offered The server's mechanisms (any case).
 * @param credentials What the client has.
 * @param preferred A mechanism the caller insists on.
 * @returns The mechanism name.
 * @throws {AuthenticationError} When no offered mechanism fits.
 */
export function chooseSaslMechanism(
  offered: readonly string[],
  credentials: SaslCredentials,
  preferred?: string,
): string {
  const upper = new Set(offered.map((name) => name.toUpperCase()));
  if (preferred !== undefined) {
    if (!upper.has(preferred.toUpperCase())) {
      fail(preferred, `the server offers only ${[...upper].join(", ") || "none"}`);
    }
    return preferred.toUpperCase();
  }
  const candidates = [
    ...(credentials.accessToken !== undefined ? SASL_TOKEN_MECHANISMS : []),
    ...(credentials.password !== undefined ? SASL_PASSWORD_MECHANISMS : []),
  ];
  const found = candidates.find((name) => upper.has(name));
  if (!found) {
    fail("SASL", `no common mechanism (server offers ${[...upper].join(", ") || "none"})`);
  }
  return found;
}

/**
 * Creates a client-side mechanism run.
 *
 * @example Usage
 * ```ts
 * import { createSaslMechanism } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const plain = createSaslMechanism("PLAIN", { username: "u", password: "p" });
 * assert.equal(new TextDecoder().decode(plain.initialResponse()!), "\0u\0p");
 * ```
 *
 * @param name The mechanism.
 * @param credentials What the client authenticates with.
 * @param options The server's host and port (OAUTHBEARER sends them).
 * @returns The mechanism run.
 * @throws {AuthenticationError} For an unknown mechanism or missing credentials.
 */
export function createSaslMechanism(
  name: string,
  credentials: SaslCredentials,
  options: { host?: string; port?: number } = {},
): SaslMechanism {
  const upper = name.toUpperCase();
  const authzid = credentials.authzid ?? "";
  switch (upper) {
    case "PLAIN": {
      const password = need(credentials, "password", upper);
      return simple(upper, encoder.encode(`${authzid}\0${credentials.username}\0${password}`));
    }
    case "LOGIN": {
      const password = need(credentials, "password", upper);
      let step = 0;
      return {
        name: upper,
        initialResponse: () => null,
        respond: () => encoder.encode(step++ === 0 ? credentials.username : password),
        verifyFinal: () => {},
      };
    }
    case "CRAM-MD5": {
      const password = need(credentials, "password", upper);
      return {
        name: upper,
        initialResponse: () => null,
        respond: (challenge) => {
          const digest = createHmac("md5", password).update(challenge).digest("hex");
          return encoder.encode(`${credentials.username} ${digest}`);
        },
        verifyFinal: () => {},
      };
    }
    case "SCRAM-SHA-1":
    case "SCRAM-SHA-256":
      return scram(upper, credentials.username, need(credentials, "password", upper), authzid);
    case "XOAUTH2": {
      const token = need(credentials, "accessToken", upper);
      return simple(
        upper,
        encoder.encode(`user=${credentials.username}\x01auth=Bearer ${token}\x01\x01`),
        new Uint8Array(0),
      );
    }
    case "OAUTHBEARER": {
      const token = need(credentials, "accessToken", upper);
      const gs2 = `n,${
        authzid ? `a=${scramName(authzid)}` : `a=${scramName(credentials.username)}`
      },`;
      const host = options.host ? `host=${options.host}\x01` : "";
      const port = options.port ? `port=${options.port}\x01` : "";
      // After an error challenge the client sends a lone ^A to end the exchange.
      return simple(
        upper,
        encoder.encode(`${gs2}\x01${host}${port}auth=Bearer ${token}\x01\x01`),
        encoder.encode("\x01"),
      );
    }
    default:
      fail(upper, "this mechanism is not supported");
  }
}

function simple(name: string, initial: Uint8Array, onChallenge?: Uint8Array): SaslMechanism {
  let sent = false;
  return {
    name,
    initialResponse: () => {
      sent = true;
      return initial;
    },
    respond: () => {
      if (!sent) {
        sent = true;
        return initial;
      }
      return onChallenge ?? new Uint8Array(0);
    },
    verifyFinal: () => {},
  };
}

/**
 * Escapes a name for SCRAM and GS2 (`=` → `=3D`, `,` → `=2C`).
 *
 * @example Usage
 * ```ts
 * import { scramName } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(scramName("a,b=c"), "a=2Cb=3Dc");
 * ```
 *
 * @param name The user name.
 * @returns The escaped name.
 */
export function scramName(name: string): string {
  return name.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

/**
 * Parses SCRAM attributes (`r=…,s=…,i=…`).
 *
 * @example Usage
 * ```ts
 * import { parseScramAttributes } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseScramAttributes("r=abc,i=4096").get("i"), "4096");
 * ```
 *
 * @param text The message.
 * @returns The attributes by letter.
 */
export function parseScramAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) attributes.set(part[0]!, part.slice(2));
  }
  return attributes;
}

/**
 * The SCRAM key derivation (RFC 5802 §3), shared with the test servers.
 *
 * @param hash The hash of the mechanism (`sha1` for SCRAM-SHA-1, `sha256` for SCRAM-SHA-256).
 * @param password The password (NFKC-normalised here; full SASLprep is not applied).
 * @param salt The server's salt.
 * @param iterations The PBKDF2 iteration count.
 * @returns The client key, stored key and server key.
 *
 * @example Usage
 * ```ts
 * import { scramKeys } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const keys = scramKeys("sha256", "pencil", new TextEncoder().encode("salt"), 4096);
 * assert.equal(keys.clientKey.byteLength, 32);
 * assert.equal(keys.storedKey.byteLength, 32);
 * ```
 */
export function scramKeys(
  hash: "sha1" | "sha256",
  password: string,
  salt: Uint8Array,
  iterations: number,
): { clientKey: Uint8Array; storedKey: Uint8Array; serverKey: Uint8Array } {
  const length = hash === "sha1" ? 20 : 32;
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, length, hash);
  const clientKey = createHmac(hash, salted).update("Client Key").digest();
  const serverKey = createHmac(hash, salted).update("Server Key").digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  return { clientKey, storedKey, serverKey };
}

function scram(name: string, username: string, password: string, authzid: string): SaslMechanism {
  const hash = name === "SCRAM-SHA-1" ? "sha1" : "sha256";
  const nonce = randomBytes(18).toString("base64");
  const gs2 = `n,${authzid ? `a=${scramName(authzid)}` : ""},`;
  const clientFirstBare = `n=${scramName(username)},r=${nonce}`;
  let expectedServerSignature: Uint8Array | undefined;
  let step = 0;
  return {
    name,
    initialResponse: () => encoder.encode(gs2 + clientFirstBare),
    respond: (challenge) => {
      if (step++ > 0) {
        // The server's final message arrives as a challenge in some protocols.
        verify(decoder.decode(challenge));
        return new Uint8Array(0);
      }
      const serverFirst = decoder.decode(challenge);
      const attributes = parseScramAttributes(serverFirst);
      const serverNonce = attributes.get("r");
      const salt = base64(attributes.get("s"));
      // RFC 5802 posit-number: decimal digits only ("1.5" or "0x10" would
      // reach PBKDF2 as a RangeError or an unintended count).
      const count = attributes.get("i");
      const iterations = count !== undefined && /^[1-9]\d{0,9}$/.test(count) ? Number(count) : 0;
      if (!serverNonce?.startsWith(nonce) || salt === undefined || !(iterations > 0)) {
        fail(name, "the server's first message is malformed");
      }
      if (iterations > 1_000_000) fail(name, `the server asks for ${iterations} iterations`);
      const keys = scramKeys(hash, password, salt, iterations);
      // UTF-8 first: btoa() refuses an authzid outside latin1.
      const channelBinding = toBase64(encoder.encode(gs2));
      const clientFinalBare = `c=${channelBinding},r=${serverNonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${clientFinalBare}`;
      const clientSignature = createHmac(hash, keys.storedKey).update(authMessage).digest();
      const proof = keys.clientKey.map((byte, i) => byte ^ clientSignature[i]!);
      expectedServerSignature = createHmac(hash, keys.serverKey).update(authMessage).digest();
      return encoder.encode(`${clientFinalBare},p=${toBase64(proof)}`);
    },
    verifyFinal: (data) => {
      if (step < 2) verify(data ? decoder.decode(data) : "");
    },
  };

  function verify(serverFinal: string): void {
    const attributes = parseScramAttributes(serverFinal);
    if (attributes.has("e")) fail(name, `the server reports "${attributes.get("e")}"`);
    const signature = attributes.get("v");
    if (signature === undefined || !expectedServerSignature) {
      fail(name, "the server did not prove it knows the password");
    }
    const got = base64(signature);
    if (
      got === undefined ||
      got.byteLength !== expectedServerSignature.byteLength ||
      !timingSafeEqual(got, expectedServerSignature)
    ) {
      fail(name, "the server's signature does not verify (possible impostor)");
    }
    step = 2;
  }
}

/** Decodes a base64 attribute; undefined when absent or not base64 (a malformed message). */
function base64(text: string | undefined): Uint8Array | undefined {
  if (text === undefined) return undefined;
  try {
    return fromBase64(text);
  } catch {
    return undefined;
  }
}

/**
 * Encodes bytes as base64.
 *
 * @example Usage
 * ```ts
 * import { toBase64 } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toBase64(new Uint8Array([104, 105])), "aGk=");
 * ```
 *
 * @param bytes The bytes.
 * @returns Their base64 text.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.byteLength; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes base64 (whitespace ignored).
 *
 * @example Usage
 * ```ts
 * import { fromBase64 } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(fromBase64("aGk="), new Uint8Array([104, 105]));
 * ```
 *
 * @param text The base64 text.
 * @returns The bytes.
 * @throws {SyntaxError} When the text is not base64.
 */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text.replace(/\s+/g, ""));
  } catch {
    throw new SyntaxError(`Cannot decode base64: "${text.slice(0, 40)}"`);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
