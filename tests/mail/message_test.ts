// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  type MailInit,
  MailMessage,
  type ParsedMailPart,
  parseMail,
} from "../../protocols/mail/mod.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";

const dec = new TextDecoder();

function bytesOf(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function tree(part: ParsedMailPart): unknown {
  return part.children.length ? { [part.contentType]: part.children.map(tree) } : part.contentType;
}

/** Checks what every message we write must satisfy. */
function assertWellFormed(bytes: Uint8Array): string {
  const text = dec.decode(bytes);
  assert.ok(text.endsWith("\r\n"), "ends with CRLF");
  assert.doesNotMatch(text, /\r(?!\n)|(?<!\r)\n/, "CRLF line ends only");
  const [head] = text.split("\r\n\r\n", 1);
  assert.doesNotMatch(head!, /^bcc:/im, "no Bcc");
  for (const line of text.split("\r\n")) {
    assert.ok(line.length <= 998, "line within 998");
  }
  for (const line of head!.split("\r\n")) {
    const words = line.replace(/^[!-9;-~]+:/, "").trim().split(/\s+/);
    assert.ok(line.length <= 78 || words.length === 1, `header line too long: ${line}`);
  }
  return text;
}

async function roundTrip(init: MailInit) {
  const message = new MailMessage(init);
  const bytes = await message.bytes();
  const text = assertWellFormed(bytes);
  if (message.size !== undefined) assert.equal(message.size, bytes.length, "size");
  return { message, bytes, text, mail: parseMail(bytes) };
}

Deno.test("MailMessage writes a text-only message", async () => {
  const { text, mail, message } = await roundTrip({
    from: "Ann <ann@example.org>",
    to: "bo@example.org",
    subject: "Hello",
    text: "line one\nline two",
    date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    messageId: "abc@example.org",
  });
  assert.equal(
    text,
    "Date: Tue, 02 Jan 2024 03:04:05 +0000\r\n" +
      "From: Ann <ann@example.org>\r\n" +
      "To: bo@example.org\r\n" +
      "Subject: Hello\r\n" +
      "Message-ID: <abc@example.org>\r\n" +
      "MIME-Version: 1.0\r\n" +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      "Content-Transfer-Encoding: 7bit\r\n" +
      "\r\n" +
      "line one\r\nline two\r\n",
  );
  assert.equal(message.messageId, "<abc@example.org>");
  assert.equal(mail.text, "line one\nline two\n");
  assert.equal(message.needsSmtpUtf8, false);
  assert.equal(message.needs8BitMime, false);
});

Deno.test("MailMessage generates Date and a Message-ID from the From domain", async () => {
  const before = Date.now() - 1000;
  const { message, mail } = await roundTrip({ from: "ann@Bücher.example", text: "x" });
  assert.match(message.messageId, /^<[0-9a-z.]+@xn--bcher-kva\.example>$/);
  assert.equal(mail.messageId, message.messageId);
  assert.ok(mail.date!.getTime() >= Math.floor(before / 1000) * 1000);
  const other = new MailMessage({ from: "ann@example.org" });
  assert.notEqual(other.messageId, new MailMessage({ from: "ann@example.org" }).messageId);
});

Deno.test("MailMessage picks the MIME structure from the content", async () => {
  const png = bytesOf(100);
  const cases: { title: string; init: Omit<MailInit, "from">; expected: unknown }[] = [
    { title: "nothing", init: {}, expected: "text/plain" },
    { title: "html only", init: { html: "<b>x</b>" }, expected: "text/html" },
    {
      title: "alternative",
      init: { text: "x", html: "<b>x</b>" },
      expected: { "multipart/alternative": ["text/plain", "text/html"] },
    },
    {
      title: "related inside alternative",
      init: {
        text: "x",
        html: '<img src="cid:logo">',
        attachments: [{ filename: "logo.png", content: png, contentId: "logo" }],
      },
      expected: {
        "multipart/alternative": [
          "text/plain",
          { "multipart/related": ["text/html", "image/png"] },
        ],
      },
    },
    {
      title: "mixed around everything",
      init: {
        text: "x",
        html: '<img src="cid:logo">',
        attachments: [
          { filename: "logo.png", content: png, contentId: "<logo@x>" },
          { filename: "a.pdf", content: png },
        ],
      },
      expected: {
        "multipart/mixed": [
          {
            "multipart/alternative": ["text/plain", {
              "multipart/related": ["text/html", "image/png"],
            }],
          },
          "application/pdf",
        ],
      },
    },
    {
      title: "Content-ID without html goes to mixed",
      init: { text: "x", attachments: [{ filename: "logo.png", content: png, contentId: "logo" }] },
      expected: { "multipart/mixed": ["text/plain", "image/png"] },
    },
    {
      title: "attachments only",
      init: { attachments: [{ content: "a,b\n", contentType: "text/csv" }] },
      expected: { "multipart/mixed": ["text/csv"] },
    },
  ];
  for (const { title, init, expected } of cases) {
    const { mail } = await roundTrip({ from: "a@example.org", ...init });
    assert.deepEqual(tree(mail.root), expected, title);
  }
});

Deno.test("MailMessage round-trips text, html, names and attachments", async () => {
  const binary = bytesOf(10_000, 5);
  const filename =
    "Übersicht über die sehr lange Datei — mit Umlauten äöü und noch mehr Text 日本語.pdf";
  const { mail, message } = await roundTrip({
    from: { name: "Jörg Müller, Jr.", address: "joerg@example.org" },
    to: ['"Lee, Ann" <ann@example.org>', {
      name: 'Bo "The Hammer" Lee',
      address: "bo@example.org",
    }],
    cc: [{ name: "=?utf-8?Q?not encoded?=", address: "cy@example.org" }],
    replyTo: "replies@example.org",
    subject: "Grüße aus Köln — ein sehr langer Betreff, der gefaltet werden muss 日本語のテキスト",
    text: "Hallo!\n" + "Zeile mit Ümlaut und einer sehr langen Zeile ".repeat(5) +
      "\n.\nFrom here\n",
    html: "<p>Hallo <b>Welt</b> — 日本語</p>",
    attachments: [
      { filename, content: binary },
      { filename: "notes.txt", content: "Grüße\n" },
      { filename: "empty.bin", content: new Uint8Array() },
    ],
    headers: [["X-Note", "Ça va? =?"], ["In-Reply-To", "<x@example.org>"], [
      "References",
      "<w@example.org> <x@example.org>",
    ]],
  });
  assert.equal(
    mail.subject,
    "Grüße aus Köln — ein sehr langer Betreff, der gefaltet werden muss 日本語のテキスト",
  );
  assert.deepEqual(mail.from, [{ name: "Jörg Müller, Jr.", address: "joerg@example.org" }]);
  assert.deepEqual(mail.to, [
    { name: "Lee, Ann", address: "ann@example.org" },
    { name: 'Bo "The Hammer" Lee', address: "bo@example.org" },
  ]);
  assert.deepEqual(mail.cc, [{ name: "=?utf-8?Q?not encoded?=", address: "cy@example.org" }]);
  assert.deepEqual(mail.replyTo, [{ address: "replies@example.org" }]);
  assert.equal(
    mail.text,
    "Hallo!\n" + "Zeile mit Ümlaut und einer sehr langen Zeile ".repeat(5) + "\n.\nFrom here\n",
  );
  assert.equal(mail.html, "<p>Hallo <b>Welt</b> — 日本語</p>");
  assert.equal(mail.headers.get("x-note"), "Ça va? =?");
  assert.deepEqual(mail.inReplyTo, ["<x@example.org>"]);
  assert.deepEqual(mail.references, ["<w@example.org>", "<x@example.org>"]);
  assert.deepEqual(mail.attachments.map((a) => [a.filename, a.contentType, a.disposition]), [
    [filename, "application/pdf", "attachment"],
    ["notes.txt", "text/plain", "attachment"],
    ["empty.bin", "application/octet-stream", "attachment"],
  ]);
  assert.deepEqual(mail.attachments[0]!.body, binary);
  assert.equal(mail.attachments[1]!.params.charset, "utf-8");
  assert.equal(mail.attachments[1]!.text, "Grüße\n");
  assert.equal(mail.attachments[2]!.body.length, 0);
  assert.equal(message.needs8BitMime, false);
});

Deno.test("MailMessage encodes text as 7bit, quoted-printable or base64", async () => {
  const cases: { text: string; encoding: string }[] = [
    { text: "short ASCII", encoding: "7bit" },
    { text: "x".repeat(77), encoding: "quoted-printable" },
    { text: "Grüße, mostly ASCII", encoding: "quoted-printable" },
    { text: "日本語のテキスト".repeat(20), encoding: "base64" },
    { text: "a NUL \0 is never 7bit", encoding: "quoted-printable" },
  ];
  for (const { text, encoding } of cases) {
    const { mail } = await roundTrip({ from: "a@example.org", text });
    assert.equal(mail.root.transferEncoding, encoding, text);
    // A single 7bit part must end in a line end, so one is added.
    assert.equal(mail.text, encoding === "7bit" ? text + "\n" : text, text);
  }
});

Deno.test("MailMessage.envelope() uses Sender, dedupes recipients and keeps Bcc off the wire", async () => {
  const message = new MailMessage({
    from: ["a@example.org", "b@example.org"],
    sender: "list@example.org",
    to: "x@example.org, y@example.org",
    cc: ["X@example.org", "x@EXAMPLE.org"],
    bcc: "hidden@example.org",
  });
  assert.deepEqual(message.envelope(), {
    from: "list@example.org",
    to: ["x@example.org", "y@example.org", "X@example.org", "hidden@example.org"],
  });
  const text = assertWellFormed(await message.bytes());
  assert.doesNotMatch(text, /hidden/);
  assert.match(text, /^Sender: list@example\.org\r$/m);
});

Deno.test("MailMessage writes non-ASCII domains in IDNA form without smtpUtf8", async () => {
  const { message, text } = await roundTrip({
    from: "ann@bücher.example",
    to: "Jörg <j@münchen.example>",
  });
  assert.equal(message.needsSmtpUtf8, false);
  assert.deepEqual(message.envelope(), {
    from: "ann@xn--bcher-kva.example",
    to: ["j@xn--mnchen-3ya.example"],
  });
  assert.match(text, /^To: =\?utf-8\?B\?SsO2cmc=\?= <j@xn--mnchen-3ya\.example>\r$/m);
  assert.throws(() => new MailMessage({ from: "jörg@example.org" }), InvalidArgumentError);
  assert.throws(
    () => new MailMessage({ from: "a@example.org", bcc: "jörg@example.org" }),
    InvalidArgumentError,
  );
});

Deno.test("MailMessage writes raw UTF-8 when smtpUtf8 is set and needed", async () => {
  const { message, text, mail } = await roundTrip({
    from: { name: "Jörg", address: "jörg@bücher.example" },
    to: "ann@example.org",
    subject: "Grüße",
    text: "Grüße\n",
    smtpUtf8: true,
  });
  assert.equal(message.needsSmtpUtf8, true);
  assert.equal(message.needs8BitMime, true);
  assert.deepEqual(message.envelope(), { from: "jörg@bücher.example", to: ["ann@example.org"] });
  assert.match(text, /^From: Jörg <jörg@bücher\.example>\r$/m);
  assert.match(text, /^Subject: Grüße\r$/m);
  assert.match(text, /^Content-Transfer-Encoding: 8bit\r$/m);
  assert.deepEqual(mail.from, [{ name: "Jörg", address: "jörg@bücher.example" }]);
  assert.equal(mail.text, "Grüße\n");

  // Asked for, but not needed: the message stays 7-bit and portable.
  const ascii = new MailMessage({
    from: "a@example.org",
    subject: "Grüße",
    text: "Grüße",
    smtpUtf8: true,
  });
  assert.equal(ascii.needsSmtpUtf8, false);
  assert.equal(ascii.needs8BitMime, false);
  assert.match(dec.decode(await ascii.bytes()), /^Subject: =\?utf-8\?/m);
});

Deno.test("MailMessage refuses header injection everywhere", () => {
  const bad = "x\r\nBcc: victim@example.org";
  const inits: MailInit[] = [
    { from: "a@example.org", subject: bad },
    { from: { name: bad, address: "a@example.org" } },
    { from: { address: "a@example.org\r\nX: y" } },
    { from: "a@example.org", to: bad + "@example.org" },
    { from: "a@example.org", headers: { "X-Custom": bad } },
    { from: "a@example.org", headers: { "X-Custom\r\nBcc": "x" } },
    { from: "a@example.org", attachments: [{ filename: bad, content: "x" }] },
    { from: "a@example.org", attachments: [{ contentType: "text/plain\r\nX: y", content: "x" }] },
    { from: "a@example.org", attachments: [{ contentId: bad, content: "x" }] },
    { from: "a@example.org", messageId: bad },
  ];
  for (const init of inits) {
    assert.throws(() => new MailMessage(init), InvalidArgumentError, JSON.stringify(init));
  }
});

Deno.test("MailMessage refuses invalid input with clear errors", () => {
  const inits: [MailInit, RegExp][] = [
    [{ from: [] }, /no From/],
    [{ from: "not an address" }, /not local@domain/],
    [{ from: "a@b.org, c@d.org" }, /Sender/],
    [{ from: "a@b.org", sender: "x@y.org, z@y.org" }, /one address/],
    [{ from: "a@b.org", headers: { Subject: "x" } }, /its own field/],
    [{ from: "a@b.org", headers: { "content-type": "x" } }, /its own field/],
    [{ from: "a@b.org", attachments: [{ contentType: "nonsense", content: "x" }] }, /content type/],
    [
      { from: "a@b.org", attachments: [{ contentType: "multipart/mixed", content: "x" }] },
      /multipart/,
    ],
    [{ from: "a@b.org", messageId: "has space@x" }, /Message-ID/],
    [{ from: "a@b.org", date: new Date(NaN) }, /date/],
    [{ from: "a@b.org", text: 5 as unknown as string }, /text/],
    [{ from: "a@b.org", attachments: [{ content: 5 as unknown as string }] }, /content/],
  ];
  for (const [init, message] of inits) {
    assert.throws(() => new MailMessage(init), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("MailMessage boundaries never occur in the content", async () => {
  // Text that contains boundary-like lines and dashes.
  const text = "--=_\n--=_0123456789abcdef01234567\n--\n" + "-".repeat(80);
  const { text: wire, mail } = await roundTrip({
    from: "a@example.org",
    text,
    html: text,
    attachments: [{ filename: "x.txt", content: text }],
  });
  const boundaries = [...wire.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(boundaries.length, 2);
  assert.equal(new Set(boundaries).size, 2);
  for (const boundary of boundaries) {
    // Once per part plus the close delimiter, never elsewhere.
    const count = wire.split("--" + boundary).length - 1;
    assert.equal(count, 3);
  }
  assert.equal(mail.text, text);
  assert.equal(mail.attachments[0]!.text, text);
});

function countingStream(chunks: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      controller.enqueue(bytesOf(size, ++state.pulled));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

Deno.test("MailMessage.stream() streams attachment streams as they are read", async () => {
  const { stream, state } = countingStream(80, 64 * 1024); // 5 MiB
  const message = new MailMessage({
    from: "a@example.org",
    to: "b@example.org",
    text: "big file",
    attachments: [{ filename: "big.bin", content: stream }],
  });
  assert.equal(message.size, undefined);
  const reader = message.stream().getReader();
  let total = 0;
  let first = -1;
  const hash = await crypto.subtle.digest(
    "SHA-256",
    await (async () => {
      const parts: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (first < 0) first = state.pulled;
        total += value.length;
        parts.push(value);
      }
      const all = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        all.set(part, at);
        at += part.length;
      }
      const mail = parseMail(all);
      assert.equal(mail.attachments[0]!.body.length, 80 * 64 * 1024);
      return new Uint8Array(mail.attachments[0]!.body);
    })(),
  );
  // The first output arrived long before the attachment was read through.
  assert.ok(first < 5, `first chunk after ${first} pulls`);
  assert.equal(state.pulled, 80);
  const expected = new Uint8Array(80 * 64 * 1024);
  for (let i = 0; i < 80; i++) expected.set(bytesOf(64 * 1024, i + 1), i * 64 * 1024);
  assert.deepEqual(
    new Uint8Array(hash),
    new Uint8Array(await crypto.subtle.digest("SHA-256", expected)),
  );
  assert.throws(() => message.stream(), TypeError);
});

Deno.test("MailMessage.stream() cancels attachment streams when cancelled", async () => {
  const { stream, state } = countingStream(1000, 1024);
  const message = new MailMessage({ from: "a@example.org", attachments: [{ content: stream }] });
  const reader = message.stream().getReader();
  await reader.read();
  await reader.cancel();
  assert.equal(state.cancelled, true);
  assert.ok(state.pulled < 1000);
});

Deno.test("MailMessage.stream() passes attachment stream errors on", async () => {
  const failing = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error("disk gone"));
    },
  });
  const message = new MailMessage({ from: "a@example.org", attachments: [{ content: failing }] });
  await assert.rejects(message.bytes(), /disk gone/);
});

Deno.test("MailMessage without stream attachments can be written twice, identically", async () => {
  const message = new MailMessage({
    from: "a@example.org",
    text: "x",
    attachments: [{ content: "y" }],
  });
  assert.deepEqual(await message.bytes(), await message.bytes());
});

Deno.test("MailMessage.size matches the bytes for many shapes", async () => {
  const inits: MailInit[] = [
    { from: "a@example.org" },
    { from: "a@example.org", text: "" },
    { from: "a@example.org", text: "no newline" },
    { from: "a@example.org", text: "x".repeat(100) },
    { from: "a@example.org", text: "日本語".repeat(50) },
    { from: "a@example.org", html: "<p>é</p>", text: "é" },
    { from: "a@example.org", attachments: [{ content: new Uint8Array() }] },
    {
      from: "a@example.org",
      attachments: [{ content: new Uint8Array(57) }, { content: new Uint8Array(58) }],
    },
    {
      from: "a@example.org",
      html: "<p>x</p>",
      attachments: [{ content: "x", contentId: "c" }, {
        content: "",
        contentType: "message/rfc822",
      }],
    },
  ];
  for (const init of inits) {
    const message = new MailMessage(init);
    const bytes = await message.bytes();
    assertWellFormed(bytes);
    assert.equal(message.size, bytes.length, JSON.stringify(init));
  }
});

Deno.test("MailMessage attaches messages as message/rfc822 without base64", async () => {
  const inner = new MailMessage({
    from: "inner@example.org",
    subject: "Inner",
    text: "inner body\n",
  });
  const innerBytes = await inner.bytes();
  const { mail, text } = await roundTrip({
    from: "a@example.org",
    text: "see attached",
    attachments: [
      { filename: "fwd.eml", content: innerBytes },
      { contentType: "message/rfc822", content: ReadableStream.from([innerBytes]) },
    ],
  });
  assert.doesNotMatch(text, /message\/rfc822[^]*?Content-Transfer-Encoding: base64/);
  assert.equal(mail.attachments.length, 2);
  for (const attachment of mail.attachments) {
    assert.equal(attachment.contentType, "message/rfc822");
    assert.equal(attachment.message?.subject, "Inner");
    assert.equal(attachment.message?.text, "inner body\n");
  }
});

Deno.test("MailMessage types an attachment named like an Object member as application/octet-stream", async () => {
  // The extension table inherited Object's members: "x.constructor" was typed
  // as `function Object() { [native code] }`.
  const message = new MailMessage({
    from: "ann@example.org",
    to: "bob@example.org",
    text: "x",
    attachments: [
      { filename: "notes.constructor", content: "a" },
      { filename: "notes.__proto__", content: "b" },
      { filename: "notes.txt", content: "c" },
    ],
  });
  const parsed = parseMail(await message.bytes());
  const types = parsed.attachments.map((a) => a.contentType);
  assert.deepEqual(types, ["application/octet-stream", "application/octet-stream", "text/plain"]);
});
