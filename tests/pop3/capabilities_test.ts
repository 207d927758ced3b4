// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { Pop3Capabilities } from "../../protocols/pop3/mod.ts";

// dovecot 2.3's answer before login, as seen on the wire.
const DOVECOT = [
  "CAPA",
  "TOP",
  "UIDL",
  "RESP-CODES",
  "PIPELINING",
  "AUTH-RESP-CODE",
  "STLS",
  "USER",
  "SASL PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256",
];

Deno.test("Pop3Capabilities.parse() reads dovecot's CAPA", () => {
  const capa = Pop3Capabilities.parse(DOVECOT);
  assert.equal(capa.stls, true);
  assert.equal(capa.pipelining, true);
  assert.equal(capa.top, true);
  assert.equal(capa.uidl, true);
  assert.equal(capa.user, true);
  assert.equal(capa.respCodes, true);
  assert.equal(capa.authRespCode, true);
  assert.equal(capa.utf8, false);
  assert.deepEqual(capa.sasl, [
    "PLAIN",
    "LOGIN",
    "CRAM-MD5",
    "DIGEST-MD5",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
  ]);
  assert.deepEqual(capa.names, DOVECOT.map((line) => line.split(" ")[0]));
});

Deno.test("Pop3Capabilities.parse() reads the RFC 2449 example and arguments", () => {
  const capa = Pop3Capabilities.parse([
    "TOP",
    "USER",
    "SASL CRAM-MD5 KERBEROS_V4",
    "RESP-CODES",
    "LOGIN-DELAY 900",
    "PIPELINING",
    "EXPIRE 60",
    "UIDL",
    "IMPLEMENTATION Shlemazle-Plotz-v302",
    "utf8 USER",
  ]);
  assert.equal(capa.loginDelay, 900);
  assert.equal(capa.expire, 60);
  assert.equal(capa.implementation, "Shlemazle-Plotz-v302");
  assert.equal(capa.utf8, true);
  assert.deepEqual(capa.get("UTF8"), ["USER"]);
  assert.equal(capa.has("kerberos_v4"), false);
});

Deno.test("Pop3Capabilities handles EXPIRE NEVER, blanks and absence", () => {
  const capa = Pop3Capabilities.parse(["EXPIRE NEVER", "", "   ", "  TOP  "]);
  assert.equal(capa.expire, "NEVER");
  assert.equal(capa.top, true);
  assert.deepEqual(capa.names, ["EXPIRE", "TOP"]);
  const empty = new Pop3Capabilities();
  assert.equal(empty.expire, undefined);
  assert.equal(empty.loginDelay, undefined);
  assert.deepEqual(empty.sasl, []);
  assert.equal(empty.get("SASL"), undefined);
});

Deno.test("Pop3Capabilities reads LOGIN-DELAY and EXPIRE as digits only", () => {
  // Number() took "0x10" as 16, "1e3" as 1000 and "-5" as -5.
  for (const word of ["0x10", "1e3", "-5", "1.5", "Infinity"]) {
    const capa = Pop3Capabilities.parse([`LOGIN-DELAY ${word}`, `EXPIRE ${word}`]);
    assert.equal(capa.loginDelay, undefined, word);
    assert.equal(capa.expire, undefined, word);
  }
  const capa = Pop3Capabilities.parse(["LOGIN-DELAY 0", "EXPIRE 0 USER"]);
  assert.equal(capa.loginDelay, 0);
  assert.equal(capa.expire, 0);
});
