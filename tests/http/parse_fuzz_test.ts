// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests of the response-head parsers: the string parsers of
// parse.ts, the byte-level wire parser HttpConnection uses (which must
// accept exactly what the string parsers accept, with the same framing),
// and the framing rules a request smuggler relies on.
import assert from "../_assert.ts";
import { fuzz, fuzzAsync, isExpectedError, latin1, latin1Bytes } from "../_fuzz.ts";
import { memoryConn } from "../../protocols/_core/mod.ts";
import {
  httpBodyFraming,
  HttpConnection,
  type HttpFraming,
  HttpHeadParser,
  type HttpResponseHead,
  isHttpFieldValue,
  parseHttpChunkSize,
  parseHttpHeaderLine,
  parseHttpResponseHead,
  parseHttpStatusLine,
} from "../../protocols/http/mod.ts";

const STATUS_LINES = [
  "HTTP/1.1 200 OK",
  "HTTP/1.0 404 Not Found",
  "HTTP/1.1 204",
  "HTTP/1.1 599 x\ty",
  "HTTP/1.1 301 Moved \xe9",
];

Deno.test("parseHttpStatusLine() fuzz: parses or throws HttpParseError, never out of range", () => {
  fuzz("status line", { seed: 101, count: 3000, samples: STATUS_LINES, maxRandom: 40 }, (input) => {
    const line = parseHttpStatusLine(input);
    assert.ok(line.status >= 100 && line.status <= 599, input);
    assert.ok(line.version === "1.0" || line.version === "1.1");
    assert.ok(!/[\r\n\0]/.test(line.statusText));
  });
});

const HEADER_LINES = [
  "Content-Length: 42",
  "Transfer-Encoding: gzip, chunked",
  "Set-Cookie: a=b; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
  "X-Empty:",
  "X-Tab:\tv\t",
  'WWW-Authenticate: Digest realm="a\\"b", nonce="n"',
];

