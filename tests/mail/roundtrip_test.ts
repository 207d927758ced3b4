// Copyright 2026 the portline authors. MIT license.
// Property tests: random messages survive compose → parse unchanged, and
// damaged messages never make the parser throw anything but LimitError.
import assert from "../_assert.ts";
import {
  decodeMimeWords,
  MailMessage,
  parseAddressList,
  parseMail,
  parseMailDate,
  parseMailHeaders,
  parseMimeParams,
} from "../../protocols/mail/mod.ts";
import { LimitError } from "../../protocols/_core/mod.ts";

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const POOL = [
  ..."abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789",
  ...` "(),.;:<>@[]\\=?_-'!#*/+`,
  ..."äöüßéèçñÅØ",
  ..."日本語中文한국어Привет",
  "😀",
  "👍🏽",
  "€",
];

function randomText(random: () => number, max: number): string {
  const length = Math.floor(random() * max);
  let out = "";
  for (let i = 0; i < length; i++) out += POOL[Math.floor(random() * POOL.length)];
  return out;
}

Deno.test("random messages survive compose and parse unchanged", async () => {
  const random = rng(42);
  for (let round = 0; round < 150; round++) {
    const subject = randomText(random, 150).trim().replace(/\s+/g, " ");
    const fromName = randomText(random, 40).trim().replace(/\s+/g, " ");
    const toName = randomText(random, 40).trim().replace(/\s+/g, " ");
    const text = randomText(random, 400).replace(/\r/g, "") + "\n";
    const html = random() < 0.5 ? `<p>${randomText(random, 200)}</p>` : undefined;
    const filename = randomText(random, 120).trim().replace(/\s+/g, " ") || "x";
    const content = new Uint8Array(Math.floor(random() * 3000)).map(() => random() * 256);
    const message = new MailMessage({
      from: { name: fromName, address: "from@example.org" },
      to: [{ name: toName, address: "to@example.org" }, "other@example.org"],
      subject,
      text,
      ...(html === undefined ? {} : { html }),
      attachments: [{ filename, content }],
    });
    const bytes = await message.bytes();
    assert.equal(message.size, bytes.length);
    const wire = new TextDecoder().decode(bytes);
    for (const line of wire.split("\r\n")) assert.ok(line.length <= 998);
    assert.doesNotMatch(wire, /[\u0080-\uffff]/, "7-bit only");
    const mail = parseMail(bytes);
    const context = JSON.stringify({ round, subject, fromName, toName, filename });
    assert.equal(mail.subject ?? "", subject, context);
    assert.deepEqual(mail.from, [
      fromName ? { name: fromName, address: "from@example.org" } : { address: "from@example.org" },
    ], context);
    assert.equal(mail.to[0]!.name ?? "", toName, context);
    assert.equal(mail.to.length, 2, context);
    assert.equal(mail.text, text, context);
    assert.equal(mail.html, html, context);
    assert.equal(mail.attachments.length, 1, context);
    assert.equal(mail.attachments[0]!.filename, filename, context);
    assert.deepEqual(mail.attachments[0]!.body, content, context);
  }
});

Deno.test("damaged messages never make parseMail() throw", async () => {
  const random = rng(7);
  const base = await new MailMessage({
    from: { name: "Jörg", address: "j@example.org" },
    to: '"Lee, Ann" <ann@example.org>',
    subject: "Grüße — 日本語",
    text: "Grüße\n",
    html: "<p>x</p>",
    attachments: [
      { filename: "Übersicht.pdf", content: new Uint8Array(500) },
      { filename: "logo.png", content: new Uint8Array(50), contentId: "logo" },
    ],
  }).bytes();
  const specials = [10, 13, 32, 45, 58, 59, 61, 63, 34, 40, 60, 0, 0xff, 0xc3];
  for (let round = 0; round < 400; round++) {
    const bytes = base.slice(0, Math.floor(random() * base.length * 1.1) + 1);
    for (let k = Math.floor(random() * 20); k > 0; k--) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] = random() < 0.5
        ? specials[Math.floor(random() * specials.length)]!
        : random() * 256;
    }
    try {
      const mail = parseMail(bytes);
      assert.ok(Array.isArray(mail.attachments));
    } catch (error) {
      assert.ok(error instanceof LimitError, String(error));
    }
  }
});

Deno.test("random header text never hangs or throws in the header codecs", () => {
  const random = rng(99);
  const chars = [..." \t\r\n\"()[]<>,;:@\\=?*'%.-_abcXYZ019éÿ日", "=?utf-8?Q?", "=?utf-8?B?", "?="];
  for (let round = 0; round < 3000; round++) {
    let text = "";
    for (let k = Math.floor(random() * 60); k > 0; k--) {
      text += chars[Math.floor(random() * chars.length)];
    }
    assert.ok(Array.isArray(parseAddressList(text)));
    assert.equal(typeof parseMimeParams(text).value, "string");
    assert.equal(typeof decodeMimeWords(text), "string");
    parseMailDate(text);
    parseMailHeaders(text);
  }
});
