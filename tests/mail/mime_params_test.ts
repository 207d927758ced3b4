// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { formatMimeParam, formatMimeParams, parseMimeParams } from "../../protocols/mail/mod.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";

const PARSE: { title: string; input: string; value: string; params: Record<string, string> }[] = [
  { title: "no parameters", input: "text/plain", value: "text/plain", params: {} },
  {
    title: "token and quoted values, names lowercased",
    input: 'text/plain; CHARSET=utf-8; Format="flowed"',
    value: "text/plain",
    params: { charset: "utf-8", format: "flowed" },
  },
  {
    title: "quoted string with escapes and semicolons",
    input: 'attachment; filename="a \\"b\\"; c.txt"',
    value: "attachment",
    params: { filename: 'a "b"; c.txt' },
  },
  {
    title: "RFC 2231 extended value",
    input: "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt",
    value: "attachment",
    params: { filename: "€ rates.txt" },
  },
  {
    title: "RFC 2231 with language and Latin-1",
    input: "attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt",
    value: "attachment",
    params: { filename: "Grüße.txt" },
  },
  {
    title: "continuations in any order, mixed extended and plain",
    input: 'attachment; filename*2="c.txt"; filename*0*=utf-8\'\'%C3%A9; filename*1=" b "',
    value: "attachment",
    params: { filename: "é b c.txt" },
  },
  {
    title: "a UTF-8 sequence split across continuations",
    input: "attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC",
    value: "attachment",
    params: { filename: "€" },
  },
  {
    title: "RFC 2231 wins over the plain value",
    input: "attachment; filename=\"fallback.txt\"; filename*=utf-8''real.txt",
    value: "attachment",
    params: { filename: "real.txt" },
  },
  {
    title: "RFC 2047 encoded-words in a quoted value",
    input: 'application/pdf; name="=?utf-8?B?w5xiZXJzaWNodC5wZGY=?="',
    value: "application/pdf",
    params: { name: "Übersicht.pdf" },
  },
  {
    title: "unquoted value with spaces",
    input: "attachment; filename=my file.pdf ; size=3",
    value: "attachment",
    params: { filename: "my file.pdf", size: "3" },
  },
  {
    title: "missing closing quote",
    input: 'multipart/mixed; boundary="abc',
    value: "multipart/mixed",
    params: { boundary: "abc" },
  },
  {
    title: "empty pieces and comments",
    input: "text/plain (a comment);; charset=us-ascii;",
    value: "text/plain",
    params: { charset: "us-ascii" },
  },
  {
    title: "raw UTF-8 (RFC 6532)",
    input: 'attachment; filename="Übersicht.pdf"',
    value: "attachment",
    params: { filename: "Übersicht.pdf" },
  },
  {
    title: "unknown charset falls back to UTF-8",
    input: "attachment; filename*=x-unknown''%C3%A9",
    value: "attachment",
    params: { filename: "é" },
  },
];

Deno.test("parseMimeParams() parses the table", () => {
  for (const { title, input, value, params } of PARSE) {
    assert.deepEqual(parseMimeParams(input), { value, params }, title);
  }
});

const FORMAT: { title: string; name: string; value: string; expected: string }[] = [
  { title: "token", name: "charset", value: "utf-8", expected: "charset=utf-8" },
  { title: "quoted", name: "filename", value: 'a "b".txt', expected: 'filename="a \\"b\\".txt"' },
  { title: "empty", name: "x", value: "", expected: 'x=""' },
  {
    title: "non-ASCII",
    name: "filename",
    value: "€ é.txt",
    expected: "filename*=utf-8''%E2%82%AC%20%C3%A9.txt",
  },
  {
    title: "control characters use RFC 2231",
    name: "filename",
    value: "a\tb",
    expected: "filename*=utf-8''a%09b",
  },
];

Deno.test("formatMimeParam() formats the table", () => {
  for (const { title, name, value, expected } of FORMAT) {
    assert.equal(formatMimeParam(name, value), expected, title);
  }
});

Deno.test("formatMimeParam() continues long values at character boundaries and round-trips", () => {
  const values = [
    "x".repeat(200) + ".txt",
    "Übersicht über die sehr lange Datei mit Umlauten äöü und noch mehr Text.pdf",
    "日本語のファイル名".repeat(8) + ".txt",
    "😀".repeat(40),
    'quotes " and \\ backslashes '.repeat(5),
  ];
  for (const value of values) {
    const formatted = formatMimeParam("filename", value);
    const pieces = formatted.split("; ");
    assert.ok(pieces.length > 1, formatted);
    for (const piece of pieces) {
      assert.ok(piece.length <= 78, piece);
      // Each extended piece decodes alone: no UTF-8 sequence is split.
      if (piece.includes("*=")) {
        const encoded = piece.replace(/^[^=]*=(utf-8'')?/, "");
        assert.doesNotThrow(() => decodeURIComponent(encoded), piece);
      }
    }
    assert.deepEqual(parseMimeParams("attachment; " + formatted).params, { filename: value });
  }
});

Deno.test("formatMimeParams() joins parameters and refuses bad input", () => {
  assert.equal(
    formatMimeParams("multipart/related", [["type", "text/html"], ["boundary", "=_x"]]),
    'multipart/related; type="text/html"; boundary="=_x"',
  );
  assert.throws(() => formatMimeParam("bad name", "x"), InvalidArgumentError);
  assert.throws(() => formatMimeParam("name*", "x"), InvalidArgumentError);
  assert.throws(() => formatMimeParam("name", "a\r\nb"), InvalidArgumentError);
  assert.throws(() => formatMimeParams("text/plain\r\nX: y", {}), InvalidArgumentError);
});
