// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz test of the CONNECT tunnel (used by the agent for https: URLs
// and by the FTP client) against a scripted hostile proxy: every attempt
// ends within a bounded time with a tunnel or a typed error, and an opened
// tunnel hands out exactly the bytes the proxy sent after its answer.
import assert from "../_assert.ts";
import { fuzzAsync, latin1, latin1Bytes, Random } from "../_fuzz.ts";
import { HttpProxyAuthenticator, openHttpTunnel } from "../../protocols/http/_tunnel.ts";
import { answerInPieces, readAll, scriptedServer, within } from "../core/_chunks.ts";

/**
 * A proxy that reads each request head and answers with the current fuzzed
 * bytes, split at random, then half-closes (or, when `silent`, says nothing
 * more and waits for the client to give up).
 */
async function hostileProxy(random: Random) {
  const state: { response: Uint8Array; silent: boolean } = {
    response: new Uint8Array(),
    silent: false,
  };
  const server = await scriptedServer(async (conn) => {
    const buf = new Uint8Array(8192);
    let pending = "";
    while (!pending.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) return;
      pending += latin1(buf.subarray(0, n));
    }
    await answerInPieces(conn, random, state.response, { maxPiece: 512, silent: state.silent });
  });
  return { ...server, state };
}

/**
 * What follows the answer's head: the bytes after its first empty line
 * (lines end at LF, a CR before it ignored, as the reader splits them).
 */
function afterHead(input: string): string {
  let at = input.indexOf("\n") + 1;
  while (at > 0 && at <= input.length) {
    const end = input.indexOf("\n", at);
    if (end === -1) return "";
    const line = input.slice(at, end);
    if (line === "" || line === "\r") return input.slice(end + 1);
    at = end + 1;
  }
  return "";
}

const ANSWERS = [
  "HTTP/1.1 200 Connection Established\r\n\r\n",
  "HTTP/1.1 200 Connection Established\r\n\r\n220 FTP server ready\r\n",
  "HTTP/1.0 200 OK\r\nProxy-Agent: x\r\n\r\n220-multi\r\n220 line\r\n",
  'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Digest realm="p", nonce="n1", qop="auth"\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\n\r\n',
  "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n\r\nnope!",
  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
  "HTTP/1.1 204 No Content\r\nX-A: b\r\n c\r\n\r\n",
];

Deno.test("openHttpTunnel fuzz against a hostile proxy: typed outcome, bounded time, exact bytes after the answer", async () => {
  const random = new Random(511);
  const proxy = await hostileProxy(random);
  const url = new URL(`http://u:p@127.0.0.1:${proxy.port}`);
  let opened = 0;
  try {
    const attempt = async (input: string) => {
      const bytes = latin1Bytes(input);
      proxy.state.response = bytes;
      proxy.state.silent = random.next() < 0.1;
      const serverSpeaksFirst = random.next() < 0.7;
      const conn = await within(
        3000,
        JSON.stringify(input),
        openHttpTunnel(url, "127.0.0.1", 21, {
          timeoutMs: 300,
          auth: new HttpProxyAuthenticator(url),
          serverSpeaksFirst,
        }),
      );
      opened++;
      try {
        // Opened: a 2xx answer, and what follows it is handed out whole.
        assert.match(input, /^HTTP\/1\.[01] 2\d\d/, JSON.stringify(input));
        const after = proxy.state.silent
          ? new Uint8Array()
          : await within(3000, `reading after ${JSON.stringify(input)}`, readAll(conn));
        const expected = afterHead(latin1(bytes));
        assert.ok(serverSpeaksFirst || expected === "", JSON.stringify(input));
        if (!proxy.state.silent) assert.equal(latin1(after), expected, JSON.stringify(input));
      } finally {
        conn.close();
      }
    };
    // The samples as they are, then mutated.
    await fuzzAsync(
      "tunnel",
      { seed: 512, count: 150, samples: ANSWERS, samplesFirst: true },
      attempt,
    );
  } finally {
    await proxy.close();
  }
  assert.ok(opened > 6, `${opened} opened`);
});
