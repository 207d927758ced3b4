// Copyright 2026 the portline authors. MIT license.
/**
 * The one way every client is told how to use TLS: a mode, or a mode plus
 * certificate options, in an option named `tls`. Each protocol decides only
 * its implicit-TLS port and what an unnamed mode means.
 *
 * @module
 */
import type { TlsOptions } from "./transport.ts";

/**
 * How a client uses TLS:
 * - `"implicit"`: TLS from the first byte (SMTPS 465, POP3S 995, FTPS 990,
 *   RFC 8314);
 * - `"starttls"`: a plain connection upgraded by the protocol's command
 *   (SMTP STARTTLS, POP3 STLS, FTP AUTH TLS); once named, required: the
 *   client fails rather than go on in clear text;
 * - `"none"`: no TLS.
 *
 * @example
 * ```ts
 * import type { TlsMode } from "@portline/portline/core";
 *
 * const mode: TlsMode = "starttls";
 * ```
 */
export type TlsMode = "implicit" | "starttls" | "none";

/**
 * A TLS mode with certificate options (a private CA, client certificate,
 * server name).
 *
 * @example
 * ```ts
 * import type { TlsModeOptions } from "@portline/portline/core";
 *
 * const tls: TlsModeOptions = { mode: "implicit", caCerts: ["-----BEGIN CERTIFICATE-----\n…"] };
 * ```
 */
export interface TlsModeOptions extends TlsOptions {
  /** The mode; when absent, the protocol's default for the port. */
  mode?: TlsMode;
}

/**
 * The `tls` option of every client: a mode, or a mode with certificate
 * options. Certificates are verified either way.
 *
 * @example
 * ```ts
 * import type { TlsSetting } from "@portline/portline/core";
 *
 * const settings: TlsSetting[] = ["implicit", { mode: "starttls", serverName: "mail.example" }, {}];
 * ```
 */
export type TlsSetting = TlsMode | TlsModeOptions;

/**
 * Splits a {@linkcode TlsSetting} into the named mode (if any) and the
 * certificate options, rejecting a misspelt mode.
 *
 * @param setting The caller's `tls` option.
 * @returns The mode (`undefined` when the caller left it to the protocol) and the options.
 * @throws {TypeError} When the mode is not one of `"implicit"`, `"starttls"`, `"none"`.
 *
 * @example
 * ```ts
 * import { splitTlsSetting } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(splitTlsSetting({ mode: "implicit", serverName: "a.example" }), {
 *   mode: "implicit",
 *   options: { serverName: "a.example" },
 * });
 * assert.deepEqual(splitTlsSetting(undefined), { mode: undefined, options: {} });
 * ```
 */
export function splitTlsSetting(
  setting: TlsSetting | undefined,
): { mode: TlsMode | undefined; options: TlsOptions } {
  let mode: TlsMode | undefined;
  let options: TlsOptions = {};
  if (typeof setting === "string") {
    mode = setting;
  } else if (setting !== undefined) {
    const { mode: named, ...rest } = setting;
    mode = named;
    options = rest;
  }
  if (mode !== undefined && mode !== "implicit" && mode !== "starttls" && mode !== "none") {
    throw new TypeError(
      `Unknown TLS mode ${JSON.stringify(mode)}: use "implicit", "starttls" or "none"`,
    );
  }
  return { mode, options };
}
