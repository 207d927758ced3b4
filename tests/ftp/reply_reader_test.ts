// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { LimitError, memoryConn, ProtocolError, Session } from "../../protocols/_core/mod.ts";
import { MAX_LINE_BYTES, readFtpReply } from "../../protocols/ftp/_reply_reader.ts";

function session(...chunks: string[]): Session {
  return new Session(memoryConn(chunks), "test", { maxLineBytes: MAX_LINE_BYTES });
}

const long = (n: number) => "x".repeat(n);

Deno.test("readFtpReply() reads FTP multi-line replies with free-text lines", async () => {
  const s = session("211-Features:\r\n MLST\r\n211-more\r\n211 End\r\n");
  assert.deepEqual(await readFtpReply(s, "FEAT"), {
    code: 211,
    lines: ["Features:", " MLST", "more", "End"],
  });
});

for (
  const { title, input } of [
    { title: "a long single-line reply", input: `550 ${long(30_000)}\r\n` },
    { title: "a long first line", input: `213-${long(9000)}\r\n a\r\n213 end\r\n` },
    { title: "a long middle line", input: `213-start\r\n ${long(20_000)}\r\n213 end\r\n` },
    { title: "a long last line", input: `213-start\r\n a\r\n213 ${long(8190)}\r\n` },
    { title: "a long line in small pieces", input: `213-start\r\n ${long(9000)}\r\n213 end\r\n` },
  ]
) {
  Deno.test(`readFtpReply() skips ${title} and stays in step`, async () => {
    const chunks = title.includes("pieces") ? input.match(/[^]{1,100}/g)! : [input];
    const s = session(...chunks, "200 next\r\n");
    await assert.rejects(
      readFtpReply(s, "STAT x"),
      (error: unknown) =>
        error instanceof LimitError && /"STAT x"/.test(error.message) &&
        /8192 bytes/.test(error.message),
    );
    assert.deepEqual(await readFtpReply(s, "NOOP"), { code: 200, lines: ["next"] });
  });
}

Deno.test("readFtpReply() bounds the reply's bytes and stays in step", async () => {
  const body = Array.from({ length: 50 }, (_, i) => ` line ${i}\r\n`).join("");
  const s = session(`213-start\r\n${body}213 end\r\n`, "200 next\r\n");
  await assert.rejects(readFtpReply(s, "STAT", 200), /larger than 200 bytes/);
  assert.equal((await readFtpReply(s, "NOOP")).code, 200);
});

Deno.test("readFtpReply() closes the session on a reply without a code", async () => {
  const s = session("hello\r\n");
  await assert.rejects(readFtpReply(s, "NOOP"), ProtocolError);
  assert.equal(s.closed, true);
});
