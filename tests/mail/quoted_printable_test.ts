// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { decodeQuotedPrintable, encodeQuotedPrintable } from "../../protocols/mail/mod.ts";

const dec = new TextDecoder();

const ENCODE: { title: string; input: string; expected: string }[] = [
  { title: "plain ASCII", input: "hello world", expected: "hello world" },
  { title: "equals sign", input: "a=b", expected: "a=3Db" },
  { title: "UTF-8", input: "Grüße", expected: "Gr=C3=BC=C3=9Fe" },
  { title: "trailing space", input: "end \n", expected: "end=20\r\n" },
  { title: "trailing tab at end of text", input: "end\t", expected: "end=09" },
  { title: "bare LF becomes CRLF", input: "a\nb\r\nc\rd", expected: "a\r\nb\r\nc\r\nd" },
  { title: "leading dot", input: ".\n.x", expected: "=2E\r\n=2Ex" },
  { title: "mbox From line", input: "From me\nFrom", expected: "=46rom me\r\nFrom" },
  { title: "control characters", input: "a\x00\x7f", expected: "a=00=7F" },
  {
    title: "soft break at 76",
    input: "x".repeat(76),
    expected: "x".repeat(76),
  },
  {
    title: "soft break when longer",
    input: "x".repeat(77),
    expected: "x".repeat(75) + "=\r\nxx",
  },
  {
    title: "escape never split",
    input: "x".repeat(74) + "é",
    expected: "x".repeat(74) + "=\r\n=C3=A9",
  },
];

Deno.test("encodeQuotedPrintable() encodes the table", () => {
  for (const { title, input, expected } of ENCODE) {
    assert.equal(encodeQuotedPrintable(input), expected, title);
  }
});

Deno.test("encodeQuotedPrintable() keeps every line within the limit and round-trips", () => {
  const samples = [
    "Zürich, Genève, Köln — ".repeat(20),
    "日本語のテキスト".repeat(30) + "\n" + "a = b ".repeat(40),
    "x".repeat(300) + " \n\t\n" + "é".repeat(100),
    Array.from({ length: 500 }, (_, i) => String.fromCodePoint(32 + ((i * 37) % 2000))).join(""),
  ];
  for (const sample of samples) {
    for (const lineLength of [76, 20]) {
      const encoded = encodeQuotedPrintable(sample, { lineLength });
      for (const line of encoded.split("\r\n")) {
        assert.ok(line.length <= lineLength, `${line.length} > ${lineLength}`);
        assert.doesNotMatch(line, /[ \t]$/);
        assert.match(line, /^[\x21-\x7e \t]*$/);
      }
      assert.equal(
        dec.decode(decodeQuotedPrintable(encoded)),
        sample.replace(/\r\n|\r|\n/g, "\r\n"),
      );
    }
  }
});

Deno.test("encodeQuotedPrintable() in binary mode encodes line ends", () => {
  const bytes = new Uint8Array([13, 10, 0, 255, 65]);
  const encoded = encodeQuotedPrintable(bytes, { binary: true });
  assert.equal(encoded, "=0D=0A=00=FFA");
  assert.deepEqual(decodeQuotedPrintable(encoded), bytes);
  assert.throws(() => encodeQuotedPrintable("x", { lineLength: 3 }), RangeError);
});

const DECODE: { title: string; input: string; expected: string }[] = [
  { title: "soft break CRLF", input: "ab=\r\ncd", expected: "abcd" },
  { title: "soft break LF", input: "ab=\ncd", expected: "abcd" },
  { title: "lowercase hex", input: "=c3=a9", expected: "é" },
  { title: "trailing white space dropped", input: "ab  \r\ncd\t", expected: "ab\r\ncd" },
  { title: "space before soft break", input: "ab =  \r\ncd", expected: "ab cd" },
  { title: "invalid escape kept", input: "100=% =G1", expected: "100=% =G1" },
  { title: "= at the very end", input: "ab=", expected: "ab" },
  { title: "hard break LF becomes CRLF", input: "a\nb", expected: "a\r\nb" },
  { title: "trailing line end", input: "a\r\n", expected: "a\r\n" },
];

Deno.test("decodeQuotedPrintable() decodes the table leniently", () => {
  for (const { title, input, expected } of DECODE) {
    assert.equal(dec.decode(decodeQuotedPrintable(input)), expected, title);
  }
});
