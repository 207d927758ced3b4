// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";
import {
  decodeXtext,
  encodeXtext,
  formatMailFrom,
  formatOriginalRecipient,
  formatRcptTo,
  normalizeSmtpAddress,
  parseSmtpPath,
} from "../../protocols/smtp/mod.ts";

Deno.test("encodeXtext() and decodeXtext() round-trip", () => {
  const table = [
    ["plain", "plain"],
    ["a+b", "a+2Bb"],
    ["a=b", "a+3Db"],
    ["sp ace", "sp+20ace"],
    ["ü", "+C3+BC"],
    ["tab\t", "tab+09"],
  ];
  for (const [text, xtext] of table) {
    assert.equal(encodeXtext(text!), xtext);
    assert.equal(decodeXtext(xtext!), text);
  }
  assert.throws(() => decodeXtext("a+4"), SyntaxError);
});

Deno.test("formatMailFrom() adds every parameter", () => {
  assert.equal(formatMailFrom(""), "MAIL FROM:<>");
  assert.equal(
    formatMailFrom("<ann@example.org>", {
      size: 10,
      body: "8BITMIME",
      smtpUtf8: true,
      requireTls: true,
      ret: "full",
      envelopeId: "QQ314159 +x",
    }),
    "MAIL FROM:<ann@example.org> SIZE=10 BODY=8BITMIME SMTPUTF8 REQUIRETLS RET=FULL ENVID=QQ314159+20+2Bx",
  );
  assert.throws(() => formatMailFrom("a@b", { size: -1 }), InvalidArgumentError);
});

Deno.test("formatRcptTo() adds NOTIFY and ORCPT", () => {
  assert.equal(formatRcptTo("bob@example.org"), "RCPT TO:<bob@example.org>");
  assert.equal(
    formatRcptTo("bob@example.org", { notify: "never" }),
    "RCPT TO:<bob@example.org> NOTIFY=NEVER",
  );
  assert.equal(
    formatRcptTo("bob@example.org", { notify: ["success", "failure", "success"] }),
    "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE",
  );
  assert.equal(
    formatRcptTo("jörg@example.org", { originalRecipient: "jörg@example.org" }),
    "RCPT TO:<jörg@example.org> ORCPT=utf-8;j\\x{F6}rg@example.org",
  );
  assert.equal(formatOriginalRecipient("a=b@x"), "rfc822;a+3Db@x");
  assert.throws(() => formatRcptTo("bob@example.org", { notify: [] }), InvalidArgumentError);
});

Deno.test("normalizeSmtpAddress() refuses CR/LF injection and odd addresses", () => {
  const bad = [
    "a@b>\r\nRCPT TO:<evil@x>",
    "a@b\nDATA",
    "a@b\0",
    "a b@c",
    "Ann <ann@example.org>",
    "<a@b",
    "",
  ];
  for (const address of bad) {
    assert.throws(
      () => normalizeSmtpAddress(address),
      InvalidArgumentError,
      JSON.stringify(address),
    );
  }
  assert.equal(normalizeSmtpAddress('"john doe"@example.org'), '"john doe"@example.org');
  assert.equal(normalizeSmtpAddress(" <a@b> "), "a@b");
  assert.equal(normalizeSmtpAddress("<>", "sender", true), "");
  assert.equal(normalizeSmtpAddress("postmaster"), "postmaster");
});

Deno.test("parseSmtpPath() reads addresses and parameters", () => {
  const table: [string, string | null, Record<string, string>][] = [
    ["<a@b>", "a@b", {}],
    ["<>", "", {}],
    [" <a@b> size=12 body=8BITMIME SMTPUTF8", "a@b", {
      SIZE: "12",
      BODY: "8BITMIME",
      SMTPUTF8: "",
    }],
    ["<@relay.example:a@b>", "a@b", {}],
    ["a@b", null, {}],
    ["<a@b", null, {}],
    ["<a@b> =x", null, {}],
  ];
  for (const [input, address, params] of table) {
    const path = parseSmtpPath(input);
    if (address === null) {
      assert.equal(path, null, input);
      continue;
    }
    assert.equal(path?.address, address, input);
    assert.deepEqual(Object.fromEntries(path!.params), params, input);
  }
});
