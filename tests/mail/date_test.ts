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

Deno.test("parseMailDate() gives no date for an out-of-range day or time", () => {
  // Rolled over before: "30 Feb" read as 1 Mar, "25:00" as the next day.
  for (
    const input of [
      "30 Feb 2024 10:00:00 +0000",
      "29 Feb 2023 10:00:00 +0000",
      "31 Apr 2024 10:00:00 +0000",
      "0 Jan 2024 10:00:00 +0000",
      "1 Jan 2024 24:00:00 +0000",
      "1 Jan 2024 10:60:00 +0000",
      "1 Jan 2024 10:00:61 +0000",
    ]
  ) {
    assert.equal(parseMailDate(input), undefined, input);
  }
  assert.equal(
    parseMailDate("29 Feb 2024 10:00:00 +0000")?.toISOString(),
    "2024-02-29T10:00:00.000Z",
  );
  assert.equal(
    parseMailDate("29 Feb 2000 10:00:00 +0000")?.toISOString(),
    "2000-02-29T10:00:00.000Z",
  );
  assert.equal(parseMailDate("29 Feb 1900 10:00:00 +0000"), undefined);
  // The leap second of RFC 5322 (23:59:60) is the next day's first second here.
  assert.equal(
    parseMailDate("31 Dec 2016 23:59:60 +0000")?.toISOString(),
    "2017-01-01T00:00:00.000Z",
  );
});

Deno.test("parseMailDate() reads an ISO date and time without a zone as UTC, whatever TZ is", () => {
  // Date.parse took these as the machine's local time.
  assert.equal(parseMailDate("2025-02-13T09:05:01")?.toISOString(), "2025-02-13T09:05:01.000Z");
  assert.equal(parseMailDate("2025-02-13 09:05")?.toISOString(), "2025-02-13T09:05:00.000Z");
  assert.equal(parseMailDate("2025-02-13T09:05:01.25")?.toISOString(), "2025-02-13T09:05:01.250Z");
  assert.equal(
    parseMailDate("2025-02-13T09:05:01+02:00")?.toISOString(),
    "2025-02-13T07:05:01.000Z",
  );
});
