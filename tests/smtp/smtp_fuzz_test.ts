// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of the SMTP client's parsing: EHLO capabilities, the AUTH
// exchange (334 challenges, SCRAM messages) over an in-memory session with
// the bytes cut at random points, and a whole SmtpClient against a server
// answering with mutated replies. Every run ends in a result or one of our
// typed errors, within a time bound.
import assert from "../_assert.ts";
import { fromBase64, memoryConn, Session, toBase64 } from "../../protocols/_core/mod.ts";
import { parseSmtpExtensions, SmtpClient } from "../../protocols/smtp/mod.ts";
import { smtpAuthenticate } from "../../protocols/smtp/auth.ts";
import { fuzz, fuzzInputs, isExpectedError, latin1Bytes, Random } from "../_fuzz.ts";
import { type Outcome, outcome, randomChunks, within } from "../core/_chunks.ts";
import { enc, rawServer } from "./_helpers.ts";

const EHLO_LINES = [
  "mail.example.org Hello [127.0.0.1]\nPIPELINING\nSIZE 10240000\nAUTH PLAIN LOGIN CRAM-MD5\nAUTH=PLAIN LOGIN\n8BITMIME\nENHANCEDSTATUSCODES\nSTARTTLS\nSMTPUTF8\nCHUNKING",
  "mx.example\nsize\nauth scram-sha-256 plain\nDSN\nREQUIRETLS\nBINARYMIME",
  "x\nSIZE 0\nAUTH\nX-EXPS GSSAPI NTLM\n X-LINK2STATE \n",
];

Deno.test("parseSmtpExtensions() fuzz: typed extensions from any EHLO text", () => {
  fuzz("parseSmtpExtensions", { seed: 0x51, count: 2000, samples: EHLO_LINES }, (input) => {
    const ext = parseSmtpExtensions(input.split("\n"));
    assert.equal(typeof ext.domain, "string");
    assert.ok(!/\s/.test(ext.domain), ext.domain);
    for (const keyword of ext.keywords.keys()) assert.match(keyword, /^[A-Z0-9][A-Z0-9-]*$/);
    assert.equal(new Set(ext.auth).size, ext.auth.length);
    for (const name of ext.auth) assert.ok(name !== "" && name === name.toUpperCase(), name);
    if (ext.maxSize !== undefined) assert.ok(ext.maxSize > 0 && ext.size);
    assert.equal(ext.pipelining, ext.keywords.has("PIPELINING"));
  });
});

Deno.test("parseSmtpExtensions(): many AUTH names stay linear (quadratic dedup before)", () => {
  // 200,000 distinct names: the old includes() dedup did ~2·10^10 compares.
  const lines = ["big.example"];
  for (let l = 0; l < 100; l++) {
    lines.push("AUTH " + Array.from({ length: 2000 }, (_, i) => `M${l}-${i}`).join(" "));
  }
  lines.push("AUTH PLAIN M0-0 plain");
  const ext = parseSmtpExtensions(lines);
  assert.equal(ext.auth.length, 200_001);
  assert.equal(ext.auth[0], "M0-0");
  assert.equal(ext.auth.at(-1), "PLAIN");
});

// One reply per line; "334 " lines carry the challenge in clear (it is
// base64-encoded before sending) unless they start "334 ~" (sent raw).
const AUTH_SCRIPTS = [
  "334 r=NONCEsrv,s=c2FsdA==,i=2\n334 v=AAAA\n235 2.7.0 ok",
  "334 Username:\n334 Password:\n235 2.7.0 Authentication successful",
  "334 <1896.697170952@postoffice.example.net>\n235 ok",
  "334 ~!!not base64!!\n501 5.5.2 cancelled",
  "535 5.7.8 Authentication credentials invalid",
  "334 \n334 \n334 \n235 ok",
  "334-multi\n334 line\n235 ok",
];

function authBytes(script: string, nonce: string): Uint8Array {
  const lines = script.split("\n").map((line) => {
    if (!line.startsWith("334 ") || line.startsWith("334 ~")) return line.replace("334 ~", "334 ");
    return `334 ${toBase64(latin1Bytes(line.slice(4).replaceAll("NONCE", nonce)))}`;
  });
  return latin1Bytes(lines.join("\r\n") + "\r\n");
}

const MECHANISMS = ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "XOAUTH2"];

/**
 * Runs an AUTH exchange against `script`. The replies are made when first
 * read, after the AUTH line went out, so that a SCRAM script can carry the
 * client's nonce.
 */