Deno.test("parseHttpHeaderLine() fuzz: a token name and a clean, trimmed value, or HttpParseError", () => {
  fuzz("header line", { seed: 102, count: 3000, samples: HEADER_LINES, maxRandom: 60 }, (input) => {
    const [name, value] = parseHttpHeaderLine(input);
    assert.match(name, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
    assert.ok(isHttpFieldValue(value), JSON.stringify(value));
    assert.ok(!/^[ \t]|[ \t]$/.test(value));
  });
});

Deno.test("parseHttpChunkSize() fuzz: a safe integer from hex digits, or HttpParseError", () => {
  const samples = [
    "0",
    "1a",
    "00000000000000000000ff",
    "5;ext=1",
    '6 ; name="q;v"',
    "fffffffffffff",
  ];
  fuzz("chunk size", { seed: 103, count: 3000, samples, maxRandom: 30 }, (input) => {
    const size = parseHttpChunkSize(input);
    assert.ok(Number.isSafeInteger(size) && size >= 0, `${input} -> ${size}`);
    assert.match(input, /^[0-9A-Fa-f]+/);
  });
});

const HEADS = [
  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\n",
  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
  "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n",
  "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
  "HTTP/1.1 200 OK\r\nConnection: close\r\nX-A: 1\r\n folded\r\n\r\n",
  "HTTP/1.1 200 OK\nContent-Length: 0\nX: y\n\n",
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
];

/** The framing an independent reading of the smuggling rules allows, checked against `framing`. */
function checkFraming(head: HttpResponseHead, method: string, framing: HttpFraming): void {
  const values = (name: string) =>
    head.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  const lengths = values("content-length");
  const encodings = values("transfer-encoding");
  // Either is refused together with the other, whatever the status.
  assert.ok(!(lengths.length > 0 && encodings.length > 0), "both CL and TE accepted");
  if (lengths.length > 0) {
    const parts = lengths.join(",").split(",").map((s) => s.trim());
    assert.ok(parts.every((p) => /^\d+$/.test(p)), `bad Content-Length accepted: ${lengths}`);
    assert.equal(new Set(parts.map(Number)).size, 1, `conflicting Content-Length: ${lengths}`);
  }
  const bodiless = method === "HEAD" || head.status < 200 || head.status === 204 ||
    head.status === 304;
  if (bodiless) {
    assert.equal(framing.kind, "none");
  } else if (encodings.length > 0) {
    assert.equal(framing.kind, "chunked");
    assert.equal(head.version, "1.1");
    const codings = encodings.join(",").split(",").map((c) => c.trim().toLowerCase())
      .filter((c) => c !== "");
    assert.equal(codings.at(-1), "chunked");
    assert.equal(codings.filter((c) => c === "chunked").length, 1);
  } else if (lengths.length > 0) {
    assert.equal(framing.kind, "length");
    assert.equal(framing.length, Number(lengths[0]!.split(",")[0]!.trim()));
  } else {
    assert.equal(framing.kind, "close");
    assert.equal(framing.keepAlive, false);
  }
}

Deno.test("parseHttpResponseHead() + httpBodyFraming() fuzz: smuggling-relevant framing is refused", () => {
  let accepted = 0;
  fuzz("head", { seed: 104, count: 3000, samples: HEADS }, (input) => {
    const head = parseHttpResponseHead(input, { maxHeaderBytes: 4096, maxHeaderCount: 20 });
    assert.ok(head.headers.length <= 20);
    for (const method of ["GET", "HEAD"]) checkFraming(head, method, httpBodyFraming(head, method));
    accepted++;
  });
  // The mutations must also reach the accepting paths, or the oracle checks nothing.
  assert.ok(accepted > 100, `${accepted} accepted`);
});

Deno.test("HttpHeadParser fuzz: limits hold line by line", () => {
  fuzz("head parser", { seed: 105, count: 1000, samples: HEADS }, (input) => {
    const parser = new HttpHeadParser({ maxHeaderBytes: 200, maxHeaderCount: 3 });
    let bytes = 0;
    for (const line of input.split(/\r?\n/)) {
      bytes += line.length + 2;
      if (parser.push(line)) {
        assert.ok(bytes <= 200);
        assert.ok(parser.head().headers.length <= 3);
        return;
      }
    }
  });
});

/** What the wire parser made of `input` as a response to `method`: framing, or the error class. */
async function wireOutcome(
  input: string,
  method: string,
): Promise<{ head?: HttpResponseHead; framing?: HttpFraming; error?: string }> {
  // The head alone: the body is not this test's business (a `close` body reads to EOF).
  const http = new HttpConnection(memoryConn([latin1Bytes(input)]), {
    maxHeaderBytes: 4096,
    maxHeaderCount: 20,
  });
  try {
    const response = await http.request({ method });
    const out = {
      head: {
        version: response.version,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      },
      framing: response.framing,
    };
    response.body?.cancel().catch(() => {});
    return out;
  } catch (error) {
    if (!isExpectedError(error)) throw error;
    return { error: (error as Error).name };
  } finally {
    http.close();
  }
}

Deno.test("HttpConnection head fuzz: the wire parser agrees with parseHttpResponseHead()", async () => {
  let agreed = 0;
  await fuzzAsync("wire vs string", { seed: 106, count: 1500, samples: HEADS }, async (text) => {
    // Bytes as the wire carries them (chars above 255 cut to a byte).
    const input = latin1(latin1Bytes(text));
    // The head up to its first empty line, so both parsers see the same bytes.
    const end = /\r?\n\r?\n/.exec(input);
    if (end === null || !input.startsWith("HTTP/")) return;
    const head = input.slice(0, end.index + end[0].length);
    // The wire parser allows a bare LF line end only; a lone CR the string parser refuses.
    let expected: { head?: HttpResponseHead; framing?: HttpFraming; error?: string };
    try {
      const parsed = parseHttpResponseHead(head, { maxHeaderBytes: 4096, maxHeaderCount: 20 });
      expected = { head: parsed, framing: httpBodyFraming(parsed, "GET") };
    } catch (error) {
      if (!isExpectedError(error)) throw error;
      expected = { error: (error as Error).name };
    }
    // Transfer codings before chunked are decoded by the connection, which
    // refuses the ones it cannot decode: no comparison for those.
    if ((expected.framing?.codings.length ?? 0) > 0) return;
    const got = await wireOutcome(head, "GET");
    if (expected.error !== undefined) {
      assert.ok(got.error !== undefined, `wire accepted ${JSON.stringify(head)}`);
      return;
    }
    // A 1xx head is skipped by the connection, which then waits for the
    // final head: none follows here, so the exchange cannot succeed.
    if (expected.head!.status < 200) {
      assert.ok(got.error !== undefined, `wire accepted ${JSON.stringify(head)}`);
      return;
    }
    assert.equal(got.error, undefined, `wire refused ${JSON.stringify(head)}: ${got.error}`);
    assert.deepEqual(got.head, expected.head);
    assert.deepEqual(
      { ...got.framing, keepAliveTimeoutMs: got.framing!.keepAliveTimeoutMs },
      { ...expected.framing, keepAliveTimeoutMs: expected.framing!.keepAliveTimeoutMs },
    );
    checkFraming(got.head!, "GET", got.framing!);
    agreed++;
  });
  assert.ok(agreed > 50, `${agreed} agreed`);
});
