// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of the POP3 client's parsing: status lines, STAT/LIST/UIDL,
// octet counts, the APOP timestamp, CAPA; the multi-line and body readers
// over an in-memory session with the bytes cut at random points and small
// limits; and a whole Pop3Client fed mutated server scripts. Every run ends
// in a result or one of our typed errors, the same whatever the chunking.
import assert from "../_assert.ts";
import { AuthenticationError, memoryConn, Session } from "../../protocols/_core/mod.ts";
import {
  parsePop3ApopTimestamp,
  parsePop3ListLine,
  parsePop3Octets,
  parsePop3Stat,
  parsePop3Status,
  parsePop3UidlLine,
  Pop3Capabilities,
  Pop3Client,
} from "../../protocols/pop3/mod.ts";
import { readBody, readCapaLines, readListing } from "../../protocols/pop3/_wire.ts";
import { fuzz, fuzzInputs, latin1, latin1Bytes, Random } from "../_fuzz.ts";
import { byteChunks, type Outcome, outcome, randomChunks, within } from "../core/_chunks.ts";

const STATUS = [
  "+OK 2 320",
  "-ERR [IN-USE] mailbox locked",
  "-ERR [SYS/TEMP/DISK] try later",
  "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
  "+OK",
  "-ERR",
  "+ PDEyMz4=",
];

Deno.test("parsePop3Status() fuzz: +OK or -ERR taken apart, anything else null", () => {
  let parsed = 0;
  fuzz("parsePop3Status", { seed: 0x31, count: 3000, samples: STATUS, maxRandom: 40 }, (line) => {
    const status = parsePop3Status(line);
    if (status === null) return;
    parsed++;
    assert.equal(line.slice(0, status.ok ? 3 : 4).toUpperCase(), status.ok ? "+OK" : "-ERR");
    assert.ok(line.endsWith(status.text), line);
    if (status.responseCode !== undefined) {
      assert.match(status.responseCode, /^[\x21-\x2e\x30-\x5c\x5e-\x7e/]+$/);
      assert.equal(status.responseCode, status.responseCode.toUpperCase());
    }
  });
  assert.ok(parsed > 500, `${parsed} parsed`);
});

Deno.test("STAT, LIST and UIDL parsers fuzz: safe integers or a ProtocolError", () => {
  const samples = ["2 320", "1 120", "17 whqtswO00WBw418f9t5JxYwZ", " 3  4 ", "1"];
  fuzz("listing parsers", { seed: 0x32, count: 3000, samples, maxRandom: 30 }, (line) => {
    const stat = parsePop3Stat(line);
    assert.ok(Number.isSafeInteger(stat.count) && Number.isSafeInteger(stat.size), line);
    const list = parsePop3ListLine(line);
    assert.ok(Number.isSafeInteger(list.id) && list.id >= 0, line);
  });
  fuzz("UIDL parser", { seed: 0x33, count: 3000, samples, maxRandom: 30 }, (line) => {
    const entry = parsePop3UidlLine(line);
    assert.ok(Number.isSafeInteger(entry.id), line);
    assert.ok(entry.uid.length > 0 && !/\s/.test(entry.uid), line);
  });
});

Deno.test("parsePop3Octets() fuzz: a safe integer from the start of the text, or undefined", () => {
  const samples = ["1234 octets", "0", "message follows", "99 "];
  fuzz("parsePop3Octets", { seed: 0x34, count: 2000, samples, maxRandom: 30 }, (text) => {
    const octets = parsePop3Octets(text);
    if (octets !== undefined) {
      assert.ok(Number.isSafeInteger(octets), text);
      assert.equal(octets, Number(/^\d+/.exec(text)![0]), text);
    }
  });
});

// The timestamp pattern before the fix: the same matches, found in quadratic time.
const OLD_TIMESTAMP = /<[^<>\s]*@[^<>\s]*>/g;

Deno.test("parsePop3ApopTimestamp() fuzz: the msg-id the RFC 1939 pattern finds", () => {
  const samples = [
    "POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
    "<a@b> then <c@d>",
    "<@@@> <x@@y> <no-at> <a@b c>",
    "ready",
  ];
  fuzz("parsePop3ApopTimestamp", { seed: 0x35, count: 3000, samples }, (greeting) => {
    assert.equal(parsePop3ApopTimestamp(greeting), greeting.match(OLD_TIMESTAMP)?.at(-1));
  });
});

Deno.test("parsePop3ApopTimestamp(): a greeting of '<' and many '@' is linear (quadratic before)", () => {
  // About 10^12 backtracking steps with the old pattern: it never returned.
  assert.equal(parsePop3ApopTimestamp("+OK <" + "@".repeat(1_000_000)), undefined);
  assert.equal(
    parsePop3ApopTimestamp("<" + "@".repeat(100_000) + ">"),
    "<" + "@".repeat(100_000) + ">",
  );
});

