// Copyright 2026 the portline authors. MIT license.
/**
 * The CAPA response (RFC 2449 §5): one capability per line, a name and
 * optional arguments. Pure, no I/O.
 *
 * @module
 */

/**
 * What a POP3 server announced in its CAPA response. Names are compared
 * case-insensitively; the typed getters cover the capabilities of RFC 2449,
 * RFC 2595 (STLS), RFC 5034 (SASL) and RFC 6856 (UTF8).
 *
 * @example Usage
 * ```ts
 * import { Pop3Capabilities } from "@portline/portline/pop3";
 * import assert from "node:assert/strict";
 *
 * const capa = Pop3Capabilities.parse(["TOP", "UIDL", "SASL PLAIN SCRAM-SHA-256", "PIPELINING"]);
 * assert.equal(capa.pipelining, true);
 * assert.deepEqual(capa.sasl, ["PLAIN", "SCRAM-SHA-256"]);
 * assert.equal(capa.has("uidl"), true);
 * assert.equal(capa.stls, false);
 * ```
 */
export class Pop3Capabilities {
  readonly #entries: ReadonlyMap<string, readonly string[]>;

  /**
   * Wraps parsed capabilities.
   *
   * @param entries Upper-case capability names and their arguments.
   */
  constructor(entries: ReadonlyMap<string, readonly string[]> = new Map()) {
    this.#entries = entries;
  }

  /**
   * Parses the lines of a CAPA response (without the status line and the
   * terminating dot).
   *
   * @example Usage
   * ```ts
   * import { Pop3Capabilities } from "@portline/portline/pop3";
   * import assert from "node:assert/strict";
   *
   * const caps = Pop3Capabilities.parse(["TOP", "SASL PLAIN SCRAM-SHA-256", "PIPELINING"]);
   * assert.deepEqual(caps.names, ["TOP", "SASL", "PIPELINING"]);
   * ```
   *
   * @param lines The capability lines.
   * @returns The capabilities.
   */
  static parse(lines: readonly string[]): Pop3Capabilities {
    const entries = new Map<string, string[]>();
    for (const line of lines) {
      const words = line.trim().split(/\s+/).filter(Boolean);
      const name = words.shift();
      if (name === undefined) continue;
      entries.set(name.toUpperCase(), words);
    }
    return new Pop3Capabilities(entries);
  }

  /** The capability names, upper-case, in the server's order. */
  get names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Tells whether the server announced a capability.
   *
   * @example Usage
   * ```ts
   * import { Pop3Capabilities } from "@portline/portline/pop3";
   * import assert from "node:assert/strict";
   *
   * const caps = Pop3Capabilities.parse(["UIDL"]);
   * assert.equal(caps.has("uidl"), true);
   * assert.equal(caps.has("STLS"), false);
   * ```
   *
   * @param name The capability (any case).
   * @returns Whether it is present.
   */
  has(name: string): boolean {
    return this.#entries.has(name.toUpperCase());
  }

  /**
   * The arguments of a capability.
   *
   * @example Usage
   * ```ts
   * import { Pop3Capabilities } from "@portline/portline/pop3";
   * import assert from "node:assert/strict";
   *
   * const caps = Pop3Capabilities.parse(["SASL PLAIN CRAM-MD5", "TOP"]);
   * assert.deepEqual(caps.get("sasl"), ["PLAIN", "CRAM-MD5"]);
   * assert.deepEqual(caps.get("TOP"), []);
   * assert.equal(caps.get("STLS"), undefined);
   * ```
   *
   * @param name The capability (any case).
   * @returns Its arguments, or `undefined` when absent.
   */
  get(name: string): readonly string[] | undefined {
    return this.#entries.get(name.toUpperCase());
  }

  /** STLS (RFC 2595): the server can switch to TLS. */
  get stls(): boolean {
    return this.has("STLS");
  }

  /** PIPELINING (RFC 2449 §6.6): commands may be sent without waiting. */
  get pipelining(): boolean {
    return this.has("PIPELINING");
  }

  /** TOP is implemented. */
  get top(): boolean {
    return this.has("TOP");
  }

  /** UIDL is implemented. */
  get uidl(): boolean {
    return this.has("UIDL");
  }

  /** USER/PASS login is allowed. */
  get user(): boolean {
    return this.has("USER");
  }

  /** The SASL mechanisms (RFC 5034), upper-case; empty when none. */
  get sasl(): string[] {
    return (this.get("SASL") ?? []).map((name) => name.toUpperCase());
  }

  /** UTF8 (RFC 6856): the UTF8 command is available. */
  get utf8(): boolean {
    return this.has("UTF8");
  }

  /** RESP-CODES: `-ERR` replies may carry `[CODE]`s. */
  get respCodes(): boolean {
    return this.has("RESP-CODES");
  }

  /** AUTH-RESP-CODE (RFC 3206): the `[AUTH]` code is used. */
  get authRespCode(): boolean {
    return this.has("AUTH-RESP-CODE");
  }

  /** The server's IMPLEMENTATION string, if it sent one. */
  get implementation(): string | undefined {
    return this.get("IMPLEMENTATION")?.join(" ");
  }

  /** LOGIN-DELAY seconds between logins, if announced. */
  get loginDelay(): number | undefined {
    return digitCount(this.get("LOGIN-DELAY")?.[0]);
  }

  /**
   * EXPIRE policy: days messages are kept after retrieval, `"NEVER"`, or
   * `undefined` when not announced.
   */
  get expire(): number | "NEVER" | undefined {
    const value = this.get("EXPIRE")?.[0];
    if (value === undefined) return undefined;
    if (value.toUpperCase() === "NEVER") return "NEVER";
    return digitCount(value);
  }
}

/** A count of digits only (RFC 2449): `Number()` alone took "0x10", "1e3", "-5" and "". */
function digitCount(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
