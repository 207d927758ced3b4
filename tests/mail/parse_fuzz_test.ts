// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests for the message parsers: parseMail, parseMailHeaders and
// parseMailStream take random bytes and damaged real-looking messages, and
// may only answer with a parsed message or a LimitError (what they
// document). Hostile shapes (deep nesting, long runs of one character, long
// boundaries) must stop at a limit or stay linear.
import assert from "../_assert.ts";
import { fuzz, fuzzAsync, latin1Bytes } from "../_fuzz.ts";
import {
  type ParsedMail,
  type ParsedMailPart,
  parseMail,
  parseMailHeaders,
  parseMailStream,
} from "../../protocols/mail/mod.ts";
import { LimitError } from "../../protocols/_core/mod.ts";

const MIXED = [
  "Return-Path: <bounce@example.org>",
  "Received: from mx.example.org (mx.example.org [192.0.2.1])\r\n\tby in.example.net; Tue, 1 Jul 2003 10:52:37 +0200",
  "From: =?utf-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org> (Jörg at work)",
  'To: "Lee, Ann" <ann@example.org>, team: bo@example.org, "cy q"@example.net;,',
  " undisclosed-recipients:;",
  "Cc: =?iso-8859-1?B?Sm9z6Q==?= <jose@xn--bcher-kva.example>, <@relay.example:dee@example.org>",
  "Subject: =?utf-8?B?R3LDvMOfZQ==?= =?utf-8?Q?_aus_K=C3=B6ln?= and\r\n more",
  "Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)",
  "Message-ID: <1234.5678@example.org>",
  "In-Reply-To: <a@example.org> <b@example.org>",
  "References: <a@example.org>\r\n <b@example.org>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="=_outer (x)"',
  "",
  "This is a multi-part message in MIME format.",
  "--=_outer (x)",
  'Content-Type: multipart/alternative; boundary="alt"',
  "",
  "--alt",
  "Content-Type: text/plain; charset=iso-8859-1",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "K=F6ln =3D sch=F6n=",
  "  soft",
  "--alt",
  'Content-Type: multipart/related; type="text/html"; boundary=rel',
  "",
  "--rel",
  "Content-Type: text/html; charset=utf-8",
  "Content-Transfer-Encoding: base64",
  "",
  "PHA+SGFsbG8gPGltZyBzcmM9ImNpZDpsb2dvIj48L3A+",
  "--rel",
  "Content-Type: image/png; name=logo.png",
  "Content-ID: <logo@example.org>",
  "Content-Disposition: inline",
  "Content-Transfer-Encoding: base64",
  "",
  "iVBORw0KGgo=",
  "--rel--",
  "--alt--",
  "--=_outer (x)",
  "Content-Type: application/pdf;\r\n name*0*=utf-8''%C3%9Cber; name*1*=sicht.pdf",
  "Content-Disposition: attachment;\r\n filename*0*=utf-8''%C3%9Cber;\r\n filename*1=\"sicht.pdf\"; size=4",
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERg==",
  "--=_outer (x)",
  "Content-Type: message/rfc822",
  'Content-Disposition: attachment; filename="fwd.eml"',
  "",
  "From: inner@example.org",
  "Subject: =?utf-8?Q?inner?=",
  'Content-Type: text/plain; charset="utf-8"; format=flowed',
  "",
  "Inner body.",
  "--=_outer (x)--",
  "epilogue",
  "",
].join("\r\n");

const SAMPLES = [
  MIXED,
  MIXED.replaceAll("\r\n", "\n"),
  "From: a@example.org\nSubject: hi\n\nbody\n",
  "From Someone Tue Jul  1 10:52:37 2003\nFrom: a@b\n\nmbox",
  "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: x\n\nx\n--d\nContent-Type: text/plain\n\ny\n--d--\n",
  "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=a\n\n--a\n\nx\n--a--\n",
  "Content-Type: text/plain; charset=utf-16le\nContent-Transfer-Encoding: base64\n\n//5oAGkA\n",
  "Content-Type: text/plain; charset=x-unknown\nContent-Transfer-Encoding: 8bit\n\nGr\xfc\xdfe \xe2\x82\xac\n",
  'Content-Type: multipart/mixed; boundary=""\n\n--\n\nempty boundary\n----\n',
  "Content-Type: multipart/mixed\n\nno boundary\n",
  "Content-Type: ;;;\nContent-Disposition: attachment; filename*=bogus''%ZZ%\nContent-ID: <<>>\nContent-Transfer-Encoding: BASE64 \n\n!!!!\n",
  "Subject: =?utf-8?q?=E2=82?= =?utf-8?q?=AC?=\nFrom: (only a comment)\nTo: ,,,;;:<>@\nDate: 31 Feb 9999 99:99:99 +9999\n\n",
];