Deno.test("Pop3Capabilities fuzz: every getter answers for any CAPA text", () => {
  const samples = [
    "TOP\nUIDL\nSASL PLAIN SCRAM-SHA-256\nPIPELINING\nLOGIN-DELAY 900\nEXPIRE 60 USER\nIMPLEMENTATION Fuzz 1.0\nRESP-CODES\nAUTH-RESP-CODE\nSTLS\nUTF8 USER",
    "EXPIRE NEVER\nLOGIN-DELAY x\nsasl cram-md5",
  ];
  fuzz("Pop3Capabilities", { seed: 0x36, count: 2000, samples }, (input) => {
    const capa = Pop3Capabilities.parse(input.split("\n"));
    for (const name of capa.names) assert.ok(name !== "" && !/\s/.test(name), name);
    const delay = capa.loginDelay;
    if (delay !== undefined) assert.ok(Number.isFinite(delay));
    const expire = capa.expire;
    if (expire !== undefined && expire !== "NEVER") assert.ok(Number.isFinite(expire));
    for (const name of capa.sasl) assert.equal(name, name.toUpperCase());
    void [capa.stls, capa.top, capa.uidl, capa.user, capa.utf8, capa.implementation];
  });
});

const BLOCKS = [
  "1 120\r\n2 200\r\n.\r\n+OK next\r\n",
  "From: a@b\r\nSubject: x\r\n\r\n..stuffed\r\n.x\r\nend\r\n.\r\n+OK next\r\n",
  "TOP\r\nUIDL\r\nSASL PLAIN\r\n.\r\n",
  ".\r\n+OK\r\n",
  "line\nbare\n.\n",
];

type Reader = "listing" | "capa" | "body" | "bodyAnnounced";

async function readBlock(chunks: Uint8Array[], kind: Reader, maxBytes: number): Promise<Outcome> {
  const session = new Session(memoryConn(chunks), "memory", {
    timeoutMs: 1000,
    maxLineBytes: 64,
  });
  try {
    return await outcome(async (results) => {
      const options = { maxBytes, command: "X" };
      if (kind === "listing") results.push(await readListing(session, options));
      else if (kind === "capa") results.push(await readCapaLines(session));
      else {
        const announced = kind === "bodyAnnounced" ? 0 : undefined;
        results.push(latin1(await readBody(session, { ...options, announced })));
      }
      // After a block read whole (or drained), the next line is in step.
      results.push(await session.readLine());
    });
  } finally {
    session.destroy();
  }
}

Deno.test("POP3 block readers fuzz: the same outcome however the bytes arrive", async () => {
  const random = new Random(0x37);
  const endings = new Map<string, number>();
  for (const { input, index } of fuzzInputs(0x38, 500, BLOCKS, 150)) {
    const bytes = latin1Bytes(input);
    const kind = random.pick<Reader>(["listing", "capa", "body", "bodyAnnounced"]);
    const maxBytes = random.pick([0, 8, 30, 1 << 20]);
    const expected = await readBlock([bytes], kind, maxBytes);
    endings.set(expected.error ?? "ok", (endings.get(expected.error ?? "ok") ?? 0) + 1);
    for (const chunks of [randomChunks(random, bytes), byteChunks(bytes)]) {
      assert.deepEqual(
        await readBlock(chunks, kind, maxBytes),
        expected,
        `input ${index} ${JSON.stringify(input)} ${kind} ${maxBytes}`,
      );
    }
  }
  for (const ending of ["ok", "LimitError", "ConnectionClosedError"]) {
    assert.ok((endings.get(ending) ?? 0) >= 10, `${ending}: ${JSON.stringify([...endings])}`);
  }
});

// A session's replies: greeting, CAPA, login, CAPA again, STAT, LIST, UIDL,
// RETR 1, QUIT. Mutations cut, repeat and corrupt them.
const SESSIONS = [
  "+OK ready <1.2@fuzz.test>\r\n+OK\r\nUSER\r\nTOP\r\nUIDL\r\n.\r\n+OK\r\n+OK\r\n+OK\r\nUIDL\r\n.\r\n+OK 1 5\r\n+OK\r\n1 5\r\n.\r\n+OK\r\n1 abc\r\n.\r\n+OK 5 octets\r\nhi\r\n.\r\n+OK bye\r\n",
  "+OK ready <1.2@fuzz.test>\r\n-ERR no CAPA\r\n+OK welcome\r\n+OK 2 10\r\n+OK\r\n1 5\r\n2 5\r\n.\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n+OK\r\n..dot\r\n.\r\n+OK\r\n",
  "+OK\r\n+OK\r\nSASL PLAIN\r\n.\r\n+ \r\n+OK\r\n+OK\r\n.\r\n+OK 0 0\r\n+OK\r\n.\r\n+OK\r\n.\r\n-ERR no such message\r\n+OK\r\n",
];

