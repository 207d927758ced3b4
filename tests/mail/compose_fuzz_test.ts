// Copyright 2026 the portline authors. MIT license.
// Seeded fuzz tests for addresses and the composer: parseAddressList never
// throws; formatted mailboxes parse back to themselves; and messages built
// from random names, addresses, subjects, header values, file names and
// bodies either are refused with InvalidArgumentError (CR, LF or NUL in a
// header value) or parse back to the same values, with no injected header.
import assert from "../_assert.ts";
import { fuzz, Random } from "../_fuzz.ts";
import {
  formatMailAddress,
  type MailAddress,
  type MailAttachment,
  MailMessage,
  parseAddressList,
  parseMail,
} from "../../protocols/mail/mod.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";

const ADDRESS_SAMPLES = [
  `"Lee, Ann" <ann@example.org>, =?utf-8?Q?J=C3=B6rg?= <j@example.org>, team: bo@example.org (Bo);, undisclosed-recipients:;`,
  `ann@example.org (Ann (the (nested) one)), <@relay1,@relay2:cy@example.org>, "quoted \\" local"@example.org`,
  `Jörg Müller <jörg@bücher.example>, dee@[192.0.2.1], eve@[IPv6:2001:db8::1], "" <>, <>, @, :;`,
  `=?iso-8859-1?B?Sm9z6Q==?= <jose@example.org>, "=?utf-8?Q?in_quotes?=" <q@example.org>`,
  `a@b c@d, "unterminated <x@y>, (open comment <z@w>`,
];

Deno.test("parseAddressList() fuzz: never throws; every mailbox has an address", () => {
  fuzz(
    "parseAddressList",
    { seed: 0x5301, count: 3000, samples: ADDRESS_SAMPLES, allowed: [] },
    (input) => {
      try {
        for (const mailbox of parseAddressList(input)) {
          assert.equal(typeof mailbox.address, "string");
          assert.ok(mailbox.address.length > 0);
          if (mailbox.name !== undefined) {
            assert.ok(mailbox.name.length > 0);
            assert.equal(mailbox.name, mailbox.name.trim());
          }
        }
      } catch (error) {
        throw new Error(`parseAddressList threw ${(error as Error)?.stack ?? error}`);
      }
    },
  );
});

// Display names: every special, controls, white space, encoded-word look-alikes.
const NAME_CHARS = [
  ..."abcXYZ019 ",
  ...`!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`,
  "\t",
  "\x01",
  "\x7f",
  "\xa0",
  ..."äßé",
  ..."日本語Привет",
  "😀",
  "\ufeff",
  "=?",
  "?=",
  "=?utf-8?Q?x?=",
];
const ATEXT = [..."abcxyzABC0189!#$%&'*+-/=?^_`{|}~"];
const QTEXT = [..." !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~", "\\\\", '\\"', "\t"];
const DOMAINS = [
  "example.org",
  "sub.example.co.uk",
  "xn--bcher-kva.example",
  "a-b.c_d.example",
  "[192.0.2.1]",
  "[IPv6:2001:db8::1]",
  "bücher.example",
  "例え.テスト",
];

function randomName(random: Random): string {
  let name = "";
  for (let n = random.int(24); n > 0; n--) name += random.pick(NAME_CHARS);
  return name;
}