const NOT_LEAF = /^multipart\//;

/** Checks what every parsed message promises, whatever the input. */
function checkMail(mail: ParsedMail, depth = 0): void {
  assert.ok(depth <= 33);
  for (const list of [mail.from, mail.to, mail.cc, mail.bcc, mail.replyTo]) {
    for (const mailbox of list) {
      assert.equal(typeof mailbox.address, "string");
      assert.ok(mailbox.address.length > 0);
      if (mailbox.name !== undefined) assert.equal(mailbox.name, mailbox.name.trim());
    }
  }
  if (mail.date !== undefined) assert.ok(!Number.isNaN(mail.date.getTime()));
  for (const id of [...mail.inReplyTo, ...mail.references]) assert.match(id, /^<[^<>]*>$/);
  if (mail.text !== undefined) assert.doesNotMatch(mail.text, /\r/);
  if (mail.html !== undefined) assert.doesNotMatch(mail.html, /\r/);
  checkPart(mail.root, depth);
  for (const part of mail.attachments) assert.doesNotMatch(part.contentType, NOT_LEAF);
}

function checkPart(part: ParsedMailPart, depth: number): void {
  assert.match(part.contentType, /^[^/\sA-Z]+\/[^/\sA-Z]+$/);
  assert.equal(part.transferEncoding, part.transferEncoding.trim().toLowerCase());
  assert.ok(part.body instanceof Uint8Array);
  for (const [name, value] of part.headers.raw()) {
    assert.equal(typeof name, "string");
    // Unfolded: a value never holds a line feed, nor starts or ends blank.
    assert.doesNotMatch(value, /\n|^[ \t]|[ \t\r]$/, JSON.stringify(value));
  }
  for (const [, value] of part.headers) assert.equal(typeof value, "string");
  if (part.contentType.startsWith("text/") && part.children.length === 0) {
    assert.equal(typeof part.text, "string");
    assert.doesNotMatch(part.text!, /\r/);
  }
  for (const child of part.children) checkPart(child, depth + 1);
  if (part.message) checkMail(part.message, depth + 1);
}

/** parseMail that fails (for fuzz()) on anything but a LimitError. */
function parseOrLimit(input: Uint8Array | string): ParsedMail | undefined {
  try {
    return parseMail(input);
  } catch (error) {
    if (error instanceof LimitError) return undefined;
    throw new Error(`parseMail threw ${(error as Error)?.stack ?? error}`);
  }
}

Deno.test("parseMail() fuzz: random and damaged messages parse, or stop at a limit", () => {
  fuzz("parseMail", { seed: 0x5201, count: 1500, samples: SAMPLES, maxRandom: 600 }, (input) => {
    const mail = parseOrLimit(latin1Bytes(input));
    if (mail) checkMail(mail);
    // Text is UTF-8 encoded first; it parses as well.
    const fromText = parseOrLimit(input);
    if (fromText) checkMail(fromText);
  });
});

Deno.test("parseMail() fuzz: tight limits give LimitError, never another error", () => {
  const options = { maxDepth: 2, maxParts: 5, maxHeaders: 8, maxHeaderBytes: 300 };
  fuzz("parseMail limits", { seed: 0x5202, count: 800, samples: SAMPLES }, (input) => {
    try {
      checkMail(parseMail(latin1Bytes(input), options));
    } catch (error) {
      if (!(error instanceof LimitError)) {
        throw new Error(`parseMail threw ${(error as Error)?.stack ?? error}`);
      }
    }
  });
});

Deno.test("parseMailHeaders() fuzz: any bytes give header fields or a LimitError", () => {
  fuzz("parseMailHeaders", { seed: 0x5203, count: 2000, samples: SAMPLES }, (input) => {
    let headers;
    try {
      headers = parseMailHeaders(latin1Bytes(input));
    } catch (error) {
      if (error instanceof LimitError) return;
      throw new Error(`parseMailHeaders threw ${(error as Error)?.stack ?? error}`);
    }
    for (const [name, value] of headers.raw()) {
      assert.doesNotMatch(value, /\n/);
      assert.equal(headers.has(name), true);
      assert.equal(typeof headers.get(name), "string");
      assert.ok(headers.getAll(name).length >= 1);
    }
  });
});