async function runClient(chunks: Iterable<Uint8Array>): Promise<Outcome> {
  return await outcome(async (results) => {
    const client = await Pop3Client.fromConn(memoryConn(chunks), {
      hostname: "fuzz.test",
      port: 110,
      tls: "none",
      timeoutMs: 1000,
      maxLineBytes: 256,
      auth: { username: "ann", password: "pw" },
    });
    try {
      results.push(await client.stat());
      results.push(await client.list({ maxBytes: 100 }));
      results.push(await client.uidl({ maxBytes: 100 }));
      results.push(latin1(await client.retrieveBytes(1, { maxBytes: 100 })));
    } finally {
      await client.close();
    }
  });
}

/** Feeds each script to a client whole and cut at random points. */
async function fuzzClient(
  seed: number,
  count: number,
  samples: string[],
  prefix = "",
): Promise<Map<string, number>> {
  const random = new Random(seed);
  const endings = new Map<string, number>();
  for (const { input, index } of fuzzInputs(seed + 1, count, samples, 200)) {
    const bytes = latin1Bytes(prefix + input);
    const whole = await within(2000, `input ${index}`, runClient([bytes]));
    const split = await within(2000, `input ${index}`, runClient(randomChunks(random, bytes)));
    assert.deepEqual(split, whole, `input ${index} ${JSON.stringify(input)}`);
    endings.set(whole.error ?? "ok", (endings.get(whole.error ?? "ok") ?? 0) + 1);
  }
  return endings;
}

Deno.test("Pop3Client fuzz: mutated server scripts end in a typed error, no hang", async () => {
  const endings = await fuzzClient(0x39, 200, SESSIONS);
  assert.ok((endings.get("ok") ?? 0) >= 3, JSON.stringify([...endings]));
  assert.ok(endings.size >= 4, JSON.stringify([...endings]));
});

// SASL logins: CAPA offers one mechanism, then the exchange's replies.
const SASL_SESSIONS = [
  "SASL PLAIN\r\n.\r\n+ \r\n+OK\r\n",
  "SASL CRAM-MD5\r\n.\r\n+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n+OK\r\n",
  "SASL LOGIN\r\n.\r\n+ VXNlcm5hbWU6\r\n+ UGFzc3dvcmQ6\r\n-ERR [AUTH] no\r\n",
  "SASL SCRAM-SHA-256\r\n.\r\n+ cj1ub3BlLHM9YzJGc2RBPT0saT0y\r\n-ERR cancelled\r\n",
];

Deno.test("Pop3Client fuzz: mutated SASL exchanges end in a typed error, no hang", async () => {
  const endings = await fuzzClient(0x3b, 200, SASL_SESSIONS, "+OK ready\r\n+OK\r\n");
  assert.ok(endings.size >= 3, JSON.stringify([...endings]));
});

// After a good login: STAT, LIST, UIDL, RETR 1 and QUIT replies, mutated.
const TRANSACTIONS = [
  "+OK 2 10\r\n+OK\r\n1 5\r\n2 5\r\n.\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n+OK 7 octets\r\n..dot\r\n.\r\n+OK bye\r\n",
  "+OK 0 0\r\n+OK\r\n.\r\n+OK\r\n.\r\n-ERR [SYS/TEMP] no such message\r\n+OK\r\n",
];

Deno.test("Pop3Client fuzz: mutated STAT/LIST/UIDL/RETR replies end in a typed error", async () => {
  const login = "+OK ready\r\n-ERR no CAPA\r\n+OK\r\n+OK\r\n";
  const endings = await fuzzClient(0x3c, 300, TRANSACTIONS, login);
  for (const ending of ["ok", "ProtocolError", "ConnectionClosedError", "LimitError"]) {
    assert.ok((endings.get(ending) ?? 0) >= 3, `${ending}: ${JSON.stringify([...endings])}`);
  }
});

Deno.test("Pop3Client: a SASL challenge that is not base64 is an AuthenticationError", async () => {
  for (const mechanism of ["PLAIN", "CRAM-MD5", "SCRAM-SHA-256"]) {
    const script = `+OK ready\r\n+OK\r\nSASL ${mechanism}\r\n.\r\n+ !!!\r\n-ERR cancelled\r\n`;
    const conn = memoryConn([script]);
    // Threw the base64 decoder's SyntaxError before.
    await assert.rejects(
      Pop3Client.fromConn(conn, {
        hostname: "fuzz.test",
        port: 110,
        tls: "none",
        auth: { username: "ann", password: "pw" },
      }),
      AuthenticationError,
      mechanism,
    );
    // The exchange was cancelled (RFC 5034 §4) before giving up.
    assert.match(conn.writtenText(), /\r\n\*\r\n/);
  }
});
