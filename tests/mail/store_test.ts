// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { type MailStore, MemoryMailStore } from "../../protocols/mail/mod.ts";

const enc = new TextEncoder();
const msg = (text: string) => enc.encode(`Subject: ${text}\r\n\r\n${text}\r\n`);

Deno.test("MemoryMailStore delivers in order with uid, size, flags and date", async () => {
  const store: MailStore = new MemoryMailStore();
  const before = Date.now();
  const first = await store.deliver("ann", msg("one"));
  const second = await store.deliver("ann", msg("two"));
  await store.deliver("bob", msg("three"));
  assert.deepEqual([first.uid, second.uid], [1, 2]);
  assert.equal(first.size, msg("one").byteLength);
  assert.equal(first.flags.size, 0);
  assert.ok(first.internalDate.getTime() >= before);
  const list = await store.list("ann");
  assert.deepEqual(list.map((m) => new TextDecoder().decode(m.bytes)), [
    "Subject: one\r\n\r\none\r\n",
    "Subject: two\r\n\r\ntwo\r\n",
  ]);
  // uids are per mailbox.
  assert.equal((await store.list("bob"))[0]!.uid, 1);
  assert.deepEqual((await store.mailboxes()).sort(), ["ann", "bob"]);
});

Deno.test("MemoryMailStore never reuses a uid after a delete", async () => {
  const store = new MemoryMailStore();
  for (const text of ["a", "b", "c"]) await store.deliver("ann", msg(text));
  await store.delete("ann", [2, 3, 99]);
  assert.deepEqual((await store.list("ann")).map((m) => m.uid), [1]);
  const next = await store.deliver("ann", msg("d"));
  assert.equal(next.uid, 4);
  assert.deepEqual((await store.list("ann")).map((m) => m.uid), [1, 4]);
});

Deno.test("MemoryMailStore: unknown mailboxes are empty; lists are copies; flags persist", async () => {
  const store = new MemoryMailStore();
  assert.deepEqual(await store.list("nobody"), []);
  await store.delete("nobody", [1]);
  assert.deepEqual(await store.mailboxes(), []);
  await store.deliver("ann", msg("a"));
  const list = await store.list("ann");
  list.pop();
  assert.equal((await store.list("ann")).length, 1);
  // Flags live on the stored message (IMAP sets them).
  (await store.list("ann"))[0]!.flags.add("\\Seen");
  assert.deepEqual([...(await store.list("ann"))[0]!.flags], ["\\Seen"]);
});
