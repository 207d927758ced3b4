// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the pure HTTP codecs: Content-Encoding decoding,
// Set-Cookie parsing and the cookie jar, authentication challenges, and
// redirect Location handling.
import assert from "../_assert.ts";
import process from "node:process";
import { concatBytes } from "../../protocols/_core/mod.ts";
import { fuzz, fuzzAsync, latin1, latin1Bytes, mutate, Random } from "../_fuzz.ts";
import {
  chooseHttpAuthChallenge,
  decodeHttpBody,
  httpAuthorization,
  HttpCookieJar,
  HttpLimitError,
  HttpParseError,
  httpRedirect,
  HttpRedirectError,
  isHttpFieldValue,
  parseHttpAuthChallenges,
} from "../../protocols/http/mod.ts";

/** A stream of `bytes` in pieces of at most `size`. */
function streamOf(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at += size));
    },
  });
}

Deno.test("decodeHttpBody() fuzz: random and mutated gzip/deflate/br give bytes or HttpParseError", async () => {
  const plain = "hello hello hello portline ".repeat(20);
  // node:zlib makes every sample in both runtimes (Deno's CompressionStream has no brotli).
  const zlib = await import("node:zlib");
  const make = (f: (b: Uint8Array) => Uint8Array, text: string) =>
    latin1(new Uint8Array(f(latin1Bytes(text))));
  const samples: Record<string, string[]> = {
    gzip: [make(zlib.gzipSync, plain), make(zlib.gzipSync, "")],
    deflate: [make(zlib.deflateSync, plain), make(zlib.deflateRawSync, plain)],
    br: [make(zlib.brotliCompressSync, plain)],
  };
  let decoded = 0;
  let seed = 301;
  for (const coding of ["gzip", "deflate", "br"]) {
    const random = new Random(seed);
    await fuzzAsync(
      coding,
      { seed: seed++, count: 60, samples: samples[coding]! },
      async (input) => {
        const bytes = latin1Bytes(input);
        const stream = await decodeHttpBody(streamOf(bytes, 1 + random.int(64)), [coding]);
        let total = 0;
        try {
          for await (const chunk of stream) {
            total += chunk.byteLength;
            // Bounded: these inputs (≤ a few hundred bytes) cannot hold a bomb this large.
            assert.ok(total < 1 << 20, `${coding}: ${total} bytes out of ${bytes.byteLength}`);
          }
          decoded++;
        } catch (error) {
          if (!(error instanceof HttpParseError)) throw error;
          assert.match(error.message, /^Cannot decode the /);
        }
      },
    );
  }
  assert.ok(decoded > 5, `${decoded} decoded`);
});

/** Reads a decoded stream whole: its bytes, or the error it ended with. */
async function drain(
  stream: ReadableStream<Uint8Array>,
): Promise<{ bytes: Uint8Array; error?: unknown }> {
  const pieces: Uint8Array[] = [];
  try {
    for await (const chunk of stream) pieces.push(chunk);
  } catch (error) {
    return { bytes: concatBytes(pieces), error };
  }
  return { bytes: concatBytes(pieces) };
}

/** Two decoders' outputs agree as far as both went (one may fail sooner on corrupt data). */
function assertSamePrefix(a: Uint8Array, b: Uint8Array): void {
  const n = Math.min(a.byteLength, b.byteLength);
  assert.deepEqual(a.subarray(0, n), b.subarray(0, n));
}

