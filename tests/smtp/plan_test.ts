// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { InvalidArgumentError, LimitError } from "../../protocols/_core/mod.ts";
import { parseSmtpExtensions, SmtpExtensionError } from "../../protocols/smtp/mod.ts";
import { planSmtpTransaction } from "../../protocols/smtp/plan.ts";

const full = parseSmtpExtensions([
  "mx",
  "SIZE 1000",
  "8BITMIME",
  "SMTPUTF8",
  "DSN",
  "REQUIRETLS",
  "PIPELINING",
]);
const bare = parseSmtpExtensions(["mx"]);

Deno.test("planSmtpTransaction() declares SIZE, BODY and SMTPUTF8 when needed", () => {
  const plan = planSmtpTransaction(
    { from: "a@b", to: "jörg@b", body: "Subject: ü\r\n\r\nü\r\n" },
    full,
    false,
  );
  assert.equal(plan.mailLine, "MAIL FROM:<a@b> SIZE=19 BODY=8BITMIME SMTPUTF8");
  assert.deepEqual(plan.rcptLines, ["RCPT TO:<jörg@b>"]);
  const ascii = planSmtpTransaction({ from: "a@b", to: ["c@d"], body: "x\r\n" }, full, false);
  assert.equal(ascii.mailLine, "MAIL FROM:<a@b> SIZE=3");
});

Deno.test("planSmtpTransaction() refuses what the server lacks, before any I/O", () => {
  const table: {
    title: string;
    mail: Parameters<typeof planSmtpTransaction>[0];
    secure?: boolean;
    ext?: string;
  }[] = [
    { title: "SMTPUTF8 address", mail: { from: "ä@b", to: "c@d", body: "" }, ext: "SMTPUTF8" },
    { title: "8-bit body", mail: { from: "a@b", to: "c@d", body: "ü" }, ext: "8BITMIME" },
    {
      title: "8-bit stream declared",
      mail: { from: "a@b", to: "c@d", body: [], eightBitMime: true },
      ext: "8BITMIME",
    },
    {
      title: "DSN",
      mail: { from: "a@b", to: "c@d", body: "", dsn: { notify: "never" } },
      ext: "DSN",
    },
    {
      title: "REQUIRETLS",
      mail: { from: "a@b", to: "c@d", body: "", requireTls: true },
      secure: true,
      ext: "REQUIRETLS",
    },
  ];
  for (const { title, mail, secure, ext } of table) {
    assert.throws(
      () => planSmtpTransaction(mail, bare, secure ?? false),
      (error: unknown) => error instanceof SmtpExtensionError && error.extension === ext,
      title,
    );
  }
  assert.throws(
    () => planSmtpTransaction({ from: "a@b", to: "c@d", body: "", requireTls: true }, full, false),
    SmtpExtensionError,
  );
});

Deno.test("planSmtpTransaction() checks SIZE and recipients", () => {
  assert.throws(
    () => planSmtpTransaction({ from: "a@b", to: "c@d", body: "x".repeat(1001) }, full, false),
    LimitError,
  );
  assert.throws(
    () => planSmtpTransaction({ from: "a@b", to: "c@d", body: [], size: 5000 }, full, false),
    LimitError,
  );
  assert.throws(
    () => planSmtpTransaction({ from: "a@b", to: [], body: "" }, full, false),
    InvalidArgumentError,
  );
  assert.throws(
    () => planSmtpTransaction({ from: "a@b", to: ["c@d>\r\nRSET"], body: "" }, full, false),
    InvalidArgumentError,
  );
});

Deno.test("planSmtpTransaction() adds DSN parameters", () => {
  const plan = planSmtpTransaction(
    {
      from: "a@b",
      to: ["c@d", "e+x@f"],
      body: "",
      dsn: {
        notify: ["failure", "delay"],
        ret: "headers",
        envelopeId: "id 1",
        originalRecipient: true,
      },
    },
    full,
    false,
  );
  assert.equal(plan.mailLine, "MAIL FROM:<a@b> SIZE=0 RET=HDRS ENVID=id+201");
  assert.deepEqual(plan.rcptLines, [
    "RCPT TO:<c@d> NOTIFY=FAILURE,DELAY ORCPT=rfc822;c@d",
    "RCPT TO:<e+x@f> NOTIFY=FAILURE,DELAY ORCPT=rfc822;e+2Bx@f",
  ]);
});
