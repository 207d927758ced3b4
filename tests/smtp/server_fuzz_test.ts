// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of the in-process SmtpServer over real loopback
// connections: mutated sessions (EHLO/HELO, STARTTLS, AUTH with every
// mechanism, MAIL/RCPT parameters, DATA, BDAT, pipelined batches, wrong
// states, long lines, NUL bytes) sent whole, in random chunks or a byte at a
// time. Every reply line is well formed until either side closes, the
// server reports no error, and a fresh SmtpClient still sends mail through
// it afterwards.
import assert from "../_assert.ts";
import { toBase64 } from "../../protocols/_core/mod.ts";
import { LmtpClient, SmtpClient, SmtpServer } from "../../protocols/smtp/mod.ts";
import { latin1, latin1Bytes, type Random } from "../_fuzz.ts";
import { assertReached, byteChunks, conversations, randomChunks, within } from "../core/_chunks.ts";
import { SERVER_TLS } from "../_tls.ts";
import { enc } from "./_helpers.ts";

const b64 = (text: string) => toBase64(latin1Bytes(text));

const HELLO = "EHLO client.example\r\n";
const ENVELOPE = "MAIL FROM:<ann@example.org>\r\nRCPT TO:<bob@example.org>\r\n";

/** Valid (or nearly valid) sessions the inputs are mutated from. */
const SESSIONS = [
  HELLO +
  "MAIL FROM:<ann@example.org> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=abc\r\n" +
  "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.org\r\n" +
  "DATA\r\nSubject: hi\r\n\r\n..dot stuffed\r\nbody\r\n.\r\nQUIT\r\n",
  HELLO + ENVELOPE + "BDAT 5\r\nhelloBDAT 8 LAST\r\n world\r\nQUIT\r\n",
  HELLO + ENVELOPE + "BDAT 0 LAST\r\nRSET\r\n" + ENVELOPE +
  "BDAT 3\r\nabcDATA\r\nBDAT 2 LAST\r\nxy",
  HELLO + `AUTH PLAIN ${b64("\0ann\0pw")}\r\n` + ENVELOPE + "DATA\r\nx\r\n.\r\nQUIT\r\n",
  HELLO + `AUTH LOGIN\r\n${b64("ann")}\r\n${b64("pw")}\r\nNOOP\r\nAUTH PLAIN =\r\n`,
  HELLO + `AUTH LOGIN ${b64("ann")}\r\n*\r\nAUTH PLAIN\r\n${b64("\0ann\0nope")}\r\n`,
  HELLO + `AUTH CRAM-MD5\r\n${b64("ann 0123456789abcdef0123456789abcdef")}\r\nNOOP\r\n`,
  HELLO + `AUTH SCRAM-SHA-256 ${b64("n,,n=ann,r=abcdef")}\r\n` +
  `${b64("c=biws,r=abcdefXYZ,p=AAAA")}\r\n\r\nQUIT\r\n`,
  HELLO + `AUTH SCRAM-SHA-1\r\n${b64("n,,n=ann,r=x")}\r\n${b64("c=biws,r=x,p=!!")}\r\n`,
  HELLO + `AUTH XOAUTH2 ${b64("user=ann\x01auth=Bearer tok\x01\x01")}\r\n` +
  `AUTH OAUTHBEARER ${b64("n,a=ann,\x01auth=Bearer bad\x01\x01")}\r\n\r\n`,
  HELLO + "AUTH PLAIN !!!not base64\r\nAUTH LOGIN\r\n@@@\r\nAUTH NOPE\r\nAUTH\r\n",
  "HELO x\r\nVRFY bob\r\nVRFY\r\nEXPN staff\r\nEXPN __proto__\r\nEXPN constructor\r\nHELP\r\n" +
  "RSET\r\nNOOP\r\nQUIT\r\n",
  HELLO + "STARTTLS\r\n\x16\x03\x01\x00\x05hello",
  HELLO + "STARTTLS\r\nEHLO again\r\n",
  HELLO + "MAIL FROM:<\xc3\xa4@example.org> SMTPUTF8 SIZE=99999999999999999999\r\n" +
  "RCPT TO:<\xc3\xbc@example.org>\r\nDATA\r\n\xc3\xa9t\xc3\xa9\r\n.\r\n",
  "DATA\r\nRCPT TO:<a@b>\r\nBDAT 3 LAST\r\nabcMAIL FROM:<a@b>\r\nSTARTTLS\r\nAUTH PLAIN\r\n",
  HELLO + ENVELOPE + "DATA\r\nline\n.\r\nsmuggled\r\n.\r\n",
  HELLO + ENVELOPE + "DATA\r\nbare\rcr\r\n.\r\n",
  HELLO + "MAIL FROM:<> BODY=BINARYMIME REQUIRETLS AUTH=<> X=1\r\nRCPT TO:<> FOO=1\r\n",
  HELLO + ENVELOPE + "BDAT 4294967296 LAST\r\nxx",
  HELLO + ENVELOPE + "BDAT -1\r\nBDAT 1e3 LAST\r\n",
  "EHLO\r\nHELO\r\nLHLO x\r\n\r\n \r\n\0\r\nMAIL\r\nRCPT\r\nBDAT\r\n" + "NOOP ".repeat(40) + "\r\n",
  HELLO + "NOOP\r\n".repeat(30) + "QUIT\r\n",
];

