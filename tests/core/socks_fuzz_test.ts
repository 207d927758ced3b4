// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz test of the SOCKS5 handshake against a scripted hostile proxy
// that answers the greeting with fuzzed bytes split at random: every attempt
// ends within a bounded time with a tunnel or a typed error, a tunnel opens
// exactly when a reference reading of RFC 1928/1929 says it should, and it
// hands out exactly the bytes that followed the proxy's reply.
import assert from "../_assert.ts";
import { fuzzAsync, isExpectedError, latin1, latin1Bytes, Random } from "../_fuzz.ts";
import { type Conn, openSocksTunnel } from "../../protocols/_core/mod.ts";
import { answerInPieces, readAll, scriptedServer, within } from "./_chunks.ts";

/**
 * What a client should make of `bytes` (everything the proxy says after the
 * greeting): the bytes after a successful reply, or `undefined` when no
 * tunnel opens. Written from the RFCs, apart from the client's codec.
 */
function referenceRest(bytes: Uint8Array, withCredentials: boolean): Uint8Array | undefined {
  if (bytes.length < 2 || bytes[0] !== 5) return undefined;
  let at = 2;
  if (bytes[1] === 2 && withCredentials) {
    if (bytes.length < 4 || (bytes[2] !== 1 && bytes[2] !== 5) || bytes[3] !== 0) return undefined;
    at = 4;
  } else if (bytes[1] !== 0) return undefined;
  if (bytes.length < at + 4 || bytes[at] !== 5 || bytes[at + 1] !== 0) return undefined;
  const type = bytes[at + 3];
  const address = type === 1 ? 4 : type === 4 ? 16 : type === 3 ? 1 + (bytes[at + 4] ?? 256) : -1;
  if (address < 0) return undefined;
  const end = at + 4 + address + 2;
  return bytes.length < end ? undefined : bytes.subarray(end);
}

/**
 * A proxy that reads the greeting, then sends the current fuzzed bytes in
 * random pieces and half-closes (or, when `silent`, says nothing more and
 * waits for the client to give up).
 */
async function hostileProxy(random: Random) {
  const state: { response: Uint8Array; silent: boolean } = {
    response: new Uint8Array(),
    silent: false,
  };
  const server = await scriptedServer(async (conn) => {
    const buffer = new Uint8Array(1024);
    let got = 0;
    // The greeting: 5, the method count, the methods.
    while (got < 2 || got < 2 + buffer[1]!) {
      const n = await conn.read(buffer.subarray(got));
      if (n === null) return;
      got += n;
    }
    await answerInPieces(conn, random, state.response, { maxPiece: 64, silent: state.silent });
  });
  return { ...server, state };
}

const V6 = "\x00".repeat(15) + "\x01";
const ANSWERS = [
  "\x05\x00\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x15",
  "\x05\x00\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x15220 ready\r\n",
  "\x05\x02\x01\x00\x05\x00\x00\x03\x04edge\x00\x15220-multi\r\n220 line\r\n",
  `\x05\x00\x05\x00\x00\x04${V6}\x04\x38+OK POP3\r\n`,
  "\x05\x02\x05\x00\x05\x00\x00\x03\x00\x00\x00",
  "\x05\xff",
  "\x05\x02\x01\x01",
  "\x05\x00\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00",
  "\x05\x00\x05\x04",
  "\x05\x00\x05\x00\x00\x07\x01\x02",
  "HTTP/1.1 200 Connection Established\r\n\r\n",
];

Deno.test("openSocksTunnel fuzz against a hostile proxy: typed outcome, bounded time, exact bytes after the reply", async () => {
  const random = new Random(1928);
  const proxy = await hostileProxy(random);
  let opened = 0;
  try {
    const attempt = async (input: string) => {
      const bytes = latin1Bytes(input);
      const withCredentials = random.next() < 0.5;
      const serverSpeaksFirst = random.next() < 0.7;
      proxy.state.response = bytes;
      proxy.state.silent = random.next() < 0.1;
      const expected = referenceRest(bytes, withCredentials);
      const what = `${JSON.stringify(input)} (credentials: ${withCredentials})`;
      let conn: Conn;
      try {
        conn = await within(
          3000,
          what,
          openSocksTunnel(
            `socks5h://${withCredentials ? "u:p@" : ""}127.0.0.1:${proxy.port}`,
            "ftp.example",
            21,
            { timeoutMs: 300, serverSpeaksFirst },
          ),
        );
      } catch (error) {
        // A reply the reference accepts must open a tunnel that takes what follows.
        if (isExpectedError(error)) assert.ok(expected === undefined || !serverSpeaksFirst, what);
        throw error;
      }
      opened++;
      try {
        assert.ok(expected !== undefined, what);
        if (serverSpeaksFirst && !proxy.state.silent) {
          const after = await within(3000, `reading after ${what}`, readAll(conn));
          assert.equal(latin1(after), latin1(expected), what);
        }
      } finally {
        conn.close();
      }
    };
    // The samples as they are, then mutated.
    await fuzzAsync(
      "socks",
      { seed: 1929, count: 150, samples: ANSWERS, samplesFirst: true },
      attempt,
    );
  } finally {
    await proxy.close();
  }
  assert.ok(opened > 8, `${opened} opened`);
});
