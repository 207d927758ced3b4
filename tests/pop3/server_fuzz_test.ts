// Copyright 2026 the portline authors. MIT license.
// Seeded fuzzing of the in-process Pop3Server over real loopback
// connections: mutated sessions (USER/PASS, APOP, AUTH with every
// mechanism, STAT/LIST/UIDL/RETR/TOP/DELE/RSET with bad, huge, negative and
// missing arguments, CAPA, STLS, UTF8, pipelined batches, long lines, NUL
// bytes, commands in the wrong state) sent whole, in random chunks or a
// byte at a time. Every reply is well formed until either side closes, the
// server reports no error, the maildrop lock is released, and a fresh
// Pop3Client still logs in and reads what the store holds.
import assert from "../_assert.ts";
import { toBase64 } from "../../protocols/_core/mod.ts";
import { MemoryMailStore } from "../../protocols/mail/store.ts";
import { Pop3Server, type Pop3ServerOptions } from "../../protocols/pop3/mod.ts";
import { latin1, latin1Bytes, type Random } from "../_fuzz.ts";
import { assertReached, byteChunks, conversations, randomChunks, within } from "../core/_chunks.ts";
import { SERVER_TLS } from "../_tls.ts";
import { ACCOUNTS, connectTo, encoder, MESSAGES } from "./_helpers.ts";

const b64 = (text: string) => toBase64(latin1Bytes(text));

const LOGIN = "USER ann\r\nPASS pw\r\n";

/** Valid (or nearly valid) sessions the inputs are mutated from. */
const SESSIONS = [
  "CAPA\r\n" + LOGIN + "STAT\r\nLIST\r\nUIDL\r\nLIST 2\r\nUIDL 3\r\nRETR 1\r\nTOP 2 1\r\nQUIT\r\n",
  LOGIN + "DELE 1\r\nDELE 1\r\nLIST 1\r\nRSET\r\nSTAT\r\nDELE 2\r\nNOOP\r\nRSET\r\nQUIT\r\n",
  LOGIN + "LIST 0\r\nLIST -1\r\nLIST 99999999999999999999\r\nRETR\r\nTOP 1\r\nTOP 1 -1\r\n" +
  "TOP 1 99999999999999\r\nDELE 4294967296\r\nUIDL x\r\nLIST 1 2\r\nQUIT\r\n",
  "APOP ann 0123456789abcdef0123456789abcdef\r\nAPOP ann\r\nAPOP\r\nUSER\r\nPASS x\r\n" +
  "USER a b\r\nSTAT\r\nRETR 1\r\nQUIT\r\n",
  `AUTH\r\nAUTH PLAIN ${b64("\0ann\0pw")}\r\nSTAT\r\nAUTH PLAIN\r\nQUIT\r\n`,
  `AUTH PLAIN\r\n${b64("\0ann\0nope")}\r\nAUTH LOGIN\r\n${b64("ann")}\r\n${b64("pw")}\r\nLIST\r\n`,
  `AUTH CRAM-MD5\r\n${b64("ann 0123456789abcdef0123456789abcdef")}\r\nAUTH PLAIN =\r\n`,
  `AUTH SCRAM-SHA-256 ${b64("n,,n=ann,r=abcdef")}\r\n${b64("c=biws,r=abcdefXYZ,p=AAAA")}\r\n` +
  "\r\nQUIT\r\n",
  `AUTH SCRAM-SHA-1\r\n${b64("n,,n=ann,r=x")}\r\n*\r\nAUTH NOPE\r\nAUTH PLAIN a b\r\n`,
  `AUTH XOAUTH2 ${b64("user=ann\x01auth=Bearer pw\x01\x01")}\r\nUIDL\r\nQUIT\r\n`,
  `AUTH OAUTHBEARER ${b64("n,a=ann,\x01auth=Bearer bad\x01\x01")}\r\n\r\nAUTH PLAIN !!!\r\n`,
  "STLS\r\n\x16\x03\x01\x00\x05hello",
  "CAPA\r\nSTLS\r\nUSER ann\r\n",
  "UTF8\r\n" + LOGIN + "UTF8\r\nSTLS\r\nUSER ann\r\nAPOP ann x\r\nAUTH\r\nTOP 3 0\r\nQUIT\r\n",
  "STAT\r\nLIST\r\nRETR 1\r\nDELE 1\r\nRSET\r\n\r\n \r\n\0\r\nlist\r\nuser ann\r\npass pw\r\nretr 2\r\n",
  LOGIN + "RETR 2\r\n".repeat(10) + "QUIT\r\n",
  "USER bob\r\nPASS hunter2\r\nSTAT\r\nLIST\r\nQUIT\r\n",
  "USER ann\nPASS pw\nSTAT\nQUIT\n",
];

const TRAILER = encoder.encode("\r\n*\r\nQUIT\r\n");

