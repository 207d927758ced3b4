// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  decodeMimeWords,
  formatMailHeader,
  MailHeaders,
  parseMailHeaders,
  unfoldMailHeader,
} from "../../protocols/mail/mod.ts";
import { InvalidArgumentError, LimitError } from "../../protocols/_core/mod.ts";

function unfoldValue(field: string): string {
  const unfolded = unfoldMailHeader(field);
  return unfolded.slice(unfolded.indexOf(":") + 1).trim();
}

const FORMAT: {
  title: string;
  name: string;
  value: string;
  unstructured?: boolean;
  utf8?: boolean;
  expected: string;
}[] = [
  {
    title: "short",
    name: "Subject",
    value: "hello",
    unstructured: true,
    expected: "Subject: hello\r\n",
  },
  { title: "empty", name: "Subject", value: "", unstructured: true, expected: "Subject:\r\n" },
  {
    title: "only non-ASCII words are encoded",
    name: "Subject",
    value: "Grüße aus Köln",
    unstructured: true,
    expected: "Subject: =?utf-8?B?R3LDvMOfZQ==?= aus =?utf-8?B?S8O2bG4=?=\r\n",
  },
  {
    title: "adjacent non-ASCII words share a word",
    name: "Subject",
    value: "Re: über René Descartes x",
    unstructured: true,
    expected: "Subject: Re: =?utf-8?B?w7xiZXIgUmVuw6k=?= Descartes x\r\n",
  },
  {
    title: "ASCII that looks like an encoded-word is encoded",
    name: "Subject",
    value: "see =?utf-8?Q?x?=",
    unstructured: true,
    expected: "Subject: see =?utf-8?B?PT91dGYtOD9RP3g/PQ==?=\r\n",
  },
  {
    title: "raw UTF-8 when asked",
    name: "Subject",
    value: "Grüße",
    unstructured: true,
    utf8: true,
    expected: "Subject: Grüße\r\n",
  },
  {
    title: "structured folds at spaces",
    name: "To",
    value:
      "aaaaaaaaaaaaaaaaaaaa@example.org, bbbbbbbbbbbbbbbbbbbb@example.org, cccccccccc@example.org",
    expected:
      "To: aaaaaaaaaaaaaaaaaaaa@example.org, bbbbbbbbbbbbbbbbbbbb@example.org,\r\n cccccccccc@example.org\r\n",
  },
  {
    title: "a long word stays whole",
    name: "References",
    value: "<" + "x".repeat(90) + "@example.org>",
    expected: "References: <" + "x".repeat(90) + "@example.org>\r\n",
  },
];

Deno.test("formatMailHeader() formats the table", () => {
  for (const { title, name, value, unstructured, utf8, expected } of FORMAT) {
    assert.equal(formatMailHeader(name, value, { unstructured, utf8 }), expected, title);
  }
});

Deno.test("formatMailHeader() keeps lines within 78 and round-trips unstructured text", () => {
  const samples = [
    "Grüße aus Köln — ein sehr langer Betreff mit vielen Wörtern, damit gefaltet werden muss",
    "日本語のテキスト".repeat(12),
    "Ünïcödé ".repeat(25).trim(),
    "mixed ascii words and ünïcödé words, ".repeat(6).trim(),
    "x".repeat(60) + " é " + "y".repeat(70),
    "tabs\tand  double  spaces kept é",
  ];
  for (const value of samples) {
    for (const name of ["Subject", "X-A-Rather-Long-Header-Name-For-Testing"]) {
      const field = formatMailHeader(name, value, { unstructured: true });
      assert.ok(field.endsWith("\r\n"));
      const lines = field.slice(0, -2).split("\r\n");
      for (const line of lines) {
        // Only a single unbreakable word may overflow.
        const words = line.replace(/^[!-9;-~]+:/, "").trim().split(/[ \t]+/);
        assert.ok(line.length <= 78 || words.length === 1, `${line.length}: ${line}`);
        assert.match(line, /^[\x20-\x7e\t]+$/);
      }
      for (const line of lines.slice(1)) assert.match(line, /^[ \t]/);
      for (const word of field.match(/=\?[^ ]*\?=/g) ?? []) assert.ok(word.length <= 75);
      assert.equal(decodeMimeWords(unfoldValue(field)), value, value);
    }
  }
});