/** A random valid address (dot-atom or quoted local part) and its parsed form. */
function randomAddress(random: Random, ascii: boolean): { address: string; canonical: string } {
  let local: string;
  let canonical: string;
  if (random.next() < 0.7) {
    const atoms: string[] = [];
    for (let k = random.int(3); k >= 0; k--) {
      let atom = "";
      for (let n = 1 + random.int(6); n > 0; n--) atom += random.pick(ATEXT);
      atoms.push(atom);
    }
    local = canonical = atoms.join(".");
  } else {
    let inner = "";
    for (let n = random.int(10); n > 0; n--) inner += random.pick(QTEXT);
    local = `"${inner}"`;
    // Parsed back, a quoted local part stays quoted only when it must.
    const text = inner.replace(/\\(.)/g, "$1");
    const dotAtom = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
    canonical = dotAtom.test(text) ? text : '"' + text.replace(/[\\"]/g, "\\$&") + '"';
  }
  const domain = random.pick(ascii ? DOMAINS.slice(0, 6) : DOMAINS);
  return { address: `${local}@${domain}`, canonical: `${canonical}@${domain}` };
}

Deno.test("address round trip: formatMailAddress() lists parse back to the same mailboxes", () => {
  const random = new Random(0x5302);
  for (let round = 0; round < 1500; round++) {
    const mailboxes: MailAddress[] = [];
    const expected: MailAddress[] = [];
    for (let k = random.int(4); k >= 0; k--) {
      const { address, canonical } = randomAddress(random, false);
      const name = random.next() < 0.8 ? randomName(random) : undefined;
      mailboxes.push(name === undefined ? { address } : { name, address });
      const trimmed = name?.trim();
      expected.push(trimmed ? { name: trimmed, address: canonical } : { address: canonical });
    }
    const utf8 = random.next() < 0.3;
    let list = mailboxes.map((mailbox) => formatMailAddress(mailbox, { utf8 })).join(", ");
    if (random.next() < 0.2) list = `group name: ${list};, empty:;`;
    assert.deepEqual(parseAddressList(list), expected, JSON.stringify({ round, list }));
  }
});

const TEXT_CHARS = [...NAME_CHARS, "\n", "\r\n", "\r", ".", "From ", "--", "=_", "\x00"];

function randomText(random: Random, max: number, chars = TEXT_CHARS): string {
  let text = "";
  for (let n = random.int(max + 1); n > 0; n--) text += random.pick(chars);
  return text;
}

/** Puts a CR, LF or NUL somewhere in `text`. */
function inject(random: Random, text: string): string {
  const at = random.int(text.length + 1);
  return text.slice(0, at) +
    random.pick(["\r\n", "\n", "\r", "\0", "\r\nBcc: evil@example.org\r\n"]) +
    text.slice(at);
}

const LINE_CHARS = NAME_CHARS; // no CR, LF or NUL

Deno.test("MailMessage fuzz: random messages parse back the same; CR/LF/NUL never reach the header", async () => {
  const random = new Random(0x5303);
  let refused = 0;
  for (let round = 0; round < 400; round++) {
    const smtpUtf8 = random.next() < 0.3;
    const person = () => {
      const { address, canonical } = randomAddress(random, !smtpUtf8);
      const name = random.next() < 0.7 ? randomText(random, 20, LINE_CHARS) : undefined;
      return { input: name === undefined ? { address } : { name, address }, canonical, name };
    };
    const from = person();
    const to = [person(), person()];
    const cc = random.next() < 0.5 ? [person()] : [];
    const subject = randomText(random, 100, LINE_CHARS);
    const headerValue = randomText(random, 60, LINE_CHARS);
    let text = randomText(random, 300).replaceAll("\0", "");
    // Sometimes a line too long for 7bit (quoted-printable or base64 then).
    if (random.next() < 0.15) text += "x".repeat(990 + random.int(20)) + randomText(random, 20);
    // Sometimes an attached message: written as is (7bit/8bit), parsed in turn.
    const attached = random.next() < 0.3
      ? `Subject: inner ${random.int(100)}\r\n\r\n${randomText(random, 200).replaceAll("\0", "")}`
      : undefined;
    const html = random.next() < 0.4 ? `<p>${randomText(random, 100)}</p>` : undefined;
    const filename = randomText(random, 40, LINE_CHARS);
    const content = new Uint8Array(random.int(300)).map(() => random.int(256));
    const contentId = random.next() < 0.3 ? "part" + random.int(1000) + "@example.org" : undefined;
    const attachment: MailAttachment = { filename, content, ...(contentId ? { contentId } : {}) };

    // One time in four, a CR, LF or NUL goes into one header value.
    const target = random.next() < 0.25 ? random.int(6) : -1;
    const spoil = (k: number, value: string) => (k === target ? inject(random, value) : value);
    const init = {
      from: from.input.name === undefined
        ? from.input
        : { ...from.input, name: spoil(0, from.input.name) },
      to: to.map((p) => p.input),
      cc: cc.map((p) => p.input),
      subject: spoil(1, subject),
      text,
      ...(html === undefined ? {} : { html }),
      headers: { "X-Fuzz": spoil(2, headerValue) },
      attachments: [{
        ...attachment,
        filename: spoil(3, filename),
        ...(target === 4 ? { contentType: inject(random, "text/plain") } : {}),
      }, ...(attached === undefined ? [] : [{ contentType: "message/rfc822", content: attached }])],
      ...(target === 5 ? { messageId: inject(random, "id@example.org") } : {}),
      smtpUtf8,
    };
    const context = JSON.stringify({ round, target, init: { ...init, attachments: undefined } });
    if (target >= 0 && !(target === 0 && from.input.name === undefined)) {
      assert.throws(() => new MailMessage(init), InvalidArgumentError, context);
      refused++;
      continue;
    }
    const message = new MailMessage(init);
    const bytes = await message.bytes();
    assert.equal(message.size, bytes.length, context);
    const wire = new TextDecoder().decode(bytes);
    for (const line of wire.split("\r\n")) assert.ok(line.length <= 998, context);
    assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(wire), "CRLF line ends only: " + context);

    const mail = parseMail(bytes);
    // Exactly the fields written: nothing injected, no Bcc.
    assert.deepEqual(
      mail.headers.raw().map(([name]) => name.toLowerCase()),
      [
        "date",
        "from",
        "to",
        ...(cc.length ? ["cc"] : []),
        "subject",
        "message-id",
        "x-fuzz",
        "mime-version",
        "content-type",
      ],
      context,
    );
    // Parsed back: the canonical local part, the domain in IDNA (ASCII) form
    // unless smtpUtf8.
    const mailbox = (p: ReturnType<typeof person>) => {
      const at = p.canonical.lastIndexOf("@");
      const domain = p.canonical.slice(at + 1);
      const written = smtpUtf8 || domain.startsWith("[")
        ? domain
        : new URL("http://" + domain).hostname;
      const address = p.canonical.slice(0, at + 1) + written;
      const name = p.name?.trim();
      return name ? { name, address } : { address };
    };
    assert.deepEqual(mail.from, [mailbox(from)], context);
    assert.deepEqual(mail.to, to.map(mailbox), context);
    assert.deepEqual(mail.cc, cc.map(mailbox), context);
    assert.equal(mail.subject ?? "", subject.replace(/^[ \t]+|[ \t]+$/g, ""), context);
    assert.equal(mail.headers.get("x-fuzz"), headerValue.replace(/^[ \t]+|[ \t]+$/g, ""), context);
    assert.equal(mail.text, text.replace(/\r\n?/g, "\n"), context);
    assert.equal(mail.html, html?.replace(/\r\n?/g, "\n"), context);
    const attachments = mail.attachments;
    assert.equal(attachments.length, attached === undefined ? 1 : 2, context);
    if (attached !== undefined) {
      const part = attachments[1]!;
      assert.equal(part.contentType, "message/rfc822", context);
      assert.equal(
        new TextDecoder().decode(part.body),
        attached.replace(/\r\n|\r|\n/g, "\r\n").replace(/(?<!\r\n)$/, "\r\n"),
        context,
      );
      assert.match(part.message?.subject ?? "", /^inner \d+$/, context);
    }
    assert.equal(attachments[0]!.filename, filename, context);
    assert.deepEqual(attachments[0]!.body, content, context);
    if (contentId) assert.equal(attachments[0]!.contentId, contentId, context);
  }
  assert.ok(refused > 10, `only ${refused} messages refused`);
});

Deno.test("MailMessage refuses dates before year 0 (formatMailDate threw a RangeError)", () => {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(-1);
  assert.throws(() => new MailMessage({ from: "a@example.org", date }), InvalidArgumentError);
});

Deno.test("MailMessage keeps a leading U+FEFF in the subject and file names (TextDecoder dropped it)", async () => {
  const mail = parseMail(
    await new MailMessage({
      from: "ann@example.org",
      subject: "\ufeffHi",
      attachments: [{ filename: "\ufeffa.txt", content: "x" }],
    }).bytes(),
  );
  assert.equal(mail.subject, "\ufeffHi");
  assert.equal(mail.attachments[0]!.filename, "\ufeffa.txt");
});

Deno.test("MailMessage with smtpUtf8: a subject word that looks like an encoded-word comes back as written", async () => {
  const mail = parseMail(
    await new MailMessage({
      from: "jörg@example.org",
      subject: "Grüße =?utf-8?Q?x?= x",
      headers: { "X-Note": "=?utf-8?B?eA==?=" },
      smtpUtf8: true,
    }).bytes(),
  );
  assert.equal(mail.subject, "Grüße =?utf-8?Q?x?= x");
  assert.equal(mail.headers.get("x-note"), "=?utf-8?B?eA==?=");
});

Deno.test("MailMessage: a file name that looks like an encoded-word comes back as written", async () => {
  const mail = parseMail(
    await new MailMessage({
      from: "a@example.org",
      attachments: [{ filename: "=?utf-8?Q?x?=", content: "x" }],
    }).bytes(),
  );
  assert.equal(mail.attachments[0]!.filename, "=?utf-8?Q?x?=");
});
