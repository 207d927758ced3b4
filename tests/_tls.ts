// Copyright 2026 the portline authors. MIT license.
// Test TLS material: a small CA and a leaf for localhost/127.0.0.1 it signs
// (Deno rejects a self-signed certificate used directly by a server).
import { readFileSync } from "node:fs";

function read(name: string): string {
  return readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");
}

/** The CA certificate that signed the test server certificate. */
export const CA_CERT: string = read("ca.pem");
/** The server certificate (localhost, 127.0.0.1, ::1). */
export const SERVER_CERT: string = read("cert.pem");
/** The server certificate's private key. */
export const SERVER_KEY: string = read("key.pem");
/** Server TLS options for listen() and startTlsServer(). */
export const SERVER_TLS: { cert: string; key: string } = { cert: SERVER_CERT, key: SERVER_KEY };
