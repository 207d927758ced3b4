// Copyright 2026 the portline authors. MIT license.
// Cross-checks against Python's `email` package: messages we compose are
// parsed by Python (policy.default) and must come back identical — subject,
// addresses, parts, attachment bytes (SHA-256) — with no defects; messages
// Python composes (EmailMessage) must parse identically with our parser.
// python3 runs through node:child_process, so this also runs under Node.
import { spawn, spawnSync } from "node:child_process";
import assert from "../_assert.ts";
import {
  type MailInit,
  MailMessage,
  type ParsedMailPart,
  parseMail,
} from "../../protocols/mail/mod.ts";

const HAS_PYTHON = (() => {
  try {
    return spawnSync("python3", ["--version"]).status === 0;
  } catch {
    return false;
  }
})();

function runPython(script: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    child.stdout.on("data", (chunk: Uint8Array) => out.push(chunk));
    child.stderr.on("data", (chunk: Uint8Array) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code: number | null) => {
      const text = (chunks: Uint8Array[]) => new TextDecoder().decode(concat(chunks));
      if (code === 0) resolve(text(out));
      else reject(new Error(`python3 exited with ${code}: ${text(err)}`));
    });
    child.stdin.end(input);
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

// Python side of (a): parse each message and report what it saw.
const PYTHON_PARSE = String.raw`
import base64, email, email.policy, hashlib, json, sys

def fix(s):
    # Python reads raw UTF-8 (RFC 6532) header bytes as surrogate escapes.
    return s.encode("utf-8", "surrogateescape").decode("utf-8") if s is not None else None

def addrs(m, name):
    h = m[name]
    return [] if h is None else [{"name": fix(a.display_name), "address": fix(a.addr_spec)} for a in h.addresses]

out = []
for item in json.load(sys.stdin):
    m = email.message_from_bytes(base64.b64decode(item), policy=email.policy.default)
    defects = [type(d).__name__ for d in m.defects]
    for k in m.keys():
        defects += [type(d).__name__ for d in getattr(m[k], "defects", ())]
    parts = []
    for p in m.walk():
        defects += [type(d).__name__ for d in p.defects]
        if p.is_multipart():
            parts.append({"type": p.get_content_type()})
            continue
        payload = p.get_payload(decode=True) or b""
        entry = {
            "type": p.get_content_type(),
            "filename": p.get_filename(),
            "cid": p["content-id"],
            "disposition": p.get_content_disposition(),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
        if p.get_content_maintype() == "text":
            entry["text"] = p.get_content().replace("\r\n", "\n")
        parts.append(entry)
    plain = m.get_body(("plain",))
    html = m.get_body(("html",))
    out.append({
        "subject": fix(m["subject"]),
        "from": addrs(m, "from"),
        "to": addrs(m, "to"),
        "cc": addrs(m, "cc"),
        "replyTo": addrs(m, "reply-to"),
        "bcc": m["bcc"],
        "messageId": m["message-id"],
        "date": m["date"].datetime.timestamp() if m["date"] else None,
        "parts": parts,
        "defects": defects,
        "text": plain.get_content().replace("\r\n", "\n") if plain else None,
        "html": html.get_content().replace("\r\n", "\n") if html else None,
        "attachments": [a.get_filename() for a in m.iter_attachments()],
    })
print(json.dumps(out))
`;

interface PythonPart {
  type: string;
  filename?: string | null;
  cid?: string | null;
  disposition?: string | null;
  sha256?: string;
  text?: string;
}

interface PythonView {
  subject: string | null;
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  replyTo: { name: string; address: string }[];
  bcc: string | null;
  messageId: string;
  date: number | null;
  parts: PythonPart[];
  defects: string[];
  text: string | null;
  html: string | null;
  attachments: (string | null)[];
}

interface Case {
  title: string;
  init: MailInit;
  /** Python's own RFC 6532 gaps, tolerated for the SMTPUTF8 case only. */
  allowedDefects?: string[];
  /** Expected addresses as Python shows them (domains in IDNA form). */
  to?: { name: string; address: string }[];
}

const BINARY = bytesOf(50_000, 11);
const PNG = bytesOf(3_000, 12);
const STREAMED = bytesOf(200_000, 13);
const LONG_NAME =
  "Übersicht über die sehr lange Datei — mit Umlauten äöü, Leerzeichen und 日本語のファイル名 (final).bin";