async function runAuth(script: string, mechanism: string, random?: Random): Promise<Outcome> {
  const written: { text(): string } = { text: () => "" };
  const conn = memoryConn((function* () {
    const auth = written.text().split("\r\n")[0] ?? "";
    const initial = auth.split(" ")[2];
    const first = initial ? new TextDecoder().decode(fromBase64(initial)) : "";
    const bytes = authBytes(script, /,r=([^,]*)$/.exec(first)?.[1] ?? "");
    yield* random ? randomChunks(random, bytes) : [bytes];
  })());
  written.text = () => conn.writtenText();
  const session = new Session(conn, "memory", { timeoutMs: 1000, maxLineBytes: 256 });
  try {
    return await outcome(async (results) => {
      results.push(
        await smtpAuthenticate(session, MECHANISMS, {
          username: "ann",
          password: "pw",
          accessToken: "tok",
          mechanism,
        }, { host: "memory", port: 25 }),
      );
    });
  } finally {
    session.destroy();
  }
}

Deno.test("smtpAuthenticate() fuzz: hostile challenges end in a typed error, chunking aside", async () => {
  const random = new Random(0x52);
  const endings = new Map<string, number>();
  for (const { input, index } of fuzzInputs(0x53, 400, AUTH_SCRIPTS, 120)) {
    const mechanism = input.startsWith("334 r=") && random.next() < 0.8
      ? "SCRAM-SHA-256"
      : random.pick(MECHANISMS);
    const whole = await within(2000, `input ${index}`, runAuth(input, mechanism));
    const split = await within(2000, `input ${index}`, runAuth(input, mechanism, random));
    assert.deepEqual(split, whole, `input ${index} ${JSON.stringify(input)} ${mechanism}`);
    const ending = whole.error ?? "ok";
    endings.set(ending, (endings.get(ending) ?? 0) + 1);
  }
  for (const ending of ["ok", "AuthenticationError", "ConnectionClosedError", "ProtocolError"]) {
    assert.ok((endings.get(ending) ?? 0) >= 5, `${ending}: ${JSON.stringify([...endings])}`);
  }
});

// A whole session's replies, separated by "|": greeting, EHLO, AUTH, MAIL,
// RCPT, DATA, end of data, QUIT. The server sends them all at once, then
// ends its side, so a client waiting for more sees the end of the stream.
const SESSIONS = [
  "220 fuzz.test ESMTP\r\n|250-fuzz.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n|235 2.7.0 ok\r\n|250 2.1.0 ok\r\n|250 2.1.5 ok\r\n|354 go\r\n|250 2.0.0 queued\r\n|221 bye\r\n",
  "220 fuzz.test\r\n|500 what\r\n|250 fuzz.test\r\n|250 ok\r\n|250 ok\r\n|354 go\r\n|250 ok\r\n|221 bye\r\n",
  "220-fuzz.test\r\n220 more\r\n|250-fuzz.test\r\n250-CHUNKING\r\n250-AUTH=PLAIN\r\n250 SIZE\r\n|334 \r\n|235 ok\r\n|250 ok\r\n|550 5.1.1 no\r\n|221 bye\r\n",
  "554 5.3.2 go away\r\n|221 bye\r\n",
];

Deno.test("SmtpClient fuzz: a server sending mutated replies gets a typed error, no hang", async () => {
  let current = "";
  const server = await rawServer(async (conn, reader) => {
    await conn.write(latin1Bytes(current.replaceAll("|", ""))).catch(() => {});
    await conn.closeWrite().catch(() => {});
    // Take what the client sends until it hangs up.
    while ((await reader.readLineOrNull().catch(() => null)) !== null);
  });
  const endings = new Map<string, number>();
  try {
    for (const { input, index } of fuzzInputs(0x54, 150, SESSIONS, 200)) {
      current = input;
      const run = async () => {
        const client = await SmtpClient.connect({
          port: server.port,
          tls: "none",
          timeoutMs: 2000,
          tlsProbeDelayMs: 0,
          auth: { username: "ann", password: "pw" },
        });
        try {
          await client.sendMail({ from: "a@x.test", to: ["b@x.test"], body: enc.encode("hi\r\n") });
        } finally {
          await client.close();
        }
      };
      let ending = "ok";
      try {
        await within(3000, `input ${index}`, run());
      } catch (error) {
        if (!isExpectedError(error)) {
          throw new Error(`input ${index} ${JSON.stringify(input)} threw ${error}`, {
            cause: error,
          });
        }
        ending = (error as Error).name;
      }
      endings.set(ending, (endings.get(ending) ?? 0) + 1);
    }
  } finally {
    await server.close();
  }
  assert.ok((endings.get("ok") ?? 0) >= 1, JSON.stringify([...endings]));
  assert.ok(endings.size >= 3, JSON.stringify([...endings]));
});
