// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests for the mail codecs: quoted-printable, base64, RFC 2047
// encoded-words, MIME parameters (RFC 2231), dates and header folding. The
// decoders are documented never to throw, so any error at all is a bug; the
// encoders must round-trip through them.
import assert from "../_assert.ts";
import { fuzz, latin1, latin1Bytes, Random } from "../_fuzz.ts";
import {
  decodeMimeBase64,
  decodeMimeWords,
  decodeQuotedPrintable,
  encodeMimeBase64,
  encodeMimeWords,
  encodeQuotedPrintable,
  formatMailDate,
  formatMailHeader,
  formatMimeParam,
  formatMimeParams,
  MimeBase64Encoder,
  parseMailDate,
  parseMailHeaders,
  parseMimeParams,
} from "../../protocols/mail/mod.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";

/** Fails on any error: the target documents that it never throws. */
const NEVER: readonly (abstract new (...args: never[]) => Error)[] = [];

function never(name: string, fn: (input: string) => void): (input: string) => void {
  return (input) => {
    try {
      fn(input);
    } catch (error) {
      // Wrapped so fuzz() reports even a PortlineError: none is documented.
      throw new Error(`${name} threw ${(error as Error)?.stack ?? error}`);
    }
  };
}

// Code points a random header value or file name is drawn from: ASCII with
// every special, controls, Latin-1, BMP scripts, combining marks, astral
// emoji, and the characters RFC 2047/2231 syntax is made of.
const CHARS = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ...` !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`,
  "\t",
  "\x01",
  "\x1b",
  "\x7f",
  "\x80",
  "\xa0",
  ..."äöüßéÿ",
  ..."日本語中文한국어Привет",
  "\u0301",
  "\u200b",
  "\u2028",
  "\ufeff",
  "\ufffd",
  "😀",
  "👍🏽",
  "𝔘",
  "=?",
  "?=",
  "=?utf-8?Q?",
  "=?utf-8?B?",
  "%E2%82%AC",
  "''",
  "*0*=",
];

/** Random text of up to `max` picks from CHARS (well-formed UTF-16). */
function randomText(random: Random, max: number): string {
  let out = "";
  for (let n = random.int(max + 1); n > 0; n--) out += random.pick(CHARS);
  return out;
}

function randomBytes(random: Random, max: number): Uint8Array {
  const out = new Uint8Array(random.int(max + 1));
  for (let i = 0; i < out.length; i++) out[i] = random.int(256);
  return out;
}

const QP_SAMPLES = [
  "Gr=C3=BC=C3=9Fe=\r\n, 100=% \r\nok",
  "soft=\nbreak = 5=3D5\t\r\n=0D=0A=00=FF=fe\r\n",
  "line with trailing space   \r\n=\r\n==\r\n=4=\r\n=\r",
  "x".repeat(75) + "=\r\n" + "y".repeat(30),
];

Deno.test("decodeQuotedPrintable() fuzz: never throws, at most one byte per input byte (CRLF per LF)", () => {
  fuzz(
    "decodeQuotedPrintable",
    { seed: 0x5101, count: 3000, samples: QP_SAMPLES, allowed: NEVER },
    never("decodeQuotedPrintable", (input) => {
      const bytes = latin1Bytes(input);
      const out = decodeQuotedPrintable(bytes);
      const breaks = input.split("\n").length - 1;
      assert.ok(out.length <= bytes.length + breaks);
      // The string form (UTF-8 encoded first) decodes the same as its bytes.
      const text = input.replace(/[\u0080-\uffff]/g, "?");
      assert.deepEqual(decodeQuotedPrintable(text), decodeQuotedPrintable(latin1Bytes(text)));
    }),
  );
});

Deno.test("quoted-printable round trip: decode(encode(bytes)) is the bytes, lines within the limit", () => {
  const random = new Random(0x5102);
  for (let round = 0; round < 600; round++) {
    const bytes = random.next() < 0.5 ? randomBytes(random, 400) : random.bytes(random.int(400));
    const lineLength = random.next() < 0.5 ? 76 : 4 + random.int(120);
    const encoded = encodeQuotedPrintable(bytes, { binary: true, lineLength });
    const context = JSON.stringify({ round, lineLength, bytes: latin1(bytes) });
    assert.deepEqual(decodeQuotedPrintable(encoded), bytes, context);
    for (const line of encoded.split("\r\n")) {
      assert.ok(line.length <= lineLength, context);
      assert.match(line, /^[\x21-\x7e \t]*$/, context);
      assert.doesNotMatch(line, /[ \t]$/, context);
    }
    // Text mode: line ends become CRLF, everything else comes back as is.
    const text = randomText(random, 200) + random.pick(["", "\n", "\r\n", "\r", " ", "\t\n"]);
    const normalized = text.replace(/\r\n|\r|\n/g, "\r\n");
    assert.equal(
      new TextDecoder("utf-8", { ignoreBOM: true }).decode(
        decodeQuotedPrintable(encodeQuotedPrintable(text, { lineLength })),
      ),
      normalized,
      JSON.stringify({ round, lineLength, text }),
    );
  }
});