/**
 * Checks a POP3 reply stream: status lines (`+OK`, `-ERR`, `+ ` SASL
 * challenges), each `+OK` possibly followed by a multi-line block that ends
 * with a lone `.`; no unfinished block or line at the end. The store's
 * messages have no line starting with `+` or `-`, so a data line is never
 * taken for a status. Stops at the `+OK` answering STLS (TLS bytes follow).
 */
function checkReplies(bytes: Uint8Array, what: string): string[] {
  const lines = latin1(bytes).split("\r\n");
  const tail = lines.pop()!;
  const statuses: string[] = [];
  let block = false;
  let afterOk = false;
  for (const line of lines) {
    const status = /^(\+OK|-ERR)( [\x20-\x7e]*)?$|^\+ [A-Za-z0-9+/=]*$/.test(line);
    if (block) {
      assert.ok(!/[\r\n]/.test(line), `${what}: bare line end in a block`);
      if (line === ".") block = false;
      continue;
    }
    if (!status) {
      assert.ok(afterOk, `${what}: bad reply line ${JSON.stringify(line.slice(0, 100))}`);
      block = line !== ".";
      afterOk = false;
      continue;
    }
    statuses.push(line);
    afterOk = line.startsWith("+OK");
    if (line === "+OK Begin TLS negotiation") return statuses;
  }
  assert.equal(block, false, `${what}: unfinished multi-line reply`);
  assert.equal(tail, "", `${what}: unfinished reply line ${JSON.stringify(tail.slice(0, 80))}`);
  return statuses;
}

async function fillStore(store: MemoryMailStore): Promise<void> {
  while ((await store.list("ann")).length < MESSAGES.length) {
    await store.deliver("ann", encoder.encode(MESSAGES[(await store.list("ann")).length]!));
  }
}

/** A well-behaved client still logs in (no stale lock) and reads what the store holds. */
async function checkStillWorks(server: Pop3Server, store: MemoryMailStore, what: string) {
  const stored = await store.list("ann");
  await within(
    3000,
    `${what}: fresh client`,
    (async () => {
      const client = await connectTo(server, { tls: "none", timeoutMs: 2000 });
      try {
        assert.equal((await client.stat()).count, stored.length, what);
        const text = await client.retrieveText(1);
        assert.equal(text, new TextDecoder().decode(stored[0]!.bytes), what);
      } finally {
        await client.close();
      }
    })(),
  );
}

async function fuzzServer(
  seed: number,
  count: number,
  chunking: (random: Random, bytes: Uint8Array) => Uint8Array[],
  options: Partial<Pop3ServerOptions> = {},
): Promise<Set<string>> {
  const seen = new Set<string>();
  const errors: unknown[] = [];
  const store = new MemoryMailStore();
  await fillStore(store);
  const server = await Pop3Server.listen({
    store,
    accounts: ACCOUNTS,
    tls: SERVER_TLS,
    idleTimeoutMs: 300,
    onError: (error) => errors.push(error),
    ...options,
  });
  try {
    for await (
      const { index, what, received } of conversations({
        port: server.addr.port,
        seed,
        count,
        samples: SESSIONS,
        chunking,
        trailer: TRAILER,
      })
    ) {
      const statuses = checkReplies(received, what);
      assert.match(statuses[0] ?? "", /^\+OK /, `${what}: no greeting`);
      for (const status of statuses) seen.add(status.replace(/^(\+OK|-ERR|\+) .*/, "$1"));
      for (const status of statuses) {
        if (/maildrop has \d+ messages/.test(status)) seen.add("login");
      }
      assert.deepEqual(errors, [], what);
      if (index % 10 === 9) {
        await checkStillWorks(server, store, what);
        await fillStore(store);
      }
    }
    await checkStillWorks(server, store, `seed ${seed}, after the run`);
    assert.deepEqual(errors, []);
  } finally {
    await server.close();
  }
  return seen;
}

Deno.test("Pop3Server fuzz: mutated sessions sent whole get well-formed replies", async () => {
  const seen = await fuzzServer(0x9301, 120, (_random, bytes) => [bytes]);
  assertReached(seen, ["+OK", "-ERR", "+", "login"]);
});

Deno.test("Pop3Server fuzz: mutated sessions in random chunks get well-formed replies", async () => {
  const seen = await fuzzServer(0x9302, 100, (random, bytes) => randomChunks(random, bytes, 12));
  assertReached(seen, ["+OK", "-ERR", "+", "login"]);
});

Deno.test("Pop3Server fuzz: sessions a byte at a time, and without APOP, pipelining or UTF8", async () => {
  const seen = await fuzzServer(
    0x9303,
    12,
    (_random, bytes) => byteChunks(bytes.subarray(0, 400)),
  );
  assertReached(seen, ["+OK", "-ERR"]);
  await fuzzServer(0x9304, 40, (_random, bytes) => [bytes], {
    apop: false,
    pipelining: false,
    utf8: false,
    mechanisms: ["PLAIN", "SCRAM-SHA-256"],
  });
});
