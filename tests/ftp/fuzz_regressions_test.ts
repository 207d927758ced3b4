// Copyright 2026 the portline authors. MIT license.
// The smallest inputs of the bugs the FTP fuzz tests found, one test each.
import assert from "../_assert.ts";
import {
  FTP_LIST_DOS,
  FTP_LIST_EPLF,
  FTP_LIST_UNIX,
  FtpAsciiDecoder,
  FtpReplyError,
  parseFeatReply,
  parseFtpTime,
  parseList,
  parseMlsdLine,
  parseMlsdList,
  parsePasvReply,
  parsePortArgument,
} from "../../protocols/ftp/mod.ts";
import { withHostileServer } from "./_hostile.ts";

const now = new Date("2024-06-01T12:00:00Z");

Deno.test("FTP_LIST_UNIX gives no date for a day or time out of range (was rolled over)", () => {
  // "Sep 31" was October 1st; "Apr 34" May 4th.
  const sep31 = FTP_LIST_UNIX.parse("-rw-r--r-- 1 a b 1 Sep 31 10:00 f", { now });
  assert.equal(sep31?.name, "f");
  assert.equal(sep31?.modifiedAt, undefined);
  assert.equal(
    FTP_LIST_UNIX.parse("-rw-r--r-- 1 a b 1 Jan 15 24:00 f", { now })?.modifiedAt,
    undefined,
  );
  assert.equal(
    FTP_LIST_UNIX.parse("-rw-r--r-- 1 a b 1 Feb 30  2024 f", { now })?.modifiedAt,
    undefined,
  );
  assert.equal(
    FTP_LIST_UNIX.parse("-rw-r--r-- 1 a b 1 2024-13-01 10:00 f", { now })?.modifiedAt,
    undefined,
  );
  // Feb 29 of a leap year is a day; without a year it is the last leap year's.
  assert.equal(
    FTP_LIST_UNIX.parse("-rw-r--r-- 1 a b 1 Feb 29 10:00 f", { now })?.modifiedAt?.toISOString(),
    "2024-02-29T10:00:00.000Z",
  );
  assert.equal(
    FTP_LIST_UNIX.parse("-rw-r--r-- 1 a b 1 Feb 29 10:00 f", {
      now: new Date("2025-01-10T00:00:00Z"),
    })?.modifiedAt?.toISOString(),
    "2024-02-29T10:00:00.000Z",
  );
});

Deno.test("FTP_LIST_DOS gives no date for a day or hour out of range (was rolled over)", () => {
  assert.equal(FTP_LIST_DOS.parse("02-30-24  10:30AM  5 f", { now })?.modifiedAt, undefined);
  assert.equal(FTP_LIST_DOS.parse("13-01-24  10:30AM  5 f", { now })?.modifiedAt, undefined);
  // "25:00" was 01:00 (hour % 24).
  const late = FTP_LIST_DOS.parse("01-15-24  25:00  5 f", { now });
  assert.equal(late?.size, 5);
  assert.equal(late?.modifiedAt, undefined);
});

Deno.test("LIST and MLSD sizes beyond Number.MAX_SAFE_INTEGER are left out (were rounded or Infinity)", () => {
  const digits = "99999999999999999999";
  assert.equal(
    FTP_LIST_UNIX.parse(`-rw-r--r-- 1 a b ${digits} Jan 15 10:30 f`, { now })?.size,
    undefined,
  );
  assert.equal(FTP_LIST_DOS.parse(`01-15-24  10:30AM  ${digits} f`, { now })?.size, undefined);
  assert.equal(FTP_LIST_EPLF.parse(`+s${digits},r,\tf`, { now })?.size, undefined);
  assert.equal(parseMlsdLine(`type=file;size=${digits}; f`)?.size, undefined);
  assert.equal(FTP_LIST_EPLF.parse(`+s${"9".repeat(400)},r,\tf`, { now })?.size, undefined);
  // The largest safe size still counts.
  assert.equal(parseMlsdLine("type=file;size=9007199254740991; f")?.size, 9007199254740991);
});

Deno.test("FTP_LIST_EPLF gives no date for a time beyond what Date holds (was Invalid Date)", () => {
  const entry = FTP_LIST_EPLF.parse("+m99999999999999999999,r,\tf", { now });
  assert.equal(entry?.name, "f");
  assert.equal(entry?.modifiedAt, undefined);
});

Deno.test("FTP_LIST_EPLF keeps mode bits within 0o7777 (a long octal was any number)", () => {
  assert.equal(FTP_LIST_EPLF.parse("+up77777777777777777777,r,\tf", { now })?.mode, undefined);
  assert.equal(FTP_LIST_EPLF.parse("+up100644,r,\tf", { now })?.mode, 0o644);
});

Deno.test("parseMlsdList() leaves out . and .. whatever their type fact (were listed)", () => {
  assert.deepEqual(parseMlsdList("; .\r\ntype=dir; ..\r\ntype=file; a\r\n").map((e) => e.name), [
    "a",
  ]);
});