const BASE64_SAMPLES = [
  "aGVs\r\nbG8=",
  "aGVsbG8",
  "QQ==QUJD",
  "QR==",
  "Q===",
  "====",
  "A\r\nB\r\nC\r\nD",
  "YWJj ZGVm\t\x00!@#",
  "8J+YgA==\r\n",
];

Deno.test("decodeMimeBase64() fuzz: never throws, and the native path agrees with the lenient one", () => {
  // Inputs of 4096+ characters go through Uint8Array.fromBase64 when the
  // runtime has it; ASCII white space is skipped by both paths, so padding an
  // input with line breaks must not change what it decodes to.
  const pad = "\r\n".repeat(2100);
  fuzz(
    "decodeMimeBase64",
    { seed: 0x5103, count: 3000, samples: BASE64_SAMPLES, allowed: NEVER },
    never("decodeMimeBase64", (input) => {
      const bytes = latin1Bytes(input);
      const out = decodeMimeBase64(bytes);
      assert.ok(out.length <= Math.ceil((bytes.length * 3) / 4));
      const text = latin1(bytes); // one char per byte, as the bytes
      assert.deepEqual(decodeMimeBase64(text), out, "string and bytes agree");
      assert.deepEqual(decodeMimeBase64(latin1Bytes(text + pad)), out, "native and lenient agree");
      assert.deepEqual(decodeMimeBase64(text + pad), out, "native and lenient agree (string)");
    }),
  );
});

Deno.test("base64 round trip: decode(encode(bytes)) is the bytes, whole or streamed in random chunks", () => {
  const random = new Random(0x5104);
  for (let round = 0; round < 300; round++) {
    const bytes = randomBytes(random, random.next() < 0.2 ? 9000 : 300);
    const lineLength = random.next() < 0.5 ? 76 : 4 * (1 + random.int(40));
    const encoded = encodeMimeBase64(bytes, { lineLength });
    assert.deepEqual(decodeMimeBase64(encoded), bytes, `round ${round}`);
    assert.ok(encoded.split("\r\n").every((line) => line.length <= lineLength));
    const encoder = new MimeBase64Encoder({ lineLength });
    let streamed = "";
    for (let at = 0; at < bytes.length;) {
      const size = random.int(200);
      streamed += latin1(encoder.push(bytes.subarray(at, at + size)));
      at += size;
    }
    streamed += latin1(encoder.end());
    assert.equal(streamed, encoded.length ? encoded + "\r\n" : "", `round ${round}`);
  }
});

const WORD_SAMPLES = [
  "=?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?ISO-8859-1?B?/A==?= x",
  "=?utf-8?B?4oI=?= =?utf-8?B?rA==?=",
  "=?UTF-8*en?q?a_b?=\r\n =?utf-8?q?c?=",
  "=?x-unknown?Q?a?= =?utf-16le?B?YQBiAA==?= =?utf-8?Q?=E2=82?=",
  "a=?utf-8?q?=?= =?=? ?= =??Q??=",
];

Deno.test("decodeMimeWords() fuzz: never throws", () => {
  fuzz(
    "decodeMimeWords",
    { seed: 0x5105, count: 3000, samples: WORD_SAMPLES, allowed: NEVER },
    never("decodeMimeWords", (input) => {
      assert.equal(typeof decodeMimeWords(input), "string");
      // Text without "?" (so without "=?") is returned as it is.
      const plain = input.replaceAll("?", "");
      assert.equal(decodeMimeWords(plain), plain);
    }),
  );
});

Deno.test("encoded-word round trip: decodeMimeWords(encodeMimeWords(text)) is the text", () => {
  const random = new Random(0x5106);
  for (let round = 0; round < 1500; round++) {
    const text = randomText(random, 80);
    const maxLength = random.next() < 0.5 ? 75 : 16 + random.int(60);
    const encoding = random.pick(["B", "Q", "auto"] as const);
    const encoded = encodeMimeWords(text, { maxLength, encoding });
    const context = JSON.stringify({ round, text, maxLength, encoding, encoded });
    assert.equal(decodeMimeWords(encoded), text, context);
    // One code point (4 UTF-8 bytes, 12 as Q) may overflow a tiny limit.
    for (const word of encoded.split(" ")) {
      assert.ok(word.length <= Math.max(maxLength, 24), context);
    }
    assert.match(encoded, /^[\x21-\x7e ]*$/, context);
  }
});

