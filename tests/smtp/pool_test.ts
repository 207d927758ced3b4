// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { ConnectionClosedError } from "../../protocols/_core/mod.ts";
import { SmtpPool, SmtpRecipientsRefusedError, SmtpServer } from "../../protocols/smtp/mod.ts";

const mail = (i: number) => ({
  from: "a@x.org",
  to: [`u${i}@x.org`],
  body: `Subject: ${i}\r\n\r\n${i}\r\n`,
});

Deno.test("SmtpPool keeps to maxConnections and maxMessages", async () => {
  let active = 0;
  let peak = 0;
  await using server = await SmtpServer.listen({
    hooks: {
      data: async () => {
        peak = Math.max(peak, ++active);
        await new Promise((resolve) => setTimeout(resolve, 2));
        active--;
      },
    },
  });
  const pool = new SmtpPool({ port: server.port, tls: "none", maxConnections: 3, maxMessages: 4 });
  try {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.send(mail(i))));
    assert.equal(results.length, 20);
    assert.equal(server.transactions.length, 20);
    assert.ok(peak >= 1 && peak <= 3, `peak ${peak}`);
    assert.ok(pool.size <= 3);
    // 20 messages, at most 4 per connection: at least 5 connections.
    assert.ok(pool.connectionsOpened >= 5, `opened ${pool.connectionsOpened}`);
  } finally {
    await pool.close();
  }
  assert.equal(pool.size, 0);
});

Deno.test("SmtpPool shares one rate limit across connections", async () => {
  await using server = await SmtpServer.listen();
  const pool = new SmtpPool({
    port: server.port,
    tls: "none",
    maxConnections: 3,
    // A window far longer than the test: the fourth message can only wait.
    rateLimit: { messages: 3, perMs: 3_600_000 },
  });
  const sends = Array.from({ length: 4 }, (_, i) => pool.send(mail(i)));
  const settled: boolean[] = [false, false, false, false];
  sends.forEach((p, i) => p.then(() => settled[i] = true, () => settled[i] = true));
  await Promise.all(sends.slice(0, 3));
  // Give the fourth time to go as far as it can: a connection is free, only
  // the limit (an hour's window) holds it back.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(settled, [true, true, true, false]);
  assert.equal(server.transactions.length, 3);
  await pool.close();
  await assert.rejects(sends[3]!, ConnectionClosedError);
  assert.equal(server.transactions.length, 3);
});

Deno.test("SmtpPool reports per-message errors and keeps going", async () => {
  await using server = await SmtpServer.listen({
    hooks: { rcptTo: (to) => to === "u3@x.org" ? "550 5.1.1 No" : undefined },
  });
  const pool = new SmtpPool({ port: server.port, tls: "none", maxConnections: 2 });
  const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => pool.send(mail(i))));
  assert.equal(settled.filter((s) => s.status === "fulfilled").length, 5);
  const failed = settled.find((s) => s.status === "rejected") as PromiseRejectedResult;
  assert.ok(failed.reason instanceof SmtpRecipientsRefusedError);
  await pool.close();
  await assert.rejects(pool.send(mail(9)), ConnectionClosedError);
});

Deno.test("SmtpPool.close() fails queued messages", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  await using server = await SmtpServer.listen({ hooks: { data: async () => await held } });
  const pool = new SmtpPool({ port: server.port, tls: "none", maxConnections: 1 });
  const first = pool.send(mail(1));
  const second = pool.send(mail(2));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const closing = pool.close();
  await assert.rejects(second, ConnectionClosedError);
  release();
  await first;
  await closing;
});
