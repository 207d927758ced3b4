// Copyright 2026 the portline authors. MIT license.
// The SMTP and POP3 steps of `deno task demo` (examples/demo_smtp.ts and
// examples/demo_pop3.ts): the message the SMTP step sends is the one the
// POP3 step reads back from the shared store.
import assert from "../_assert.ts";
import { type MailStore, MemoryMailStore, parseMail } from "../../protocols/mail/mod.ts";

// The examples import the package by name ("@portline/portline/smtp"), which
// deno.json resolves; the npm build runs this suite under Node, where that
// name does not resolve, so the examples are loaded (and the test run) only
// under Deno. The specifiers are not literals so the npm build does not
// compile the examples into the Node suite.
const UNDER_DENO = (globalThis as { Deno?: unknown }).Deno !== undefined;
const EXAMPLES = "../../examples/";

async function examples(): Promise<{
  demoSmtp: (store: MailStore) => Promise<void>;
  demoPop3: (store: MailStore, mailbox: string) => Promise<void>;
}> {
  const [smtp, pop3] = await Promise.all([
    import(EXAMPLES + "demo_smtp.ts"),
    import(EXAMPLES + "demo_pop3.ts"),
  ]);
  return { demoSmtp: smtp.demoSmtp, demoPop3: pop3.demoPop3 };
}

/** Runs `fn` with console.log captured; returns the lines it printed. */
async function captured(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

Deno.test({
  name: "demoSmtp() delivers a message that demoPop3() reads back",
  ignore: !UNDER_DENO,
  fn: demoRoundTrip,
});

async function demoRoundTrip(): Promise<void> {
  const { demoSmtp, demoPop3 } = await examples();
  const store = new MemoryMailStore();
  const smtp = await captured(() => demoSmtp(store));
  assert.ok(
    smtp.some((line) => /^smtp: sent \d+ bytes by BDAT to bob@example.org: 250/.test(line)),
  );
  assert.ok(smtp.includes("smtp: bob@example.org now holds 1 message(s)"));
  const [stored] = await store.list("bob@example.org");
  const mail = parseMail(stored!.bytes);
  assert.equal(mail.subject, "Hello from the portline demo ✓");
  assert.deepEqual(mail.attachments.map((a) => a.filename), ["report.csv"]);

  const pop3 = await captured(() => demoPop3(store, "bob@example.org"));
  assert.ok(pop3.includes(`pop3: 1 message(s), ${stored!.size} octets`), pop3.join("\n"));
  assert.ok(
    pop3.some((line) => line.includes('subject "Hello from the portline demo ✓"')),
    pop3.join("\n"),
  );
  assert.ok(pop3.some((line) => line.endsWith("attachments report.csv")), pop3.join("\n"));
  // The demo marks, resets and quits: nothing is removed.
  assert.ok(pop3.includes("pop3: bob@example.org still holds 1 message(s)"), pop3.join("\n"));
  assert.equal((await store.list("bob@example.org")).length, 1);
}
