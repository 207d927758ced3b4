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
  await using pool = new SmtpPool({
    port: server.port,
    tls: "none",
    maxConnections: 3,
    rateLimit: { messages: 3, perMs: 60 },
  });
  const started = Date.now();
  await Promise.all(Array.from({ length: 7 }, (_, i) => pool.send(mail(i))));
  // Starts at 0, 0, 0, 60, 60, 60, 120 ms: the limiter's own schedule.
  assert.ok(Date.now() - started >= 110, "the rate limit was not applied");
  assert.equal(server.transactions.length, 7);
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