const PARAM_SAMPLES = [
  "text/plain; charset=utf-8; format=flowed",
  `attachment; filename*0*=utf-8''%E2%82%AC; filename*1=" rates.txt"; size=12`,
  `multipart/mixed; boundary="=_abc (x)"; (comment) x=y`,
  `inline; filename="a\\"b;c.txt"; FILENAME*=iso-8859-1'de'%FC.txt; name==?utf-8?Q?x?=`,
  `a; b*2*=%41; b*0*=utf-16le''%41%00; b*1=c; b*10000=x; b*=z; c*0="unterminated`,
  "text/plain; constructor=x; __proto__=y; toString*=utf-8''z",
];

Deno.test("parseMimeParams() fuzz: never throws; values and names are strings", () => {
  fuzz(
    "parseMimeParams",
    { seed: 0x5107, count: 3000, samples: PARAM_SAMPLES, allowed: NEVER },
    never("parseMimeParams", (input) => {
      const parsed = parseMimeParams(input);
      assert.equal(typeof parsed.value, "string");
      assert.equal(Object.getPrototypeOf(parsed.params), Object.prototype);
      for (const [name, value] of Object.entries(parsed.params)) {
        assert.equal(name, name.toLowerCase());
        assert.equal(typeof value, "string", name);
      }
    }),
  );
});

const TOKEN_CHARS = [..."!#$%&'+-.0123456789^_`abcdefghijklmnopqrstuvwxyz{|}~"];

