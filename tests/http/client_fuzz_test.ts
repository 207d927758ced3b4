// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the client against a scripted hostile server on a
// loopback socket: every fetch resolves or rejects with a typed error within
// a bounded time, and a failed exchange never poisons the next request to
// the same origin.
import assert from "../_assert.ts";
import { fuzzAsync, isExpectedError, latin1Bytes, Random } from "../_fuzz.ts";
import { PortlineError } from "../../protocols/_core/mod.ts";
import { scriptedServer, within } from "../core/_chunks.ts";
import {
  HttpAgent,
  type HttpAgentRequest,
  HttpConnection,
  HttpCookieJar,
  httpFetch,
  type HttpResponse,
} from "../../protocols/http/mod.ts";

/** Refused by the guard agent: a redirect off the test server (never connected to). */
class OffHostError extends PortlineError {}

/** An agent that only talks to `host`: fuzzed Locations must not reach the network. */
class GuardAgent extends HttpAgent {
  readonly #host: string;
  constructor(host: string) {
    super({ proxy: null, headersTimeoutMs: 1000, bodyTimeoutMs: 1000, connectTimeoutMs: 1000 });
    this.#host = host;
  }
  override request(url: URL, request: HttpAgentRequest): Promise<HttpResponse> {
    if (url.host !== this.#host) {
      return Promise.reject(new OffHostError(`Cannot go to ${url.host} in this test`));
    }
    return super.request(url, request);
  }
}

const GOOD = latin1Bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood");

/**
 * A server that answers `/good` properly (keep-alive) and anything else with
 * the current fuzzed bytes, split at random, then closes its side.
 */
async function hostileServer(random: Random) {
  let current: Uint8Array = new Uint8Array();
  const server = await scriptedServer(async (conn) => {
    const buf = new Uint8Array(8192);
    let pending = "";
    for (;;) {
      let end;
      while ((end = pending.indexOf("\r\n\r\n")) === -1) {
        const n = await conn.read(buf);
        if (n === null) return;
        pending += String.fromCharCode(...buf.subarray(0, n));
      }
      const head = pending.slice(0, end);
      pending = pending.slice(end + 4);
      if (head.startsWith("GET /good ")) {
        await conn.write(GOOD);
        continue;
      }
      const bytes = current;
      for (let at = 0; at < bytes.byteLength;) {
        const n = 1 + random.int(random.next() < 0.5 ? 8 : 512);
        await conn.write(bytes.subarray(at, at += n));
      }
      // Half-close: the client sees the end of the response, but may still
      // send on this connection (and must not take stray bytes for a reply).
      await conn.closeWrite();
      while ((await conn.read(buf)) !== null);
      return;
    }
  });
  return {
    port: server.port,
    set response(bytes: Uint8Array) {
      current = bytes;
    },
    close: server.close,
  };
}

const RESPONSES = [
  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
  "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close",
  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
  "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n",
  "HTTP/1.1 301 Moved\r\nLocation: http://elsewhere.invalid/\r\nContent-Length: 0\r\n\r\n",
  'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nContent-Length: 0\r\n\r\n',
  "HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/; Max-Age=60\r\nSet-Cookie: b=2; Domain=127.0.0.1\r\nContent-Length: 2\r\n\r\nok",
  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil",
  "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 23\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00",
  "HTTP/1.0 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
];

Deno.test("httpFetch() fuzz against a hostile server: typed outcome, bounded time, no poisoning", async () => {
  const random = new Random(401);
  const server = await hostileServer(random);
  const host = `127.0.0.1:${server.port}`;
  const agent = new GuardAgent(host);
  const jar = new HttpCookieJar();
  let ok = 0;
  const exchange = async (input: string) => {
    server.response = latin1Bytes(input);
    try {
      await within(
        3000,
        JSON.stringify(input),
        (async () => {
          const response = await httpFetch(`http://${host}/fuzz`, {
            agent,
            cookies: jar,
            auth: { username: "u", password: "p" },
            maxRedirections: 3,
          });
          await response.arrayBuffer();
        })(),
      );
      ok++;
    } finally {
      // Whatever happened, the origin still works (a fresh connection when needed).
      const good = await within(
        3000,
        `good after ${JSON.stringify(input)}`,
        httpFetch(`http://${host}/good`, { agent }).then((r) => r.text()),
      );
      assert.equal(good, "good", `poisoned by ${JSON.stringify(input)}`);
    }
  };
  try {
    // The samples as they are, then mutated.
    for (const input of RESPONSES) {
      try {
        await exchange(input);
      } catch (error) {
        if (!isExpectedError(error, [OffHostError])) throw error;
      }
    }
    await fuzzAsync("fetch", {
      seed: 402,
      count: 120,
      samples: RESPONSES,
      allowed: [OffHostError],
    }, exchange);
  } finally {
    await agent.close();
    await server.close();
  }
  assert.ok(ok > 10, `${ok} fetched`);
});

Deno.test("HttpConnection fuzz against a hostile server: request and body end typed", async () => {
  const random = new Random(403);
  const server = await hostileServer(random);
  try {
    await fuzzAsync("connection", { seed: 404, count: 80, samples: RESPONSES }, async (input) => {
      server.response = latin1Bytes(input);
      const http = await HttpConnection.connect({
        hostname: "127.0.0.1",
        port: server.port,
        headersTimeoutMs: 1000,
        bodyTimeoutMs: 1000,
      });
      try {
        await within(
          3000,
          JSON.stringify(input),
          (async () => {
            const response = await http.request({ target: "/fuzz" });
            await response.bytes();
            await response.trailers;
          })(),
        );
      } catch (error) {
        if (!isExpectedError(error)) throw error;
        assert.equal(http.idle, false, "failed but reusable");
      } finally {
        http.close();
      }
    });
  } finally {
    await server.close();
  }
});
