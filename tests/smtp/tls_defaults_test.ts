// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { smtpDefaultPort, smtpTlsMode } from "../../protocols/smtp/_tls_defaults.ts";
import type { SmtpTlsDefaultsInput } from "../../protocols/smtp/_tls_defaults.ts";

const cases: { title: string; options: SmtpTlsDefaultsInput; port: number; mode: string }[] = [
  { title: "nothing given: submission with STARTTLS", options: {}, port: 587, mode: "starttls" },
  { title: "port 465: implicit TLS", options: { port: 465 }, port: 465, mode: "implicit" },
  { title: "port 25: STARTTLS", options: { port: 25 }, port: 25, mode: "starttls" },
  { title: "implicit named: port 465", options: { tls: "implicit" }, port: 465, mode: "implicit" },
  {
    title: "implicit inside TLS options",
    options: { tls: { mode: "implicit", caCerts: ["x"] } },
    port: 465,
    mode: "implicit",
  },
  {
    title: "TLS options without a mode: the port decides",
    options: { tls: { caCerts: ["x"] }, port: 465 },
    port: 465,
    mode: "implicit",
  },
  {
    title: "a mode named beats the port",
    options: { tls: "starttls", port: 465 },
    port: 465,
    mode: "starttls",
  },
  { title: "none on 465 stays none", options: { tls: "none", port: 465 }, port: 465, mode: "none" },
  { title: "LMTP: port 24", options: { lmtp: true }, port: 24, mode: "starttls" },
  { title: "a Unix socket: no TLS", options: { path: "/run/lmtp" }, port: 587, mode: "none" },
  {
    title: "a Unix socket with a mode named",
    options: { path: "/run/lmtp", tls: "starttls" },
    port: 587,
    mode: "starttls",
  },
];

for (const { title, options, port, mode } of cases) {
  Deno.test(`smtpDefaultPort() and smtpTlsMode(): ${title}`, () => {
    const chosen = smtpDefaultPort(options);
    assert.equal(chosen, port);
    assert.equal(smtpTlsMode(options, chosen), mode);
  });
}
