// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { decodeMimeWords, encodeMimeWords } from "../../protocols/mail/mod.ts";

const ENCODE: {
  title: string;
  input: string;
  options?: Parameters<typeof encodeMimeWords>[1];
  expected: string;
}[] = [
  {
    title: "mostly ASCII: Q is shorter",
    input: "café au lait",
    expected: "=?utf-8?Q?caf=C3=A9_au_lait?=",
  },
  { title: "short word: B is shorter", input: "café", expected: "=?utf-8?B?Y2Fmw6k=?=" },
  { title: "CJK: B is shorter", input: "日本語", expected: "=?utf-8?B?5pel5pys6Kqe?=" },
  { title: "space becomes underscore", input: "a é", expected: "=?utf-8?Q?a_=C3=A9?=" },
  {
    title: "phrase-unsafe characters are escaped in Q",
    input: 'é"(),.:;<>@[]_?=',
    options: { encoding: "Q" },
    expected: "=?utf-8?Q?=C3=A9=22=28=29=2C=2E=3A=3B=3C=3E=40=5B=5D=5F=3F=3D?=",
  },
  {
    title: "forced B",
    input: "café",
    options: { encoding: "B" },
    expected: "=?utf-8?B?Y2Fmw6k=?=",
  },
  { title: "forced Q", input: "日", options: { encoding: "Q" }, expected: "=?utf-8?Q?=E6=97=A5?=" },
  { title: "empty", input: "", expected: "=?utf-8?Q??=" },
];

Deno.test("encodeMimeWords() encodes the table", () => {
  for (const { title, input, options, expected } of ENCODE) {
    assert.equal(encodeMimeWords(input, options), expected, title);
  }
});

Deno.test("encodeMimeWords() splits into words of at most 75 characters without cutting characters", () => {
  const samples = [
    "Ünïcödé ".repeat(30),
    "日本語のテキスト".repeat(20),
    "😀👍🏽 family: 👨‍👩‍👧‍👦 ".repeat(10),
    "x".repeat(200),
  ];
  for (const sample of samples) {
    for (const encoding of ["B", "Q", "auto"] as const) {
      for (const maxLength of [75, 40, 16]) {
        const encoded = encodeMimeWords(sample, { encoding, maxLength });
        const words = encoded.split(" ");
        for (const word of words) {
          assert.ok(word.length <= maxLength || /^=\?utf-8\?[BQ]\?[^?]{1,12}\?=$/.test(word), word);
          // Each word decodes on its own: no UTF-8 sequence is cut.
          assert.doesNotMatch(decodeMimeWords(word), /\uFFFD/);
        }
        assert.equal(decodeMimeWords(encoded), sample, `${encoding} ${maxLength}`);
      }
    }
  }
  assert.throws(() => encodeMimeWords("x", { maxLength: 76 }), RangeError);
});

const DECODE: { title: string; input: string; expected: string }[] = [
  { title: "no words", input: "hello =? world", expected: "hello =? world" },
  { title: "Q", input: "=?utf-8?Q?caf=C3=A9_au_lait?=", expected: "café au lait" },
  { title: "lowercase q and b", input: "=?UTF-8?q?a?= =?utf-8?b?Yg==?=", expected: "ab" },
  { title: "B without padding", input: "=?utf-8?B?Y2Fmw6k?=", expected: "café" },
  { title: "ISO-8859-1", input: "=?ISO-8859-1?Q?Caf=E9?=", expected: "Café" },
  { title: "Windows-1252", input: "=?windows-1252?Q?=80?=", expected: "€" },
  { title: "KOI8-R", input: "=?koi8-r?B?8NLJ18XU?=", expected: "Привет" },
  { title: "ISO-2022-JP", input: "=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", expected: "日本語" },
  { title: "Shift_JIS", input: "=?shift_jis?B?k/qWe4zq?=", expected: "日本語" },
  { title: "language suffix", input: "=?utf-8*en?Q?hi?=", expected: "hi" },
  {
    title: "white space between words dropped",
    input: "=?utf-8?Q?a?=  \r\n =?utf-8?Q?b?=",
    expected: "ab",
  },
  { title: "white space to text kept", input: "x =?utf-8?Q?a?= y", expected: "x a y" },
  {
    title: "split UTF-8 sequence joined",
    input: "=?utf-8?B?4oI=?= =?utf-8?B?rA==?=",
    expected: "€",
  },
  { title: "split Q sequence joined", input: "=?utf-8?Q?=E2=82?= =?utf-8?Q?=AC?=", expected: "€" },
  {
    title: "different charsets stay apart",
    input: "=?iso-8859-1?Q?=E9?= =?utf-8?Q?=C3=A9?=",
    expected: "éé",
  },
  {
    title: "unknown charset kept",
    input: "=?x-klingon?Q?abc?= x",
    expected: "=?x-klingon?Q?abc?= x",
  },
  { title: "not separated from text", input: "re:=?utf-8?Q?caf=C3=A9?=!", expected: "re:café!" },
];

Deno.test("decodeMimeWords() decodes the table", () => {
  for (const { title, input, expected } of DECODE) {
    assert.equal(decodeMimeWords(input), expected, title);
  }
});
