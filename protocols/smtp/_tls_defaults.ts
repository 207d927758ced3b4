// Copyright 2026 the portline authors. MIT license.
/**
 * Which port and TLS mode an SMTP client uses when the options leave them
 * out: the mode follows the port (465 is implicit TLS, RFC 8314) and the
 * port follows the mode. Pure; internal to the SMTP client.
 *
 * @module
 */
import { splitTlsSetting, type TlsMode, type TlsSetting } from "../_core/tls_mode.ts";

/** The options the defaults depend on. */
export interface SmtpTlsDefaultsInput {
  port?: number;
  path?: string;
  tls?: TlsSetting;
  lmtp?: boolean;
}

/**
 * The port to connect to: the given one, else 24 for LMTP, 465 for implicit
 * TLS and 587 (submission) otherwise.
 */
export function smtpDefaultPort(options: SmtpTlsDefaultsInput): number {
  if (options.port !== undefined) return options.port;
  if (options.lmtp) return 24;
  return splitTlsSetting(options.tls).mode === "implicit" ? 465 : 587;
}

/**
 * The TLS mode: the given one, else none over a Unix socket, implicit on
 * port 465 and STARTTLS (when offered) on any other port.
 */
export function smtpTlsMode(options: SmtpTlsDefaultsInput, port: number): TlsMode {
  const { mode } = splitTlsSetting(options.tls);
  if (mode !== undefined) return mode;
  if (options.path !== undefined) return "none";
  return port === 465 ? "implicit" : "starttls";
}
