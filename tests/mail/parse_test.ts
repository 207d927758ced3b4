// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  MailMessage,
  type ParsedMailPart,
  parseMail,
  parseMailHeaders,
  parseMailStream,
} from "../../protocols/mail/mod.ts";
import { LimitError } from "../../protocols/_core/mod.ts";

function tree(part: ParsedMailPart): unknown {
  return part.children.length ? { [part.contentType]: part.children.map(tree) } : part.contentType;
}

Deno.test("parseMail() reads a simple message with bare LF line ends", () => {
  const mail = parseMail(
    "From: Ann <ann@example.org>\nTo: bo@example.org\nSubject: hi\n  there\n" +
      "Date: Tue, 1 Jul 2003 10:52:37 +0200\nMessage-ID:  <id@example.org> \n\nbody\nline\n",
  );
  assert.equal(mail.subject, "hi  there");
  assert.deepEqual(mail.from, [{ name: "Ann", address: "ann@example.org" }]);
  assert.deepEqual(mail.to, [{ address: "bo@example.org" }]);
  assert.deepEqual(mail.cc, []);
  assert.equal(mail.date?.toISOString(), "2003-07-01T08:52:37.000Z");
  assert.equal(mail.messageId, "<id@example.org>");
  assert.equal(mail.text, "body\nline\n");
  assert.equal(mail.html, undefined);
  assert.deepEqual(mail.attachments, []);
  assert.equal(mail.root.contentType, "text/plain");
  assert.equal(mail.root.transferEncoding, "7bit");
});

Deno.test("parseMail() reads a message with no body or no header", () => {
  assert.equal(parseMail("Subject: x\r\n").subject, "x");
  assert.equal(parseMail("Subject: x").text, "");
  assert.equal(parseMail("\r\nbody").text, "body");
  assert.equal(parseMail("").text, "");
});

const NESTED = [
  "From: a@example.org",
  "Content-Type: multipart/mixed; boundary=outer",
  "",
  "This is the preamble, ignored.",
  "--outer",
  'Content-Type: multipart/alternative; boundary="outer-inner"',
  "",
  "--outer-inner",
  "Content-Type: text/plain; charset=iso-8859-1",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Gr=FC=DFe=",
  "",
  "--outer-inner",
  "Content-Type: text/html; charset=windows-1252",
  "Content-Transfer-Encoding: 8bit",
  "",
  "<p>\u0001</p>",
  "--outer-inner--",
  "epilogue of the inner part",
  "--outer  ",
  "Content-Type: image/png",
  "Content-Transfer-Encoding: base64",
  'Content-Disposition: inline; filename="dot.png"',
  "Content-ID: <dot@example.org>",
  "",
  "iVBORw0K",
  "GgoAAAAN",
  "--outer",
  'Content-Type: application/octet-stream; name="=?utf-8?Q?caf=C3=A9.bin?="',
  "Content-Transfer-Encoding: base64",
  "",
  "AAEC",
  "--outer--",
  "the epilogue, ignored",
].join("\r\n");

Deno.test("parseMail() reads nested multiparts with preamble, epilogue and similar boundaries", () => {
  // The HTML part holds the Windows-1252 byte 0x80 (the euro sign).
  const bytes = new TextEncoder().encode(NESTED);
  bytes[bytes.indexOf(1)] = 0x80;
  const mail = parseMail(bytes);
  assert.deepEqual(tree(mail.root), {
    "multipart/mixed": [
      { "multipart/alternative": ["text/plain", "text/html"] },
      "image/png",
      "application/octet-stream",
    ],
  });
  assert.equal(mail.text, "Grüße");
  assert.equal(mail.html, "<p>€</p>");
  const [png, bin] = mail.attachments;
  assert.equal(png!.filename, "dot.png");
  assert.equal(png!.disposition, "inline");
  assert.equal(png!.contentId, "dot@example.org");
  assert.deepEqual(
    png!.body,
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
  );
  assert.equal(bin!.filename, "café.bin");
  assert.deepEqual(bin!.body, new Uint8Array([0, 1, 2]));
  assert.equal(bin!.disposition, undefined);
});

Deno.test("parseMail() tolerates a missing closing boundary and bare LF", () => {
  const mail = parseMail(
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b\n" +
      "Content-Type: text/plain\nContent-Disposition: attachment; filename=two.txt\n\ntwo\n",
  );
  assert.equal(mail.root.children.length, 2);
  assert.equal(mail.text, "one");
  assert.equal(mail.attachments[0]!.text, "two\n");
});

Deno.test("parseMail() treats a multipart without its boundary as an empty multipart", () => {
  const mail = parseMail("Content-Type: multipart/mixed; boundary=b\r\n\r\nno parts here\r\n");
  assert.equal(mail.root.children.length, 0);
  assert.equal(mail.text, undefined);
});

