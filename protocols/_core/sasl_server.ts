// Copyright 2026 the portline authors. MIT license.
/**
 * The server side of SASL, for the in-process test servers: verifies PLAIN,
 * LOGIN, CRAM-MD5, SCRAM-SHA-1/256, XOAUTH2 and OAUTHBEARER exchanges.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createHash } from "node:crypto";
import { fromBase64, parseScramAttributes, scramKeys, toBase64 } from "./sasl.ts";

/**
 * The accounts a test server knows.
 *
 * @example Usage
 * ```ts
 * import { type SaslAccounts, SaslServerExchange } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const accounts: SaslAccounts = {
 *   password: (username) => username === "ann" ? "pw" : undefined,
 *   verifyToken: (username, token) => username === "ann" && token === "t0ken",
 * };
 * const exchange = new SaslServerExchange("PLAIN", accounts);
 * assert.equal(exchange.start(new TextEncoder().encode("\0ann\0wrong")).kind, "failure");
 * ```
 */
export interface SaslAccounts {
  /** The password of `username`, or undefined for an unknown user. */
  password(username: string): string | undefined;
  /** Whether `token` is a valid access token for `username` (XOAUTH2, OAUTHBEARER). */
  verifyToken?(username: string, token: string): boolean;
}

/**
 * What the server does next in an exchange.
 *
 * @example Usage
 * ```ts
 * import { SaslServerExchange, type SaslServerStep } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * const exchange = new SaslServerExchange("LOGIN", { password: () => "pw" });
 * const step: SaslServerStep = exchange.start(null);
 * assert.equal(step.kind, "challenge");
 * if (step.kind === "challenge") assert.equal(new TextDecoder().decode(step.data), "Username:");
 * ```
 */
export type SaslServerStep =
  | { kind: "challenge"; data: Uint8Array }
  | { kind: "success"; username: string; data?: Uint8Array }
  | { kind: "failure"; reason: string; data?: Uint8Array };

/**
 * The mechanisms the server side implements.
 *
 * @example Usage
 * ```ts
 * import { SASL_PASSWORD_MECHANISMS, SASL_SERVER_MECHANISMS } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * // The test servers verify every mechanism the clients use.
 * for (const name of SASL_PASSWORD_MECHANISMS) assert.ok(SASL_SERVER_MECHANISMS.includes(name));
 * ```
 */
export const SASL_SERVER_MECHANISMS: readonly string[] = [
  "PLAIN",
  "LOGIN",
  "CRAM-MD5",
  "SCRAM-SHA-1",
  "SCRAM-SHA-256",
  "XOAUTH2",
  "OAUTHBEARER",
];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function equal(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  return x.byteLength === y.byteLength && timingSafeEqual(x, y);
}

/**
 * One server-side SASL exchange.
 *
 * @example Usage
 * ```ts
 * import { SaslServerExchange } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const exchange = new SaslServerExchange("PLAIN", { password: (u) => u === "ann" ? "pw" : undefined });
 * const step = exchange.start(new TextEncoder().encode("\0ann\0pw"));
 * assert.equal(step.kind, "success");
 * ```
 */
export class SaslServerExchange {
  /** The mechanism's name, upper case. */
  readonly mechanism: string;
  #accounts: SaslAccounts;
  #step = 0;
  #state: Record<string, unknown> = {};

  /**
   * Starts an exchange.
   *
   * @param mechanism The mechanism the client asked for.
   * @param accounts The known accounts.
   */
  constructor(mechanism: string, accounts: SaslAccounts) {
    this.mechanism = mechanism.toUpperCase();
    this.#accounts = accounts;
  }

  /**
   * Handles the AUTH command's initial response (or its absence).
   *
   * @param initial The decoded initial response, or null.
   * @returns The next step.
   */
  start(initial: Uint8Array | null): SaslServerStep {
    switch (this.mechanism) {
      case "LOGIN":
        if (initial) {
          this.#state.username = decoder.decode(initial);
          this.#step = 1;
          return { kind: "challenge", data: encoder.encode("Password:") };
        }
        return { kind: "challenge", data: encoder.encode("Username:") };
      case "CRAM-MD5": {
        const challenge = `<${randomBytes(8).toString("hex")}@portline.test>`;
        this.#state.challenge = challenge;
        return { kind: "challenge", data: encoder.encode(challenge) };
      }
      default:
        if (initial === null) return { kind: "challenge", data: new Uint8Array(0) };
        return this.respond(initial);
    }
  }