function cases(): Case[] {
  return [
    {
      title: "UTF-8 subject, names with commas and quotes",
      init: {
        from: { name: "Müller, Jörg", address: "joerg@example.org" },
        to: [
          { name: "Lee, Ann", address: "ann@example.org" },
          { name: 'Bo "The Hammer" Lee', address: "bo@example.org" },
          { name: "John Q. Public", address: "jqp@example.org" },
          "plain@example.org",
        ],
        cc: { name: "日本 太郎", address: "taro@example.org" },
        bcc: "hidden@example.org",
        replyTo: "Replies <replies@example.org>",
        subject:
          "Grüße aus Köln — ein sehr langer Betreff, der gefaltet werden muss, mit 日本語のテキスト",
        text: "Hallo!\nZweite Zeile mit Ümlaut.\n" + "lange Zeile ".repeat(20) + "\n",
      },
    },
    {
      title: "multipart/alternative",
      init: {
        from: "a@example.org",
        to: "b@example.org",
        subject: "Alternative",
        text: "Plain — text\n",
        html: "<html><body><p>HTML — text 日本語</p></body></html>\n",
      },
    },
    {
      title: "binary attachment with a long UTF-8 file name",
      init: {
        from: "a@example.org",
        to: "b@example.org",
        subject: "Attachment",
        text: "See the attachment.\n",
        attachments: [
          { filename: LONG_NAME, content: BINARY },
          { filename: "notes.txt", content: "Grüße\nzweite Zeile\n" },
        ],
      },
    },
    {
      title: "inline image with Content-ID and a streamed attachment",
      init: {
        from: "a@example.org",
        to: "b@example.org",
        subject: "Inline",
        text: "Logo below.\n",
        html: '<p>Logo: <img src="cid:logo@example.org"></p>\n',
        attachments: [
          { filename: "logo.png", content: PNG, contentId: "logo@example.org" },
          {
            filename: "big stream.bin",
            content: ReadableStream.from([STREAMED.subarray(0, 70_001), STREAMED.subarray(70_001)]),
          },
        ],
      },
    },
    {
      title: "IDNA domains, many recipients, custom headers",
      init: {
        from: "Ann <ann@bücher.example>",
        to: Array.from(
          { length: 12 },
          (_, i) => ({ name: `Recipient Number ${i}`, address: `r${i}@example.org` }),
        ),
        subject: "x".repeat(120) + " " + "é".repeat(100),
        text: "ok\n",
        headers: { "X-Note": "Ça va — très bien", "In-Reply-To": "<parent@example.org>" },
      },
      to: Array.from(
        { length: 12 },
        (_, i) => ({ name: `Recipient Number ${i}`, address: `r${i}@example.org` }),
      ),
    },
    {
      title: "SMTPUTF8 message with raw UTF-8 addresses",
      init: {
        from: { name: "Jörg", address: "jörg@bücher.example" },
        to: "ann@example.org",
        subject: "Grüße",
        text: "Grüße\n",
        smtpUtf8: true,
      },
      // Python's parser does not implement RFC 6532 addresses.
      allowedDefects: ["UndecodableBytesDefect", "NonASCIILocalPartDefect"],
    },
  ];
}

function leaves(part: ParsedMailPart, out: ParsedMailPart[] = []): ParsedMailPart[] {
  out.push(part);
  for (const child of part.children) leaves(child, out);
  return out;
}