Deno.test("MIME parameter round trip: format, fold into a header, parse back", () => {
  const random = new Random(0x5108);
  for (let round = 0; round < 800; round++) {
    const params: [string, string][] = [];
    const names = new Set<string>();
    for (let k = random.int(4); k >= 0; k--) {
      let name = random.next() < 0.15
        ? random.pick(["constructor", "__proto__", "tostring", "filename", "name"])
        : "";
      for (let n = 1 + random.int(8); name === "" && n > 0; n--) name += random.pick(TOKEN_CHARS);
      if (names.has(name)) continue;
      names.add(name);
      params.push([name, randomText(random, 90)]);
    }
    const segmentLength = random.next() < 0.5 ? 64 : 16 + random.int(60);
    const value = formatMimeParams("application/x-fuzz", params, { segmentLength });
    const header = formatMailHeader("Content-Type", value);
    const context = JSON.stringify({ round, params, segmentLength, header });
    assert.ok(header.split("\r\n").every((line) => line.length <= 998), context);
    const parsed = parseMimeParams(parseMailHeaders(header).getRaw("content-type")!);
    assert.equal(parsed.value, "application/x-fuzz", context);
    const expected: Record<string, string> = {};
    for (const [name, text] of params) {
      Object.defineProperty(expected, name, {
        value: text,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    assert.deepEqual(parsed.params, expected, context);
  }
});

Deno.test("formatMimeParam(): a value that looks like an encoded-word survives (was decoded)", () => {
  const formatted = formatMimeParam("filename", "=?utf-8?Q?a?=");
  assert.equal(formatted, "filename*=utf-8''%3D%3Futf-8%3FQ%3Fa%3F%3D");
  assert.deepEqual(parseMimeParams(`attachment; ${formatted}`).params, {
    filename: "=?utf-8?Q?a?=",
  });
});

Deno.test("parseMimeParams(): parameters named like Object.prototype members are kept", () => {
  const parsed = parseMimeParams("text/plain; constructor=x; __proto__=y; b*0=1; b*1=2");
  assert.deepEqual(Object.keys(parsed.params), ["constructor", "__proto__", "b"]);
  assert.equal(parsed.params.constructor, "x");
  assert.equal(Object.getOwnPropertyDescriptor(parsed.params, "__proto__")?.value, "y");
  assert.equal(Object.getPrototypeOf(parsed.params), Object.prototype);
  assert.equal(parsed.params.b, "12");
});

Deno.test("parseMimeParams(): many repeated continuations stay linear (quadratic dedup before)", () => {
  // 100,000 pieces over 10,000 indices: ~10^9 compares with the old scan.
  const pieces = Array.from(
    { length: 100_000 },
    (_, i) => `;a*${i % 10_000}=${i < 10_000 ? "x" : "y"}`,
  );
  assert.equal(parseMimeParams("t/x" + pieces.join("")).params.a, "x".repeat(10_000));
});

const DATE_SAMPLES = [
  "Tue, 1 Jul 2003 10:52:37 +0200",
  "1 Jul 03 10:52 EDT",
  "Thu, 13 Feb 1969 23:32:54 -0330 (Newfoundland Time)",
  "Mon,  3 Jan 0050 00:00:00 GMT",
  "2003-07-01T10:52:37Z",
  "31 Feb 9999 99:99:99 +9999",
];

Deno.test("parseMailDate() fuzz: never throws; a date or undefined, never an invalid Date", () => {
  fuzz(
    "parseMailDate",
    { seed: 0x5109, count: 3000, samples: DATE_SAMPLES, allowed: NEVER },
    never("parseMailDate", (input) => {
      const date = parseMailDate(input);
      if (date !== undefined) assert.ok(!Number.isNaN(date.getTime()), input);
    }),
  );
});

Deno.test("date round trip: parseMailDate(formatMailDate(date)) is the date, to the second", () => {
  const random = new Random(0x510a);
  const min = Date.UTC(2000, 0, 1) - 2000 * 365.25 * 86_400_000; // about year 0
  const max = Date.UTC(9999, 11, 31);
  for (let round = 0; round < 2000; round++) {
    const time = Math.floor((min + random.next() * (max - min)) / 1000) * 1000;
    const text = formatMailDate(new Date(time));
    assert.match(text, /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/);
    assert.equal(parseMailDate(text)?.getTime(), time, text);
  }
});

Deno.test("formatMailDate(): years before 1000 get four digits (999 was read as 2899)", () => {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(50);
  assert.equal(formatMailDate(date), "Sat, 01 Jan 0050 00:00:00 +0000");
  assert.equal(parseMailDate("Sat, 01 Jan 0050 00:00:00 +0000")?.toISOString(), date.toISOString());
  date.setUTCFullYear(-1);
  assert.throws(() => formatMailDate(date), RangeError);
});

Deno.test("formatMailHeader() fuzz: unstructured text round-trips; CR, LF and NUL are refused", () => {
  const random = new Random(0x510b);
  for (let round = 0; round < 1500; round++) {
    let value = randomText(random, 120);
    if (random.next() < 0.1) value = "x".repeat(random.int(1200)) + " " + value;
    const inject = random.next() < 0.15;
    if (inject) {
      const at = random.int(value.length + 1);
      value = value.slice(0, at) + random.pick(["\r\n", "\n", "\r", "\0", "\r\nBcc: x@y"]) +
        value.slice(at);
    }
    const context = JSON.stringify({ round, value });
    if (inject) {
      assert.throws(
        () => formatMailHeader("Subject", value, { unstructured: true }),
        InvalidArgumentError,
        context,
      );
      continue;
    }
    const header = formatMailHeader("Subject", value, { unstructured: true });
    const lines = header.split("\r\n");
    assert.equal(lines.pop(), "", context);
    for (const [k, line] of lines.entries()) {
      // Over 78 only when the line is one word that cannot be folded.
      const words = (k === 0 ? line.slice("Subject:".length) : line).trim();
      assert.ok(line.length <= 78 || !/[ \t]/.test(words), context);
      assert.doesNotMatch(line, /[\r\n\0]/, context);
      if (k > 0) assert.match(line, /^[ \t]/, context);
    }
    const headers = parseMailHeaders(header + "\r\n");
    assert.equal(headers.size, 1, context);
    assert.equal(headers.get("subject"), value.replace(/^[ \t]+|[ \t]+$/g, ""), context);
  }
});

Deno.test("header trimming is linear in a long inner run of blanks (was quadratic)", () => {
  // 500,000 spaces between two words took minutes with /[ \t\r\n]+$/.
  const blanks = " ".repeat(500_000);
  const headers = parseMailHeaders(
    `Subject: a${blanks}b \r\nContent-Type: text/plain${blanks}x\r\n\r\n`,
  );
  assert.equal(headers.get("subject"), `a${blanks}b`);
  assert.equal(headers.getRaw("content-type"), `text/plain${blanks}x`);
  assert.throws(
    () => formatMailHeader("X-Long", `a${blanks}b`, { unstructured: true }),
    InvalidArgumentError,
  );
  assert.equal(formatMailHeader("X", `${blanks}a b${blanks}`), "X: a b\r\n");
});

Deno.test("UTF-8 decoding keeps a leading U+FEFF (TextDecoder dropped it)", () => {
  assert.equal(decodeMimeWords("=?utf-8?B?77u/YQ==?="), "\ufeffa");
  assert.equal(decodeMimeWords("=?unicode-1-1-utf-8?Q?=EF=BB=BFa?="), "\ufeffa");
  assert.equal(parseMimeParams("a; filename*=utf-8''%EF%BB%BFa").params.filename, "\ufeffa");
  assert.equal(
    parseMailHeaders(latin1Bytes("Subject: \xef\xbb\xbfa\r\n\r\n")).get("subject"),
    "\ufeffa",
  );
});
