// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { formatMailDate, parseMailDate } from "../../protocols/mail/mod.ts";

const PARSE: { input: string; expected: string | undefined }[] = [
  { input: "Tue, 01 Jul 2003 10:52:37 +0200", expected: "2003-07-01T08:52:37.000Z" },
  { input: "Tue, 1 Jul 2003 10:52:37 -0130", expected: "2003-07-01T12:22:37.000Z" },
  { input: "1 Jul 2003 10:52:37 +0000", expected: "2003-07-01T10:52:37.000Z" },
  { input: "Tue, 1 Jul 2003 10:52 GMT", expected: "2003-07-01T10:52:00.000Z" },
  { input: "1 Jul 03 10:52:37 EDT", expected: "2003-07-01T14:52:37.000Z" },
  { input: "1 Jul 99 10:52:37 PST", expected: "1999-07-01T18:52:37.000Z" },
  { input: "1 Jul 103 10:52:37 UT", expected: "2003-07-01T10:52:37.000Z" },
  { input: "Thu, 13 Feb 2025 09:05:01 +0100 (CET)", expected: "2025-02-13T08:05:01.000Z" },
  { input: "Thursday, 13-Feb-2025 09:05:01 Z", expected: "2025-02-13T09:05:01.000Z" },
  { input: "13 February 2025 09:05:01 +01:00", expected: "2025-02-13T08:05:01.000Z" },
  { input: "2025-02-13T09:05:01Z", expected: "2025-02-13T09:05:01.000Z" },
  { input: "garbage", expected: undefined },
  { input: "", expected: undefined },
];

Deno.test("parseMailDate() reads the table", () => {
  for (const { input, expected } of PARSE) {
    assert.equal(parseMailDate(input)?.toISOString(), expected, input);
  }
});

Deno.test("formatMailDate() writes RFC 5322 dates that read back", () => {
  for (const time of [0, 1e12, 1.7e12, Date.UTC(2024, 1, 29, 23, 59, 59)]) {
    const text = formatMailDate(new Date(time));
    assert.match(
      text,
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/,
    );
    assert.equal(parseMailDate(text)?.getTime(), Math.floor(time / 1000) * 1000);
  }
  assert.throws(() => formatMailDate(new Date(NaN)), RangeError);
});

Deno.test("parseMailDate() stays fast on hostile input", () => {
  assert.equal(parseMailDate("1" + " ".repeat(100_000) + "x"), undefined);
  assert.equal(parseMailDate("Mon, " + "1 ".repeat(50_000)), undefined);
});

Deno.test("parseMailDate() falls back to Date.parse only for dated times", () => {
  assert.equal(parseMailDate("1"), undefined);
  assert.equal(parseMailDate("2025"), undefined);
  assert.equal(
    parseMailDate("Thu Feb 13 2025 09:05:01 GMT+0100")?.toISOString(),
    "2025-02-13T08:05:01.000Z",
  );
});