Deno.test("formatMailHeader() encodes an over-long unstructured word instead of breaking the 998 limit", () => {
  const value = "x".repeat(2000);
  const field = formatMailHeader("Subject", value, { unstructured: true });
  assert.ok(field.split("\r\n").every((line) => line.length <= 78));
  assert.equal(decodeMimeWords(unfoldValue(field)), value);
  assert.throws(() => formatMailHeader("X-Id", "x".repeat(1000)), InvalidArgumentError);
});

Deno.test("formatMailHeader() refuses header injection and bad names", () => {
  for (const value of ["a\r\nBcc: x@y", "a\nb", "a\rb", "a\0b"]) {
    assert.throws(
      () => formatMailHeader("Subject", value, { unstructured: true }),
      InvalidArgumentError,
    );
  }
  for (const name of ["Bad Name", "Colon:", "", "Ü"]) {
    assert.throws(() => formatMailHeader(name, "x"), InvalidArgumentError);
  }
  assert.throws(() => formatMailHeader("To", "Jörg <j@example.org>"), InvalidArgumentError);
});

Deno.test("unfoldMailHeader() removes folds only", () => {
  assert.equal(unfoldMailHeader("a\r\n b"), "a b");
  assert.equal(unfoldMailHeader("a\n\tb"), "a\tb");
  assert.equal(unfoldMailHeader("a\r\n"), "a");
});

Deno.test("parseMailHeaders() unfolds, decodes and keeps order", () => {
  const headers = parseMailHeaders(
    "From mbox line\r\n" +
      "Received: one\r\n" +
      "Subject: =?utf-8?Q?caf=C3=A9?=\r\n =?utf-8?Q?_au_lait?=\r\n" +
      "received: two\n" +
      "X-Raw: Grüße\r\n" +
      "X-Empty:\r\n" +
      "Key : spaced name\r\n" +
      "\r\n" +
      "Body: not a header\r\n",
  );
  assert.equal(headers.get("subject"), "café au lait");
  assert.equal(headers.getRaw("Subject"), "=?utf-8?Q?caf=C3=A9?= =?utf-8?Q?_au_lait?=");
  assert.deepEqual(headers.getAll("RECEIVED"), ["one", "two"]);
  assert.equal(headers.get("x-raw"), "Grüße");
  assert.equal(headers.get("x-empty"), "");
  assert.equal(headers.get("key"), "spaced name");
  assert.equal(headers.has("body"), false);
  assert.equal(headers.size, 6);
  assert.deepEqual([...headers].map(([name]) => name), [
    "Received",
    "Subject",
    "received",
    "X-Raw",
    "X-Empty",
    "Key",
  ]);
});

Deno.test("parseMailHeaders() reads Latin-1 bytes when they are not UTF-8", () => {
  const bytes = new Uint8Array([...new TextEncoder().encode("Subject: caf"), 0xe9, 13, 10, 13, 10]);
  assert.equal(parseMailHeaders(bytes).get("subject"), "café");
});

Deno.test("parseMailHeaders() ends the header at a line that is not a field", () => {
  const headers = parseMailHeaders("Subject: x\r\nthis is body text\r\nTo: y\r\n");
  assert.equal(headers.size, 1);
});

Deno.test("parseMailHeaders() enforces its limits", () => {
  const many = "X: y\r\n".repeat(11) + "\r\n";
  assert.throws(() => parseMailHeaders(many, { maxHeaders: 10 }), LimitError);
  assert.equal(parseMailHeaders(many, { maxHeaders: 11 }).size, 11);
  assert.throws(
    () => parseMailHeaders("X: " + "y".repeat(5000) + "\r\nZ: 1\r\n", { maxHeaderBytes: 1000 }),
    LimitError,
  );
});

Deno.test("MailHeaders.raw() returns the fields as written", () => {
  const headers = new MailHeaders([["A", "=?utf-8?Q?x?="]]);
  assert.deepEqual(headers.raw(), [["A", "=?utf-8?Q?x?="]]);
  assert.deepEqual(headers.getAllRaw("a"), ["=?utf-8?Q?x?="]);
  assert.equal(headers.get("b"), undefined);
  assert.equal(headers.getRaw("b"), undefined);
});
