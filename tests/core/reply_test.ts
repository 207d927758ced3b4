// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  BufferedReader,
  LimitError,
  memoryConn,
  parseReplyLine,
  ProtocolError,
  readReply,
  splitEnhancedCode,
} from "../../protocols/_core/mod.ts";

Deno.test("parseReplyLine() takes reply lines apart", () => {
  const table: [string, ReturnType<typeof parseReplyLine>][] = [
    ["250 OK", { code: 250, more: false, text: "OK" }],
    ["250-PIPELINING", { code: 250, more: true, text: "PIPELINING" }],
    ["220", { code: 220, more: false, text: "" }],
    ["550 5.1.1 nope", { code: 550, more: false, text: "5.1.1 nope" }],
    ["099 low", null],
    ["600 high", null],
    ["25 short", null],
    ["250x", null],
    ["abc def", null],
  ];
  for (const [line, expected] of table) assert.deepEqual(parseReplyLine(line), expected, line);
});

Deno.test("splitEnhancedCode() recognises RFC 3463 codes only", () => {
  assert.deepEqual(splitEnhancedCode("2.1.5 Ok"), ["2.1.5", "Ok"]);
  assert.deepEqual(splitEnhancedCode("5.7.1"), ["5.7.1", ""]);
  assert.deepEqual(splitEnhancedCode("3.1.1 no"), [undefined, "3.1.1 no"]);
  assert.deepEqual(splitEnhancedCode("2.1 no"), [undefined, "2.1 no"]);
});

Deno.test("readReply() reads SMTP continuations with enhanced codes", async () => {
  const reader = new BufferedReader(
    memoryConn(["250-mail.example\r\n250-SIZE 100\r\n250 2.0.0 ", "DSN\r\n"]),
  );
  const reply = await readReply(reader, { enhanced: true });
  assert.deepEqual(reply, {
    code: 250,
    lines: ["mail.example", "SIZE 100", "DSN"],
    enhancedCode: "2.0.0",
  });
});

Deno.test("readReply() reads FTP multi-line replies with free-text middle lines", async () => {
  const reader = new BufferedReader(
    memoryConn(["211-Features:\r\n MLST size*;\r\n UTF8\r\n211 End\r\n"]),
  );
  assert.deepEqual(await readReply(reader), {
    code: 211,
    lines: ["Features:", " MLST size*;", " UTF8", "End"],
  });
});

Deno.test("readReply() rejects a line without a code and caps the line count", async () => {
  await assert.rejects(
    readReply(new BufferedReader(memoryConn(["hello\r\n"]))),
    ProtocolError,
  );
  const endless = (function* () {
    yield "250-first\r\n";
    for (;;) yield "250-again\r\n";
  })();
  await assert.rejects(
    readReply(new BufferedReader(memoryConn(endless)), { maxLines: 50 }),
    LimitError,
  );
});