Deno.test({
  name: "Python's email parser reads our messages back identically",
  ignore: !HAS_PYTHON,
  async fn() {
    const all = cases();
    const messages = all.map((c) => new MailMessage(c.init));
    const wire = await Promise.all(messages.map((m) => m.bytes()));
    const views = JSON.parse(
      await runPython(PYTHON_PARSE, JSON.stringify(wire.map(toBase64))),
    ) as PythonView[];
    assert.equal(views.length, all.length);
    for (const [i, { title, init, allowedDefects, to }] of all.entries()) {
      const view = views[i]!;
      const message = messages[i]!;
      const ours = parseMail(wire[i]!);
      assert.deepEqual(
        view.defects.filter((d) => !allowedDefects?.includes(d)),
        [],
        `${title}: defects`,
      );
      assert.equal(view.subject, init.subject, `${title}: subject`);
      assert.equal(view.bcc, null, `${title}: no Bcc`);
      assert.equal(view.messageId, message.messageId, `${title}: Message-ID`);
      assert.equal(view.date, Math.floor(message.date.getTime() / 1000), `${title}: Date`);
      // Addresses: Python sees what our parser sees, and what we were given.
      const strip = (list: { name?: string; address: string }[]) =>
        list.map((a) => ({ name: a.name ?? "", address: a.address }));
      assert.deepEqual(view.from, strip(ours.from), `${title}: From`);
      assert.deepEqual(view.to, strip(ours.to), `${title}: To`);
      assert.deepEqual(view.cc, strip(ours.cc), `${title}: Cc`);
      assert.deepEqual(view.replyTo, strip(ours.replyTo), `${title}: Reply-To`);
      if (to) assert.deepEqual(view.to, to, `${title}: To as given`);
      // The given display names survive.
      const given = [init.from, init.to, init.cc].flat().filter((a) => typeof a === "object") as {
        name?: string;
      }[];
      for (const { name } of given) {
        if (!name) continue;
        const seen = [...view.from, ...view.to, ...view.cc].some((a) => a.name === name);
        assert.ok(seen, `${title}: name ${name}`);
      }
      // Parts: same tree (walk order), same types, names, IDs and bytes.
      const ourParts = leaves(ours.root);
      assert.deepEqual(
        view.parts.map((p) => p.type),
        ourParts.map((p) => p.contentType),
        `${title}: parts`,
      );
      for (const [k, part] of ourParts.entries()) {
        if (part.children.length) continue;
        const py = view.parts[k]!;
        assert.equal(py.sha256, await sha256(part.body), `${title}: part ${k} bytes`);
        assert.equal(py.filename ?? undefined, part.filename, `${title}: part ${k} filename`);
        assert.equal(py.cid ?? undefined, part.contentId ? `<${part.contentId}>` : undefined);
        if (part.text !== undefined) assert.equal(py.text, part.text, `${title}: part ${k} text`);
      }
      // Against the original content, not only our own parser.
      const expectText = init.text ?? null;
      assert.equal(view.text, expectText, `${title}: text`);
      assert.equal(view.html, init.html ?? null, `${title}: html`);
      const attachments = init.attachments ?? [];
      const mixed = attachments.filter((a) => !(init.html && a.contentId));
      assert.deepEqual(
        view.attachments,
        mixed.map((a) => a.filename ?? null),
        `${title}: attachments`,
      );
      for (const attachment of attachments) {
        const py = view.parts.find((p) => p.filename === attachment.filename)!;
        const original = attachment.content instanceof Uint8Array
          ? attachment.content
          : typeof attachment.content === "string"
          ? new TextEncoder().encode(attachment.content)
          : STREAMED;
        assert.equal(py.sha256, await sha256(original), `${title}: ${attachment.filename} SHA-256`);
        if (attachment.contentId) assert.equal(py.cid, `<${attachment.contentId}>`);
      }
    }
  },
});