Deno.test("decodeHttpBody() fuzz: with maxBytes, the streaming decoders agree with the default ones and never pass the limit", async () => {
  const zlib = await import("node:zlib");
  const plain = latin1Bytes("bounded bodies, streamed decoders; ".repeat(40));
  const samples: Record<string, string[]> = {
    gzip: [latin1(new Uint8Array(zlib.gzipSync(plain)))],
    deflate: [
      latin1(new Uint8Array(zlib.deflateSync(plain))),
      latin1(new Uint8Array(zlib.deflateRawSync(plain))),
    ],
    br: [latin1(new Uint8Array(zlib.brotliCompressSync(plain)))],
  };
  let whole = 0;
  let limited = 0;
  let seed = 311;
  for (const coding of ["gzip", "deflate", "br"]) {
    const random = new Random(seed);
    await fuzzAsync(
      `${coding} bounded`,
      { seed: seed++, count: 60, samples: samples[coding]! },
      async (input) => {
        const bytes = latin1Bytes(input);
        const size = 1 + random.int(64);
        const reference = await drain(await decodeHttpBody(streamOf(bytes, size), [coding]));
        // Half the limits are at least the plain text's size: most samples fit.
        const maxBytes = random.pick([
          0,
          100,
          plain.byteLength - 1,
          plain.byteLength,
          1 << 20,
          Number.MAX_SAFE_INTEGER,
        ]);
        const bounded = await drain(
          await decodeHttpBody(streamOf(bytes, 1 + random.int(64)), [coding], { maxBytes }),
        );
        assert.ok(
          bounded.bytes.byteLength <= maxBytes,
          `${bounded.bytes.byteLength} > ${maxBytes}`,
        );
        if (bounded.error === undefined) {
          // Whole: exactly what the default decoder gives, and it fitted.
          // (Deno's node:zlib brotli decoder ends a truncated stream without
          // an error, where Node's and DecompressionStream report it.)
          if (coding === "br" && process.versions.deno !== undefined && reference.error) {
            assertSamePrefix(bounded.bytes, reference.bytes);
          } else {
            assert.equal(reference.error, undefined, `default failed: ${reference.error}`);
            assert.deepEqual(bounded.bytes, reference.bytes);
          }
          whole++;
        } else if (bounded.error instanceof HttpLimitError) {
          // Stopped at the limit: a prefix of the default decoder's output.
          assertSamePrefix(bounded.bytes, reference.bytes);
          assert.ok(
            reference.error !== undefined || reference.bytes.byteLength > maxBytes,
            `limit error on ${reference.bytes.byteLength} bytes with maxBytes ${maxBytes}`,
          );
          limited++;
        } else {
          assert.ok(bounded.error instanceof HttpParseError, `untyped: ${bounded.error}`);
          assert.match(bounded.error.message, /^Cannot decode the /);
          // Corrupt data: the default decoder fails on it too.
          assert.ok(reference.error !== undefined, "only the streaming decoder failed");
          assertSamePrefix(bounded.bytes, reference.bytes);
        }
      },
    );
  }
  // The samples (compressed by this runtime's zlib, so the mutations differ
  // by runtime) decode whole at their size, and stop one byte short of it.
  for (const [coding, list] of Object.entries(samples)) {
    for (const sample of list) {
      const bytes = latin1Bytes(sample);
      for (const maxBytes of [plain.byteLength, plain.byteLength - 1]) {
        const out = await drain(await decodeHttpBody(streamOf(bytes, 7), [coding], { maxBytes }));
        if (maxBytes === plain.byteLength) {
          assert.equal(out.error, undefined);
          assert.deepEqual(out.bytes, plain);
        } else {
          assert.ok(out.error instanceof HttpLimitError, `${coding}: ${out.error}`);
        }
      }
    }
  }
  assert.ok(whole + limited > 20, `${whole} whole, ${limited} limited`);
});

const SET_COOKIES = [
  "sid=abc; Path=/app; HttpOnly",
  "id=7; Domain=.example.com; Secure; SameSite=Lax",
  "a=1; Max-Age=60",
  "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
  "c=3; expires=Thu, 01-Jan-70 00:00:01 GMT; path=/",
  "d=4; Domain=EXAMPLE.com; Path=/x/y",
  "e=; Max-Age=0",
  "f=5; Domain=xn--bcher-kva.example.com",
  "g=6; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=3600",
];

Deno.test("HttpCookieJar fuzz: Set-Cookie never throws, stored cookies are well formed and bounded", () => {
  const urls = [
    "http://example.com/",
    "https://www.example.com/app/login",
    "http://127.0.0.1:8080/a/b",
    "https://[::1]/x",
    "http://localhost/",
  ];
  const now = new Date(Date.UTC(2026, 0, 1));
  const jar = new HttpCookieJar({ maxCookiesPerDomain: 5, maxCookies: 12 });
  const random = new Random(310);
  fuzz("set-cookie", { seed: 311, count: 3000, samples: SET_COOKIES, maxRandom: 80 }, (input) => {
    const url = random.pick(urls);
    jar.setCookie(input, url, now);
    assert.ok(jar.size <= 12, `${jar.size} cookies`);
    const header = jar.cookieHeader(random.pick(urls), now);
    if (header !== null) assert.ok(!/[\r\n\0]/.test(header), JSON.stringify(header));
    for (const cookie of jar.cookies(undefined, now)) {
      assert.ok(cookie.name !== "" && isHttpFieldValue(cookie.name + cookie.value));
      assert.ok(cookie.path.startsWith("/"));
      assert.ok(cookie.domain !== "" && cookie.domain === cookie.domain.toLowerCase());
      assert.ok(cookie.expires === null || !Number.isNaN(cookie.expires.getTime()));
    }
  });
  assert.ok(jar.size > 0);
});