Deno.test("parseMail() falls back for invalid content types and unknown charsets", () => {
  assert.equal(parseMail("Content-Type: garbage\r\n\r\nx").root.contentType, "text/plain");
  assert.equal(parseMail("Content-Type: text/plain; charset=x-unknown\r\n\r\ncafé").text, "café");
  assert.equal(
    parseMail(
      new Uint8Array([...new TextEncoder().encode("Content-Type: text/plain\r\n\r\ncaf"), 0xe9]),
    ).text,
    "café",
  );
  const koi8 = parseMail(
    "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n8NLJ18XU\r\n",
  );
  assert.equal(koi8.text, "Привет");
});

Deno.test("parseMail() reads RFC 2231 and RFC 2047 file names", () => {
  const mail = parseMail(
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
      "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n" +
      " filename*0*=utf-8''%C3%9Cbersicht%20;\r\n filename*1*=%C3%BCber.pdf\r\n\r\nx\r\n" +
      '--b\r\nContent-Type: application/pdf; name="=?iso-8859-1?Q?Gr=FC=DFe.pdf?="\r\n\r\nx\r\n' +
      "--b--\r\n",
  );
  assert.deepEqual(mail.attachments.map((a) => a.filename), ["Übersicht über.pdf", "Grüße.pdf"]);
});

Deno.test("parseMail() parses attached messages and digests", () => {
  const inner = "Subject: inner\r\nFrom: x@example.org\r\n\r\ninner text\r\n";
  const mail = parseMail(
    "Subject: outer\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
      "--b\r\nContent-Type: text/plain\r\n\r\nouter text\r\n" +
      "--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner +
      "--b\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n" + inner + "--d--\r\n" +
      "--b--\r\n",
  );
  assert.equal(mail.subject, "outer");
  assert.equal(mail.text, "outer text");
  assert.equal(mail.attachments.length, 2);
  for (const attachment of mail.attachments) {
    assert.equal(attachment.contentType, "message/rfc822");
    assert.equal(attachment.message?.subject, "inner");
    assert.equal(attachment.message?.text, "inner text");
    assert.deepEqual(attachment.message?.from, [{ address: "x@example.org" }]);
  }
});

Deno.test("parseMail() limits nesting depth, part count and header fields", () => {
  let deep = "";
  for (let i = 0; i < 40; i++) {
    deep += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  }
  deep += "\r\nleaf\r\n";
  assert.throws(() => parseMail(deep), LimitError);
  assert.equal(parseMail(deep, { maxDepth: 50 }).text, "leaf\n");

  // Attached messages count toward the depth too.
  const messages = "Content-Type: message/rfc822\r\n\r\n".repeat(40) + "\r\nx";
  assert.throws(() => parseMail(messages), LimitError);

  const many = "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
    "--b\r\n\r\nx\r\n".repeat(200) + "--b--\r\n";
  assert.throws(() => parseMail(many, { maxParts: 100 }), LimitError);
  assert.equal(parseMail(many).root.children.length, 200);

  assert.throws(() => parseMail("X: y\r\n".repeat(2000) + "\r\n"), LimitError);
  assert.throws(() => parseMailHeaders("X: y\r\n".repeat(20), { maxHeaders: 10 }), LimitError);
});

Deno.test("parseMail() of a huge part count stays fast", () => {
  const body = "--b\r\n\r\n\r\n".repeat(9000);
  const mail = parseMail("Content-Type: multipart/mixed; boundary=b\r\n\r\n" + body);
  assert.equal(mail.root.children.length, 9000);
});

Deno.test("parseMailStream() reads a stream and refuses oversized input", async () => {
  const message = new MailMessage({ from: "a@example.org", subject: "streamed", text: "hi" });
  assert.equal((await parseMailStream(message.stream())).subject, "streamed");
  let cancelled = false;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(1024));
    },
    cancel() {
      cancelled = true;
    },
  });
  await assert.rejects(parseMailStream(endless, { maxBytes: 10_000 }), LimitError);
  assert.equal(cancelled, true);
});

Deno.test("parseMail() reads Sender, Bcc and group syntax", () => {
  const mail = parseMail(
    "From: a@example.org, b@example.org\r\nSender: s@example.org\r\nBcc: Team: c@example.org;\r\n" +
      "Reply-To: =?utf-8?Q?R=C3=A9ply?= <r@example.org>\r\n\r\n",
  );
  assert.equal(mail.from.length, 2);
  assert.deepEqual(mail.sender, { address: "s@example.org" });
  assert.deepEqual(mail.bcc, [{ address: "c@example.org" }]);
  assert.deepEqual(mail.replyTo, [{ name: "Réply", address: "r@example.org" }]);
});
