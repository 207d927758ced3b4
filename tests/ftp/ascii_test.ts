// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { FtpAsciiDecoder, FtpAsciiEncoder } from "../../protocols/ftp/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function encodeAll(parts: string[]): string {
  const encoder = new FtpAsciiEncoder();
  return parts.map((p) => dec.decode(encoder.push(enc.encode(p)))).join("");
}

function decodeAll(parts: string[]): string {
  const decoder = new FtpAsciiDecoder();
  return parts.map((p) => dec.decode(decoder.push(enc.encode(p)))).join("") +
    dec.decode(decoder.end());
}

Deno.test("FtpAsciiEncoder turns bare LF into CRLF across chunks", () => {
  const cases: [string[], string][] = [
    [["a\nb\n"], "a\r\nb\r\n"],
    [["a\r\nb"], "a\r\nb"],
    [["a\r", "\nb"], "a\r\nb"],
    [["a", "\n", "\n"], "a\r\n\r\n"],
    [["\n"], "\r\n"],
    [["no newline"], "no newline"],
    [["mixed\r\nand\nlone\rcr"], "mixed\r\nand\r\nlone\rcr"],
  ];
  for (const [parts, expected] of cases) assert.equal(encodeAll(parts), expected, parts.join("|"));
});

Deno.test("FtpAsciiDecoder turns CRLF into LF across chunks", () => {
  const cases: [string[], string][] = [
    [["a\r\nb\r\n"], "a\nb\n"],
    [["a\r", "\nb"], "a\nb"],
    [["a\r", "b"], "a\rb"],
    [["a\r"], "a\r"],
    [["\r", "\r", "\n"], "\r\n"],
    [["lone\rcr\r\n"], "lone\rcr\n"],
    [[""], ""],
  ];
  for (const [parts, expected] of cases) {
    assert.equal(decodeAll(parts), expected, JSON.stringify(parts));
  }
});

Deno.test("FtpAsciiEncoder returns the input itself when nothing changes", () => {
  const bytes = enc.encode("plain\r\ntext");
  assert.equal(new FtpAsciiEncoder().push(bytes), bytes);
});
