// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { noSmtpExtensions, parseSmtpExtensions } from "../../protocols/smtp/mod.ts";

Deno.test("parseSmtpExtensions() reads every typed extension", () => {
  const ext = parseSmtpExtensions([
    "mx.example.org Hello [127.0.0.1]",
    "PIPELINING",
    "SIZE 10240000",
    "ETRN",
    "STARTTLS",
    "AUTH PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256",
    "AUTH=PLAIN LOGIN",
    "ENHANCEDSTATUSCODES",
    "8BITMIME",
    "DSN",
    "SMTPUTF8",
    "CHUNKING",
    "BINARYMIME",
    "REQUIRETLS",
  ]);
  assert.equal(ext.domain, "mx.example.org");
  assert.equal(ext.size, true);
  assert.equal(ext.maxSize, 10240000);
  assert.deepEqual(ext.auth, ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"]);
  for (
    const key of [
      "pipelining",
      "eightBitMime",
      "smtpUtf8",
      "dsn",
      "chunking",
      "binaryMime",
      "enhancedStatusCodes",
      "requireTls",
      "startTls",
    ] as const
  ) {
    assert.equal(ext[key], true, key);
  }
  assert.equal(ext.keywords.get("ETRN"), "");
});

Deno.test("parseSmtpExtensions() handles case, SIZE without limit and old AUTH= form", () => {
  const table: {
    title: string;
    lines: string[];
    check: (e: ReturnType<typeof parseSmtpExtensions>) => void;
  }[] = [
    {
      title: "lower-case keywords",
      lines: ["x", "pipelining", "auth plain"],
      check: (e) => {
        assert.equal(e.pipelining, true);
        assert.deepEqual(e.auth, ["PLAIN"]);
      },
    },
    {
      title: "SIZE without a number means no stated limit",
      lines: ["x", "SIZE"],
      check: (e) => {
        assert.equal(e.size, true);
        assert.equal(e.maxSize, undefined);
      },
    },
    {
      title: "SIZE 0 means no limit",
      lines: ["x", "SIZE 0"],
      check: (e) => assert.equal(e.maxSize, undefined),
    },
    {
      title: "AUTH=LOGIN only",
      lines: ["x", "AUTH=LOGIN PLAIN"],
      check: (e) => assert.deepEqual(e.auth, ["LOGIN", "PLAIN"]),
    },
    {
      title: "garbage lines are ignored",
      lines: ["x", "", "  ", "!!!"],
      check: (e) => assert.equal(e.keywords.size, 0),
    },
  ];
  for (const { title, lines, check } of table) {
    try {
      check(parseSmtpExtensions(lines));
    } catch (error) {
      throw new Error(title, { cause: error });
    }
  }
});

Deno.test("noSmtpExtensions() offers nothing", () => {
  const ext = noSmtpExtensions("old.example");
  assert.equal(ext.domain, "old.example");
  assert.equal(ext.pipelining || ext.chunking || ext.size || ext.auth.length > 0, false);
});