  /**
   * Handles the client's next response.
   *
   * @param response The decoded response.
   * @returns The next step.
   */
  respond(response: Uint8Array): SaslServerStep {
    const text = decoder.decode(response);
    switch (this.mechanism) {
      case "PLAIN": {
        const [, username = "", password = ""] = text.split("\0");
        return this.#check(username, password);
      }
      case "LOGIN":
        if (this.#step++ === 0) {
          this.#state.username = text;
          return { kind: "challenge", data: encoder.encode("Password:") };
        }
        return this.#check(String(this.#state.username), text);
      case "CRAM-MD5": {
        const space = text.lastIndexOf(" ");
        const username = text.slice(0, space);
        const password = this.#accounts.password(username);
        if (password === undefined) return { kind: "failure", reason: "unknown user" };
        const expected = createHmac("md5", password).update(String(this.#state.challenge))
          .digest("hex");
        return equal(expected, text.slice(space + 1))
          ? { kind: "success", username }
          : { kind: "failure", reason: "wrong password" };
      }
      case "SCRAM-SHA-1":
      case "SCRAM-SHA-256":
        return this.#scram(text);
      case "XOAUTH2": {
        if (this.#step++ > 0) return { kind: "failure", reason: "invalid token" };
        const fields = new Map(
          text.split("\x01").filter(Boolean).map((
            f,
          ) => [f.split("=")[0]!, f.slice(f.indexOf("=") + 1)]),
        );
        return this.#checkToken(
          fields.get("user") ?? "",
          fields.get("auth") ?? "",
          '{"status":"401"}',
        );
      }
      case "OAUTHBEARER": {
        if (this.#step++ > 0) return { kind: "failure", reason: "invalid token" };
        const [gs2 = "", ...rest] = text.split("\x01");
        const user =
          /(?:^|,)a=([^,]*)/.exec(gs2)?.[1]?.replaceAll("=2C", ",").replaceAll("=3D", "=") ?? "";
        const auth = rest.find((f) => f.startsWith("auth="))?.slice(5) ?? "";
        return this.#checkToken(user, auth, '{"status":"invalid_token"}');
      }
      default:
        return { kind: "failure", reason: "unsupported mechanism" };
    }
  }

  #check(username: string, password: string): SaslServerStep {
    const expected = this.#accounts.password(username);
    return expected !== undefined && equal(expected, password)
      ? { kind: "success", username }
      : { kind: "failure", reason: "wrong user name or password" };
  }

  #checkToken(username: string, auth: string, errorJson: string): SaslServerStep {
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (this.#accounts.verifyToken?.(username, token)) return { kind: "success", username };
    // Both XOAUTH2 and OAUTHBEARER send an error challenge the client acknowledges.
    return { kind: "challenge", data: encoder.encode(errorJson) };
  }

  #scram(text: string): SaslServerStep {
    const hash = this.mechanism === "SCRAM-SHA-1" ? "sha1" : "sha256";
    if (this.#step === 0) {
      this.#step = 1;
      const bare = text.slice(text.indexOf(",", text.indexOf(",") + 1) + 1);
      const attributes = parseScramAttributes(bare);
      const username = (attributes.get("n") ?? "").replaceAll("=2C", ",").replaceAll("=3D", "=");
      const password = this.#accounts.password(username);
      const salt = randomBytes(16);
      const nonce = (attributes.get("r") ?? "") + randomBytes(12).toString("base64");
      const serverFirst = `r=${nonce},s=${toBase64(salt)},i=4096`;
      Object.assign(this.#state, { username, password, salt, nonce, bare, serverFirst });
      return { kind: "challenge", data: encoder.encode(serverFirst) };
    }
    if (this.#step === 2) return { kind: "success", username: String(this.#state.username) };
    const { username, password, salt, nonce, bare, serverFirst } = this.#state as {
      username: string;
      password: string | undefined;
      salt: Uint8Array;
      nonce: string;
      bare: string;
      serverFirst: string;
    };
    const attributes = parseScramAttributes(text);
    const withoutProof = text.slice(0, text.lastIndexOf(",p="));
    if (password === undefined || attributes.get("r") !== nonce) {
      return { kind: "failure", reason: "unknown user", data: encoder.encode("e=unknown-user") };
    }
    const keys = scramKeys(hash, password, salt, 4096);
    const authMessage = `${bare},${serverFirst},${withoutProof}`;
    const signature = createHmac(hash, keys.storedKey).update(authMessage).digest();
    let proof: Uint8Array;
    try {
      proof = fromBase64(attributes.get("p") ?? "");
    } catch {
      // A proof that is not base64 is a wrong proof, not a crash of the session.
      return {
        kind: "failure",
        reason: "malformed proof",
        data: encoder.encode("e=invalid-proof"),
      };
    }
    const clientKey = proof.map((byte, i) => byte ^ (signature[i] ?? 0));
    const stored = createHash(hash).update(clientKey).digest();
    if (proof.byteLength !== signature.byteLength || !timingSafeEqual(stored, keys.storedKey)) {
      return { kind: "failure", reason: "wrong password", data: encoder.encode("e=invalid-proof") };
    }
    const serverSignature = createHmac(hash, keys.serverKey).update(authMessage).digest();
    this.#step = 2;
    return { kind: "success", username, data: encoder.encode(`v=${toBase64(serverSignature)}`) };
  }
}