const TRAILER = enc.encode("\r\n.\r\n*\r\nQUIT\r\n");

/**
 * Checks an SMTP reply stream: every line `ddd-text` or `ddd text`, the
 * lines of a multi-line reply sharing their code, and no unfinished line or
 * reply at the end. Stops at a 220 answering STARTTLS (TLS bytes follow).
 */
function checkReplies(bytes: Uint8Array, what: string): string[] {
  const text = latin1(bytes);
  const lines = text.split("\r\n");
  const tail = lines.pop()!;
  let open: string | undefined;
  const seen: string[] = [];
  for (const line of lines) {
    assert.match(
      line,
      /^[2-5]\d\d[ -][\x20-\x7e]*$/,
      `${what}: bad reply line ${JSON.stringify(line)}`,
    );
    const code = line.slice(0, 3);
    if (open !== undefined) assert.equal(code, open, `${what}: code changes within a reply`);
    open = line[3] === "-" ? code : undefined;
    seen.push(line);
    if (/^220 .*TLS/.test(line)) return seen;
  }
  assert.equal(open, undefined, `${what}: unfinished multi-line reply`);
  assert.equal(tail, "", `${what}: unfinished reply line ${JSON.stringify(tail.slice(0, 80))}`);
  return seen;
}

async function startServer(
  errors: unknown[],
  options: Parameters<typeof SmtpServer.listen>[0] = {},
) {
  return await SmtpServer.listen({
    tls: SERVER_TLS,
    accounts: { ann: "pw" },
    tokens: { ann: "tok" },
    lists: { staff: ["ann@example.org", "bob@example.org"] },
    maxSize: 4096,
    timeoutMs: 300,
    onError: (error) => errors.push(error),
    ...options,
  });
}

/** A well-behaved client still gets its message through. */
async function checkStillWorks(server: SmtpServer, what: string, lmtp = false): Promise<void> {
  const before = server.transactions.length;
  const send = async () => {
    const options = {
      port: server.port,
      tls: "none",
      timeoutMs: 2000,
      auth: { username: "ann", password: "pw" },
    } as const;
    await using client = lmtp
      ? await LmtpClient.connect(options)
      : await SmtpClient.connect(options);
    await client.sendMail({
      from: "check@example.org",
      to: ["check@example.org"],
      body: "Subject: check\r\n\r\nstill here\r\n",
    });
  };
  await within(3000, `${what}: fresh client`, send());
  assert.equal(server.transactions.length, before + 1, what);
  assert.equal(server.transactions.at(-1)!.from, "check@example.org", what);
}

async function fuzzServer(
  seed: number,
  count: number,
  chunking: (random: Random, bytes: Uint8Array) => Uint8Array[],
  options: Parameters<typeof SmtpServer.listen>[0] = {},
  samples: readonly string[] = SESSIONS,
): Promise<Set<string>> {
  const codes = new Set<string>();
  const errors: unknown[] = [];
  const server = await startServer(errors, options);
  try {
    for await (
      const { index, what, received } of conversations({
        port: server.port,
        seed,
        count,
        samples,
        chunking,
        trailer: TRAILER,
      })
    ) {
      const replies = checkReplies(received, what);
      for (const reply of replies) codes.add(reply.slice(0, 3));
      assert.match(replies[0] ?? "", /^220 /, `${what}: no greeting`);
      assert.deepEqual(errors, [], what);
      if (index % 10 === 9) await checkStillWorks(server, what, options.lmtp);
    }
    await checkStillWorks(server, `seed ${seed}, after the run`, options.lmtp);
    assert.deepEqual(errors, []);
  } finally {
    await server.close();
  }
  return codes;
}

Deno.test("SmtpServer fuzz: mutated sessions sent whole get well-formed replies", async () => {
  const codes = await fuzzServer(0x5301, 120, (_random, bytes) => [bytes]);
  assertReached(codes, ["221", "235", "250", "334", "354", "500", "501", "503", "535", "552"]);
});

Deno.test("SmtpServer fuzz: mutated sessions in random chunks get well-formed replies", async () => {
  const codes = await fuzzServer(0x5302, 100, (random, bytes) => randomChunks(random, bytes, 12));
  assertReached(codes, ["221", "235", "250", "334", "354", "500", "501", "503"]);
});

Deno.test("SmtpServer fuzz: sessions sent a byte at a time", async () => {
  const codes = await fuzzServer(
    0x5303,
    12,
    (_random, bytes) => byteChunks(bytes.subarray(0, 400)),
  );
  assertReached(codes, ["221", "250"]);
});

Deno.test("SmtpServer fuzz: LMTP, and SMTP without extensions", async () => {
  const lmtp = SESSIONS.map((session) => session.replaceAll(/EHLO|HELO/g, "LHLO"));
  const codes = await fuzzServer(0x5304, 40, (_random, bytes) => [bytes], { lmtp: true }, lmtp);
  assertReached(codes, ["220", "250", "334", "501", "503"]);
  await fuzzServer(0x5305, 40, (_random, bytes) => [bytes], {
    extensions: {
      chunking: false,
      enhancedStatusCodes: false,
      pipelining: false,
      dsn: false,
      smtpUtf8: false,
      size: false,
    },
  });
});
