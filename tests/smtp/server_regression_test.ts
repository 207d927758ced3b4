// Copyright 2026 the portline authors. MIT license.
// Regression tests of the in-process SmtpServer for what the server fuzz
// tests found: each sends the minimal input over a real connection.
import assert from "../_assert.ts";
import { BufferedReader, type Conn, connect } from "../../protocols/_core/mod.ts";
import { SmtpServer, type SmtpServerOptions } from "../../protocols/smtp/mod.ts";
import { within } from "../core/_chunks.ts";
import { enc } from "./_helpers.ts";

/** Sends `input` after the greeting and reads `count` reply lines. */
async function exchange(
  options: SmtpServerOptions,
  input: string,
  count: number,
): Promise<{ lines: string[]; errors: unknown[] }> {
  const errors: unknown[] = [];
  await using server = await SmtpServer.listen({
    timeoutMs: 5000,
    onError: (error) => errors.push(error),
    ...options,
  });
  const conn: Conn = await connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const reader = new BufferedReader(conn);
    await reader.readLine(); // the greeting
    await conn.write(enc.encode(input));
    const lines: string[] = [];
    while (lines.length < count) {
      const line = await within(3000, `reply ${lines.length + 1}`, reader.readLineOrNull());
      if (line === null) break;
      lines.push(line);
    }
    return { lines, errors };
  } finally {
    conn.close();
  }
}

/** The lines of the EHLO reply (no STARTTLS, no AUTH). */
const EHLO_LINES = 9;
const ENVELOPE = "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n";

Deno.test("SmtpServer: BDAT with a size past 2^31 gets 552, not a RangeError and a silent hang-up", async () => {
  const { lines, errors } = await exchange({}, ENVELOPE + "BDAT 4294967296 LAST\r\n", 20);
  assert.match(lines.at(-1) ?? "", /^552 /);
  assert.deepEqual(errors, []);
});

Deno.test("SmtpServer: a refused BDAT outside a transaction does not fail the next one", async () => {
  const { lines } = await exchange(
    {},
    "EHLO c\r\nBDAT 1\r\nx" + "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n" +
      "BDAT 1 LAST\r\ny",
    EHLO_LINES + 4,
  );
  const replies = lines.filter((line) => !line.startsWith("250-"));
  assert.deepEqual(replies.map((line) => line.slice(0, 3)), ["250", "503", "250", "250", "250"]);
  assert.match(replies.at(-1)!, /queued/);
});

Deno.test("SmtpServer: BDAT past maxSize is refused unread, skipped and the session stays in step", async () => {
  const { lines } = await exchange(
    { maxSize: 10 },
    ENVELOPE + "BDAT 20\r\n" + "x".repeat(20) + "BDAT 1 LAST\r\nyNOOP\r\n",
    EHLO_LINES + 5,
  );
  const replies = lines.filter((line) => !line.startsWith("250-"));
  assert.deepEqual(replies.map((line) => line.slice(0, 3)), [
    "250",
    "250",
    "250",
    "552",
    "552",
    "250",
  ]);
});

Deno.test("SmtpServer: EXPN of an Object.prototype name is 550, not a TypeError", async () => {
  const { lines, errors } = await exchange(
    { lists: { staff: ["ann@example.org"] } },
    "EXPN constructor\r\nEXPN __proto__\r\nEXPN staff\r\n",
    3,
  );
  assert.deepEqual(lines.map((line) => line.slice(0, 3)), ["550", "550", "250"]);
  assert.deepEqual(errors, []);
});

Deno.test("SmtpServer: replies echo client text as printable ASCII only", async () => {
  const { lines } = await exchange({}, "NO\0OP\r\nEHLO a\0b\xe9\r\n", 2);
  assert.equal(lines[0], '500 5.5.1 Unknown command "NO?OP"');
  assert.equal(lines[1], "250-portline.test greets a?b?");
});

Deno.test("SmtpServer: replies to a long pipelined stream are written before it pauses", async () => {
  // 20,000 commands and then half a line: the old server queued every reply
  // until a read left nothing buffered, which this client never allows.
  const { lines } = await exchange({}, "NOOP\r\n".repeat(20_000) + "NO", 10);
  assert.deepEqual(lines, Array(10).fill("250 2.0.0 Ok"));
});

Deno.test("SmtpServer: a hook that throws reaches onError (before: silently dropped)", async () => {
  const boom = new Error("boom");
  const { lines, errors } = await exchange(
    { hooks: { mailFrom: () => Promise.reject(boom) } },
    "EHLO c\r\nMAIL FROM:<a@example.org>\r\n",
    20,
  );
  assert.equal(lines.at(-1), "250 HELP");
  assert.deepEqual(errors, [boom]);
});