const CHALLENGES = [
  'Digest realm="a, b", nonce="n\\"x\\\\", qop="auth", Basic realm="x"',
  'Digest realm="r", nonce="7ypf/xlj9XXwfDPEoM4URrv", algorithm=SHA-256, qop="auth, auth-int", opaque="o"',
  "Digest realm=r, nonce=n, algorithm=MD5-sess, userhash=true",
  'Basic realm="test", charset="UTF-8"',
  "Bearer abc==, Negotiate",
  "Digest realm=r, nonce=n, algorithm=constructor",
  'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
];

Deno.test("parseHttpAuthChallenges() fuzz: never throws; a chosen challenge can be answered", () => {
  let answered = 0;
  fuzz("challenges", { seed: 320, count: 3000, samples: CHALLENGES, maxRandom: 80 }, (input) => {
    // Only what can arrive in a header field (the head parser refuses control characters).
    if (!isHttpFieldValue(input)) return;
    const challenges = parseHttpAuthChallenges(input);
    for (const c of challenges) {
      assert.match(c.scheme, /^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
      for (const name of Object.keys(c.params)) assert.equal(name, name.toLowerCase());
    }
    const chosen = chooseHttpAuthChallenge(challenges);
    if (chosen === undefined) return;
    const value = httpAuthorization(chosen, {
      username: "u",
      password: "p",
      method: "GET",
      uri: "/x",
      cnonce: "c",
    });
    assert.match(value, /^(Basic|Digest) /);
    // The answer goes into a header field: no CR, LF or NUL whatever the challenge held.
    assert.ok(!/[\r\n\0]/.test(value), JSON.stringify(value));
    answered++;
  });
  assert.ok(answered > 300, `${answered} answered`);
});

Deno.test("httpRedirect() fuzz: an http(s) URL or HttpRedirectError, credentials never cross origins", () => {
  const locations = [
    "/next?a=1#f",
    "http://other.example/x",
    "https://a.example:8443/y",
    "//b.example/z",
    "javascript:alert(1)",
    "http://[::1]:80/",
    "../../up",
  ];
  const from = {
    url: new URL("http://a.example/form#frag"),
    method: "POST",
    headers: [["Authorization", "Basic eA=="], ["Cookie", "a=1"], [
      "Content-Type",
      "text/plain",
    ]] as [
      string,
      string,
    ][],
  };
  const random = new Random(330);
  fuzz("location", {
    seed: 331,
    count: 3000,
    samples: locations,
    maxRandom: 40,
    allowed: [HttpRedirectError],
  }, (input) => {
    const status = random.pick([301, 302, 303, 307, 308]);
    const step = httpRedirect(status, input, from);
    assert.ok(step !== null);
    assert.ok(step.url.protocol === "http:" || step.url.protocol === "https:");
    if (step.url.origin !== from.url.origin) {
      assert.ok(!step.headers.some(([n]) => /^(authorization|cookie)$/i.test(n)));
    }
  });
  assert.equal(httpRedirect(200, "/x", from), null);
  assert.equal(httpRedirect(301, null, from), null);
});

Deno.test("mutate() on cookie dates reaches the date parser's accepting paths", () => {
  // The date parser must stay total on hostile dates (no RangeError from Date).
  const random = new Random(340);
  const jar = new HttpCookieJar();
  let stored = 0;
  for (let i = 0; i < 1000; i++) {
    const date = mutate(random, "Wed, 21 Oct 2035 07:28:00 GMT");
    if (jar.setCookie(`k${i}=v; Expires=${date}`, "http://example.com/", new Date(0))) stored++;
  }
  assert.ok(stored > 100, `${stored} stored`);
  for (const cookie of jar.cookies(undefined, new Date(0))) {
    assert.ok(cookie.expires === null || Number.isFinite(cookie.expires.getTime()));
  }
});