Deno.test("FTP_LIST_EPLF leaves out . and .. (were listed as directories)", () => {
  assert.equal(FTP_LIST_EPLF.parse("+/,\t..", { now }), null);
  assert.equal(FTP_LIST_EPLF.parse("+/,\t.", { now }), null);
  assert.deepEqual(parseList("+/,\t..\r\n+r,\ta\r\n", { now }).map((e) => e.name), ["a"]);
});

Deno.test('FTP_LIST_UNIX gives no entry for a symbolic link without a name (was name "")', () => {
  assert.equal(FTP_LIST_UNIX.parse("lrwxrwxrwx 1 0 0 7 Jan 15 10:30  -> x", { now }), null);
  // A link named " " still is one.
  const blank = FTP_LIST_UNIX.parse("lrwxrwxrwx 1 0 0 7 Jan 15 10:30   -> x", { now });
  assert.deepEqual([blank?.name, blank?.target], [" ", "x"]);
});

Deno.test("parseFtpTime() refuses out-of-range fields and keeps years 0-99 (were rolled over, 19xx)", () => {
  assert.equal(parseFtpTime("20241301000000"), undefined);
  assert.equal(parseFtpTime("20240115246000"), undefined);
  assert.equal(parseFtpTime("20230229000000"), undefined);
  assert.equal(parseFtpTime("20240229000000")?.toISOString(), "2024-02-29T00:00:00.000Z");
  assert.equal(parseFtpTime("00500101000000")?.getUTCFullYear(), 50);
  // A leap second is allowed.
  assert.equal(parseFtpTime("19981231235960")?.toISOString(), "1999-01-01T00:00:00.000Z");
});

Deno.test("parsePasvReply() refuses numbers over 255 instead of reading part of them", () => {
  // Was { host: "0.0.0.1", port: 30000 }: the match began inside "1000".
  assert.equal(parsePasvReply("(1000,0,0,1,117,48)"), null);
  assert.equal(parsePasvReply("(127,0,0,1,117,2550)"), null);
  assert.equal(parsePortArgument("1000,0,0,1,117,48"), null);
});

Deno.test("parsePortArgument() checks the EPRT address against its family", () => {
  assert.equal(parsePortArgument("|1|127.0.0.199999|30000|"), null);
  assert.equal(parsePortArgument("|1|::1|30000|"), null);
  assert.equal(parsePortArgument("|2|127.0.0.1|30000|"), null);
  assert.deepEqual(parsePortArgument("|2|::1|30000|"), { host: "::1", port: 30000 });
});

Deno.test("parseFeatReply() ends a feature name at any blank (a tab was part of it)", () => {
  const features = parseFeatReply(["Features:", " AUTH\tTLS", "End"]);
  assert.equal(features.get("AUTH"), "TLS");
});

Deno.test("FtpAsciiDecoder holds a CR across an empty chunk (it was let out as a lone CR)", () => {
  const decoder = new FtpAsciiDecoder();
  const out = [
    ...decoder.push(new Uint8Array([97, 13])),
    ...decoder.push(new Uint8Array(0)),
    ...decoder.push(new Uint8Array([10])),
    ...decoder.end(),
  ];
  assert.deepEqual(out, [97, 10]);
});

Deno.test("FTP_LIST_DOS is linear in a long run of blanks (was quadratic)", () => {
  // 300 000 blanks took minutes with "\s*([AaPp][Mm])?\s+"; now milliseconds.
  const line = "01-01-24 10:30" + " ".repeat(300_000) + "x";
  assert.deepEqual(parseList(line, { now }), []);
});

Deno.test("FtpClient.size() rejects a SIZE reply without digits (was 0, -1, 16)", async () => {
  for (const text of ["", "-1", "0x10", "1e3"]) {
    await withHostileServer({ replies: { SIZE: `213 ${text}\r\n` } }, async (client) => {
      await assert.rejects(client.size("f"), FtpReplyError, JSON.stringify(text));
    }, 5000);
  }
  await withHostileServer({ replies: { SIZE: "213 007\r\n" } }, async (client) => {
    assert.equal(await client.size("f"), 7);
  }, 5000);
});

Deno.test("FtpClient ignores an announced transfer size beyond safe integers (was Infinity, refused)", async () => {
  const totals: (number | undefined)[] = [];
  await withHostileServer({
    replies: { "150": `150 Opening (${"9".repeat(400)} bytes)\r\n` },
    data: new TextEncoder().encode("abc"),
  }, async (client) => {
    const bytes = await client.downloadBytes("f", {
      maxBytes: 10,
      onProgress: (progress) => totals.push(progress.totalBytes),
    });
    assert.deepEqual(bytes, new TextEncoder().encode("abc"));
  }, 5000);
  assert.ok(totals.every((total) => total === undefined), String(totals));
});