Deno.test("parseMailStream() fuzz: any chunking gives what parseMail gives", async () => {
  let k = 0;
  await fuzzAsync(
    "parseMailStream",
    { seed: 0x5204, count: 200, samples: SAMPLES },
    async (input) => {
      const bytes = latin1Bytes(input);
      const size = 1 + (k++ % 97);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
      const whole = parseOrLimit(bytes);
      try {
        const streamed = await parseMailStream(ReadableStream.from(chunks));
        assert.ok(whole, "parseMailStream parsed what parseMail refused");
        assert.equal(streamed.subject, whole.subject);
        assert.equal(streamed.text, whole.text);
        assert.deepEqual(streamed.to, whole.to);
        assert.equal(streamed.attachments.length, whole.attachments.length);
      } catch (error) {
        if (!(error instanceof LimitError)) throw error;
        assert.equal(whole, undefined);
      }
    },
  );
});

function nestedMultiparts(depth: number): string {
  let s = "";
  for (let i = 0; i < depth; i++) {
    s += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  }
  return s + "\r\nleaf\r\n";
}

Deno.test("parseMail(): 10,000 nested parts stop at maxDepth, even a huge one (was a stack overflow)", () => {
  const multiparts = nestedMultiparts(10_000);
  const messages = "Content-Type: message/rfc822\r\n\r\n".repeat(10_000) + "leaf";
  for (const input of [multiparts, messages]) {
    assert.throws(() => parseMail(input), LimitError);
    // maxDepth: Infinity used to recurse until a RangeError.
    assert.throws(() => parseMail(input, { maxDepth: Infinity }), LimitError);
  }
  // Within the cap, deep nesting still parses.
  const mail = parseMail(nestedMultiparts(200), { maxDepth: 250 });
  let part = mail.root;
  for (let i = 0; i < 200; i++) part = part.children[0]!;
  assert.equal(part.text, "leaf\n");
});

Deno.test("parseMail(): a long boundary over a body of dashes is linear (was quadratic)", () => {
  // 1 MiB of dashes and a 100,000-dash boundary: every dash started a
  // 100,000-byte comparison before (10^11 steps).
  const boundary = "-".repeat(100_000);
  const mail = parseMail(
    `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` + "-".repeat(1 << 20),
  );
  assert.equal(mail.root.children.length, 0);
  // The same boundary still splits real parts.
  const two = parseMail(
    `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
      `--${boundary}\r\n\r\none\r\n--${boundary}\r\n\r\ntwo\r\n--${boundary}--\r\n`,
  );
  assert.deepEqual(two.root.children.map((part) => part.text), ["one", "two"]);
});

Deno.test("parseMail(): one endless header line is held to maxHeaderBytes (was unlimited)", () => {
  const line = "X-Long: " + "a".repeat(2 << 20);
  assert.throws(() => parseMail(line), LimitError);
  assert.throws(() => parseMailHeaders(line + "\r\n\r\nbody"), LimitError);
  assert.throws(() => parseMailHeaders("Subject: x\r\n " + "a".repeat(2 << 20)), LimitError);
  assert.equal(
    parseMailHeaders(line, { maxHeaderBytes: 3 << 20 }).getRaw("x-long")?.length,
    2 << 20,
  );
  // A long body line after the header is no header line: no limit.
  assert.equal(parseMail("Subject: x\r\n\r\n" + "a".repeat(2 << 20)).text?.length, 2 << 20);
});

Deno.test("parseMail(): hostile 1 MiB headers and bodies parse in linear time", () => {
  const MiB = 1 << 20;
  const cases: [string, (mail: ParsedMail) => void][] = [
    [
      "Subject: a" + " ".repeat(MiB / 2) + "b\r\n\r\n",
      (mail) => assert.equal(mail.subject?.length, MiB / 2 + 2),
    ],
    [
      "Content-Type: text/plain;" + "\t".repeat(MiB / 2) + "charset=utf-8\r\n\r\nbody",
      (mail) => assert.equal(mail.text, "body"),
    ],
    ["To: " + "(".repeat(MiB / 2) + "\r\n\r\n", (mail) => assert.deepEqual(mail.to, [])],
    ["From: " + "a@".repeat(MiB / 4) + "\r\n\r\n", (mail) => assert.equal(mail.from.length, 1)],
    [
      "Subject: " + "=?x-fuzz?Q?a?=".repeat(MiB / 16) + "\r\n\r\n",
      (mail) => assert.ok(mail.subject),
    ],
    [
      "References: " + "<a".repeat(MiB / 4) + ">\r\n\r\n",
      (mail) => assert.deepEqual(mail.references, ["<a>"]),
    ],
    [
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + "--bx\r\n".repeat(MiB / 6),
      (mail) => assert.equal(mail.root.children.length, 0),
    ],
    [
      "Content-Type: text/plain; " + "a*1=x;".repeat(MiB / 12) + "\r\n\r\n",
      (mail) => assert.equal(mail.root.params.a, "x"),
    ],
  ];
  for (const [input, check] of cases) check(parseMail(input));
});
