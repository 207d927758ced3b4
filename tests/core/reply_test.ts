// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  BufferedReader,
  LimitError,
  memoryConn,
  parseReplyLine,
  ProtocolError,
  readReply,
  type ReadReplyOptions,
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

Deno.test("readReply({ drainBytes }) reads an over-limit reply off and stays in step", async () => {
  const body = Array.from({ length: 20 }, (_, i) => `250-line ${i}\r\n`).join("");
  const long = "x".repeat(5000);
  const cases: [string, ReadReplyOptions, RegExp][] = [
    [`${body}250 end\r\n`, { maxLines: 5 }, /more than 5 lines/],
    [`${body}250 end\r\n`, { maxBytes: 100 }, /larger than 100 bytes/],
    [`250-a\r\n250-${long}\r\n250 end\r\n`, {}, /longer than 1024 bytes/],
    [`550 ${long}\r\n`, {}, /longer than 1024 bytes/],
  ];
  for (const [input, options, message] of cases) {
    // Small chunks: the over-long line arrives in pieces.
    const chunks = [...input.matchAll(/[^]{1,300}/g)].map((m) => m[0]);
    const reader = new BufferedReader(memoryConn([...chunks, "220 next\r\n"]), {
      maxLineBytes: 1024,
    });
    await assert.rejects(
      readReply(reader, { ...options, drainBytes: 1 << 20 }),
      (error: unknown) =>
        error instanceof LimitError && error.inStep === true && message.test(error.message),
    );
    assert.deepEqual(await readReply(reader), { code: 220, lines: ["next"] });
  }
});

Deno.test("readReply() without drainBytes throws at the limit, and gives up past drainBytes", async () => {
  const body = Array.from({ length: 20 }, (_, i) => `250-line ${i}\r\n`).join("");
  const reader = new BufferedReader(memoryConn([`${body}250 end\r\n`]));
  await assert.rejects(readReply(reader, { maxLines: 5 }), /more than 5 lines/);
  const endless = new BufferedReader(memoryConn([body, body, body, body]));
  await assert.rejects(
    readReply(endless, { maxLines: 2, drainBytes: 300 }),
    (error: unknown) => error instanceof LimitError && error.inStep === false,
  );
});

Deno.test("BufferedReader.skipLine() discards one line of any length in bounded steps", async () => {
  const reader = new BufferedReader(
    memoryConn(["abc", "x".repeat(200_000), "\r\nnext\r\n"]),
    { bufferSize: 4096, maxLineBytes: 4096 },
  );
  const skipped = await reader.skipLine(1 << 20);
  assert.equal(skipped.bytes, 200_005);
  assert.ok(skipped.head.startsWith("abc"));
  assert.equal(await reader.readLine(), "next");
  const endless = new BufferedReader(memoryConn(["y".repeat(10_000)]), { bufferSize: 4096 });
  await assert.rejects(endless.skipLine(5000), LimitError);
});

Deno.test("readReply() bounds a reply to 1 MiB by default (1,000 long lines would be 64 MiB)", async () => {
  const line = `250-${"x".repeat(60_000)}\r\n`;
  // 20 lines of 60 KB: under the line and line-count limits, over 1 MiB.
  const big = Array.from({ length: 20 }, () => line).join("") + "250 end\r\n";
  await assert.rejects(
    readReply(new BufferedReader(memoryConn([big]))),
    (error: unknown) =>
      error instanceof LimitError && /larger than 1048576 bytes/.test(error.message),
  );
  // Under the bound: read whole.
  const fine = Array.from({ length: 15 }, () => line).join("") + "250 end\r\n";
  assert.equal((await readReply(new BufferedReader(memoryConn([fine])))).lines.length, 16);
});
