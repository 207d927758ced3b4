// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  formatEprtArgument,
  formatFtpTime,
  formatPortArgument,
  parseEpsvReply,
  parseFeatReply,
  parseFtpTime,
  parsePasvReply,
  parsePortArgument,
  parsePwdReply,
} from "../../protocols/ftp/mod.ts";

Deno.test("parsePasvReply() reads the common 227 forms", () => {
  const cases: [string, { host: string; port: number } | null][] = [
    ["Entering Passive Mode (127,0,0,1,117,48).", { host: "127.0.0.1", port: 30000 }],
    ["Entering Passive Mode (10,0,0,5,4,1)", { host: "10.0.0.5", port: 1025 }],
    ["Entering Passive Mode 192,168,1,2,200,10", { host: "192.168.1.2", port: 51210 }],
    ["=127,0,0,1,0,21", { host: "127.0.0.1", port: 21 }],
    ["Entering Passive Mode (127, 0, 0, 1, 117, 48)", { host: "127.0.0.1", port: 30000 }],
    ["Entering Passive Mode (300,0,0,1,1,1)", null],
    ["Entering Passive Mode (127,0,0,1,0,0)", null],
    ["Passive mode refused", null],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parsePasvReply(text), expected, text);
});

Deno.test("parseEpsvReply() accepts any delimiter and rejects bad ports", () => {
  const cases: [string, number | null][] = [
    ["Entering Extended Passive Mode (|||6446|)", 6446],
    ["Entering Extended Passive Mode (!!!30000!)", 30000],
    ["EPSV ok (|||65535|)", 65535],
    ["Entering Extended Passive Mode (|||0|)", null],
    ["Entering Extended Passive Mode (|||70000|)", null],
    ["Entering Extended Passive Mode (||6446|)", null],
    ["no port", null],
  ];
  for (const [text, expected] of cases) assert.equal(parseEpsvReply(text), expected, text);
});

Deno.test("formatPortArgument() and formatEprtArgument() round-trip with parsePortArgument()", () => {
  const v4 = { host: "127.0.0.1", port: 30000 };
  assert.equal(formatPortArgument(v4), "127,0,0,1,117,48");
  assert.deepEqual(parsePortArgument(formatPortArgument(v4)), v4);
  assert.equal(formatEprtArgument(v4), "|1|127.0.0.1|30000|");
  assert.deepEqual(parsePortArgument(formatEprtArgument(v4)), v4);
  assert.equal(formatEprtArgument({ host: "::ffff:10.1.2.3", port: 21 }), "|1|10.1.2.3|21|");
  assert.equal(formatEprtArgument({ host: "fe80::1", port: 21 }), "|2|fe80::1|21|");
  assert.equal(formatPortArgument({ host: "::ffff:10.1.2.3", port: 21 }), "10,1,2,3,0,21");
  assert.throws(() => formatPortArgument({ host: "::1", port: 21 }), RangeError);
  assert.equal(parsePortArgument("|1|127.0.0.1|0|"), null);
  assert.equal(parsePortArgument("garbage"), null);
});

Deno.test("parsePwdReply() undoubles quotes and keeps spaces", () => {
  const cases: [string, string | null][] = [
    ['"/" is the current directory', "/"],
    ['"/home/user" is current directory.', "/home/user"],
    ['"/with space/x"', "/with space/x"],
    ['"/a ""quoted"" dir" created', '/a "quoted" dir'],
    ['"/ends with quote"""', '/ends with quote"'],
    ['"/é/日本"', "/é/日本"],
    ["MKD ok", null],
    ['"unterminated', null],
  ];
  for (const [text, expected] of cases) assert.equal(parsePwdReply(text), expected, text);
});

Deno.test("parseFeatReply() reads features and parameters", () => {
  const features = parseFeatReply([
    "Features:",
    " AUTH TLS",
    " EPSV",
    " MDTM",
    " MLST modify*;perm*;size*;type*;unique*;UNIX.mode;",
    " REST STREAM",
    " utf8",
    "End",
  ]);
  assert.equal(features.get("AUTH"), "TLS");
  assert.equal(features.get("EPSV"), "");
  assert.equal(features.get("MLST"), "modify*;perm*;size*;type*;unique*;UNIX.mode;");
  assert.equal(features.get("REST"), "STREAM");
  assert.equal(features.has("UTF8"), true);
  assert.equal(features.has("End"), false);
  assert.equal(parseFeatReply(["no features"]).size, 0);
});

Deno.test("parseFtpTime() and formatFtpTime() use RFC 3659 UTC times", () => {
  assert.equal(parseFtpTime("20240115103000")?.toISOString(), "2024-01-15T10:30:00.000Z");
  assert.equal(parseFtpTime("20240115103000.123")?.toISOString(), "2024-01-15T10:30:00.123Z");
  assert.equal(parseFtpTime(" 19991231235959 ")?.toISOString(), "1999-12-31T23:59:59.000Z");
  assert.equal(parseFtpTime("2024011510300"), undefined);
  assert.equal(parseFtpTime("x"), undefined);
  assert.equal(formatFtpTime(new Date("2003-04-05T06:07:08.900Z")), "20030405060708");
});