// Python side of (b): compose messages with EmailMessage and report them.
const PYTHON_COMPOSE = String.raw`
import base64, email, email.policy, hashlib, json
from email.message import EmailMessage
from email.headerregistry import Address, Group

def data(n, seed):
    out = bytearray(n)
    x = seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xffffffff
        out[i] = x >> 24
    return bytes(out)

cases = []

m = EmailMessage()
m["Subject"] = "Grüße aus Köln — " + "ein sehr langer Betreff " * 4 + "日本語"
m["From"] = Address("Müller, Jörg", "joerg", "example.org")
m["To"] = (Address('Bo "The Hammer" Lee', "bo", "example.org"), Address("日本 太郎", "taro", "example.org"))
m["Cc"] = Group("Team", [Address("Ann", "ann", "example.org"), Address("", "cy", "example.org")])
m["Date"] = "Tue, 01 Jul 2003 10:52:37 +0200"
m["Message-ID"] = "<py1@example.org>"
m.set_content("Hallo Welt!\nZweite Zeile mit Ümlaut.\n" + "lange Zeile " * 20 + "\n")
m.add_alternative("<p>Hallo — Welt 日本語</p>\n", subtype="html")
m.add_attachment(data(40000, 21), maintype="application", subtype="octet-stream",
                 filename="Übersicht über die sehr lange Datei mit Umlauten äöü und 日本語.bin")
m.add_attachment("Text attachment é\n", filename="notes.txt")
cases.append((m, email.policy.SMTP))

r = EmailMessage()
r["Subject"] = "Inline image"
r["From"] = "a@example.org"
r["To"] = "b@example.org"
r.set_content("plain\n")
r.add_alternative('<p><img src="cid:logo@example.org"></p>\n', subtype="html")
r.get_body(("html",)).add_related(data(3000, 22), "image", "png", cid="<logo@example.org>", filename="logo.png")
cases.append((r, email.policy.default))

s = EmailMessage()
s["Subject"] = "Cyrillic body"
s["From"] = Address("Иван Петров", "ivan", "example.org")
s["To"] = "b@example.org"
s.set_content("Привет, мир!\n" * 10, charset="koi8-r")
cases.append((s, email.policy.SMTP))

out = []
for msg, policy in cases:
    raw = msg.as_bytes(policy=policy)
    def addrs(name):
        h = msg[name]
        return [] if h is None else [{"name": a.display_name, "address": a.addr_spec} for a in h.addresses]
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    out.append({
        "raw": base64.b64encode(raw).decode(),
        "subject": str(msg["subject"]),
        "reparsedSubject": str(email.message_from_bytes(raw, policy=email.policy.default)["subject"]),
        "from": addrs("from"),
        "to": addrs("to"),
        "cc": addrs("cc"),
        "text": plain.get_content() if plain else None,
        "html": html.get_content() if html else None,
        "parts": [p.get_content_type() for p in msg.walk()],
        "attachments": [
            {"filename": a.get_filename(), "type": a.get_content_type(),
             "cid": a["content-id"], "sha256": hashlib.sha256(a.get_payload(decode=True)).hexdigest(),
             "text": a.get_content() if a.get_content_maintype() == "text" else None}
            for a in msg.walk() if not a.is_multipart() and a not in (plain, html)
        ],
    })
print(json.dumps(out))
`;

interface PythonMessage {
  raw: string;
  subject: string;
  reparsedSubject: string;
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  text: string | null;
  html: string | null;
  parts: string[];
  attachments: {
    filename: string | null;
    type: string;
    cid: string | null;
    sha256: string;
    text: string | null;
  }[];
}

Deno.test({
  name: "parseMail() reads messages Python composes identically",
  ignore: !HAS_PYTHON,
  async fn() {
    const composed = JSON.parse(await runPython(PYTHON_COMPOSE, "")) as PythonMessage[];
    assert.equal(composed.length, 3);
    for (const [i, expected] of composed.entries()) {
      const mail = parseMail(fromBase64(expected.raw));
      const strip = (list: { name?: string; address: string }[]) =>
        list.map((a) => ({ name: a.name ?? "", address: a.address }));
      // Python's folder leaves a space at the end of a line before folding,
      // which unfolding keeps: its own parser reads the extra space back too.
      assert.equal(mail.subject, expected.reparsedSubject, `${i}: subject as Python reads it`);
      const collapse = (text: string | undefined) => text?.replace(/\s+/g, " ");
      assert.equal(collapse(mail.subject), collapse(expected.subject), `${i}: subject`);
      assert.deepEqual(strip(mail.from), expected.from, `${i}: From`);
      assert.deepEqual(strip(mail.to), expected.to, `${i}: To`);
      assert.deepEqual(strip(mail.cc), expected.cc, `${i}: Cc`);
      assert.equal(mail.text ?? null, expected.text, `${i}: text`);
      assert.equal(mail.html ?? null, expected.html, `${i}: html`);
      assert.deepEqual(leaves(mail.root).map((p) => p.contentType), expected.parts, `${i}: parts`);
      assert.equal(mail.attachments.length, expected.attachments.length, `${i}: attachments`);
      for (const [k, attachment] of mail.attachments.entries()) {
        const py = expected.attachments[k]!;
        assert.equal(attachment.filename ?? null, py.filename, `${i}: filename`);
        assert.equal(attachment.contentType, py.type);
        assert.equal(attachment.contentId ? `<${attachment.contentId}>` : null, py.cid);
        if (py.text !== null) {
          // Text goes with CRLF line ends on the wire; compare the text.
          assert.equal(attachment.text, py.text, `${i}: ${py.filename} text`);
        } else {
          assert.equal(await sha256(attachment.body), py.sha256, `${i}: ${py.filename} SHA-256`);
        }
      }
    }
    assert.equal(
      parseMail(fromBase64(composed[0]!.raw)).date?.toISOString(),
      "2003-07-01T08:52:37.000Z",
    );
  },
});
