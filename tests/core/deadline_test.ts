// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  DeadlineTimer,
  memoryConn,
  Session,
  TimeoutError,
  Watchdog,
  withDeadline,
} from "../../protocols/_core/mod.ts";

/** Promise.withResolvers, which Node 20 (the npm build's test run) lacks. */
function resolvers<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("DeadlineTimer fires once, disarmed first, and may re-arm", async () => {
  let fired = 0;
  const done = resolvers<void>();
  const deadline = new DeadlineTimer(() => {
    fired++;
    assert.equal(deadline.armed, false);
    if (fired === 1) deadline.arm(5);
    else done.resolve();
  }, { keepAlive: true });
  deadline.arm(5);
  await done.promise;
  assert.equal(fired, 2);
  assert.equal(deadline.armed, false);
});

Deno.test("DeadlineTimer.disarm() and a non-positive or infinite timeout stop it", async () => {
  let fired = 0;
  const deadline = new DeadlineTimer(() => fired++, { keepAlive: true });
  deadline.arm(5);
  deadline.disarm();
  deadline.arm(5);
  deadline.arm(0);
  assert.equal(deadline.armed, false);
  deadline.arm(5);
  deadline.arm(Infinity);
  assert.equal(deadline.armed, false);
  await sleep(30);
  assert.equal(fired, 0);
});

Deno.test("DeadlineTimer: moving a deadline later or earlier is honoured", async () => {
  const order: string[] = [];
  const all = resolvers<void>();
  const late = new DeadlineTimer(() => order.push("late"), { keepAlive: true });
  const early = new DeadlineTimer(() => {
    order.push("early");
    all.resolve();
  }, { keepAlive: true });
  // The shared timer is due first for `late`; `late` moves out, `early` is
  // armed after it and must still fire first.
  late.arm(10);
  early.arm(40);
  late.arm(60_000);
  early.arm(15);
  await all.promise;
  assert.deepEqual(order, ["early"]);
  assert.equal(late.armed, true);
  late.disarm();
});

Deno.test("DeadlineTimer: many deadlines share the watchdog and each fires", async () => {
  const before = DeadlineTimer.armedCount();
  const fired = new Set<number>();
  const all = resolvers<void>();
  const deadlines = Array.from({ length: 20 }, (_, i) =>
    new DeadlineTimer(() => {
      fired.add(i);
      if (fired.size === 10) all.resolve();
    }, { keepAlive: true }));
  deadlines.forEach((deadline, i) => deadline.arm(i % 2 === 0 ? 5 + i : 60_000));
  assert.equal(DeadlineTimer.armedCount(), before + 20);
  await all.promise;
  assert.deepEqual([...fired].sort((a, b) => a - b), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  for (const deadline of deadlines) deadline.disarm();
  assert.equal(DeadlineTimer.armedCount(), before);
});

Deno.test("DeadlineTimer: a throwing callback does not stop the others", async () => {
  const done = resolvers<void>();
  new DeadlineTimer(() => {
    throw new Error("boom");
  }, { keepAlive: true }).arm(5);
  new DeadlineTimer(() => done.resolve(), { keepAlive: true }).arm(6);
  await done.promise;
});

Deno.test("Watchdog.wait() passes results and errors through, reusing its deadline", async () => {
  const watchdog = new Watchdog();
  for (let i = 0; i < 5; i++) {
    assert.equal(await watchdog.wait(Promise.resolve(i), "read", { timeoutMs: 1000 }), i);
  }
  await assert.rejects(
    watchdog.wait(Promise.reject(new Error("refused")), "read", { timeoutMs: 1000 }),
    /refused/,
  );
  // No timeout and no signal: the promise itself.
  const plain = Promise.resolve(7);
  assert.equal(watchdog.wait(plain, "read", {}), plain);
  assert.equal(DeadlineTimer.armedCount(), 0);
});

Deno.test("Watchdog.wait() times out with TimeoutError, runs onExpire, and re-arms after", async () => {
  const watchdog = new Watchdog();
  let expired = 0;
  let what = 0;
  await assert.rejects(
    watchdog.wait(
      new Promise(() => {}),
      () => `read ${++what}`,
      { timeoutMs: 10 },
      () => expired++,
    ),
    (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.message, "Cannot read 1: no answer within 10 ms");
      return true;
    },
  );
  assert.equal(expired, 1);
  // The message is built only when needed.
  assert.equal(
    await watchdog.wait(Promise.resolve("ok"), () => `read ${++what}`, {
      timeoutMs: 10,
    }),
    "ok",
  );
  assert.equal(what, 1);
  await assert.rejects(watchdog.wait(new Promise(() => {}), "write", { timeoutMs: 10 }), {
    message: "Cannot write: no answer within 10 ms",
  });
});

Deno.test("Watchdog.wait() stops at the signal, and bounds overlapping waits too", async () => {
  const watchdog = new Watchdog();
  const controller = new AbortController();
  let expired = 0;
  const waiting = watchdog.wait(
    new Promise(() => {}),
    "read",
    { timeoutMs: 60_000, signal: controller.signal },
    () => expired++,
  );
  // A second wait while the first is pending (falls back to withDeadline).
  const second = watchdog.wait(new Promise(() => {}), "write", { timeoutMs: 10 });
  await assert.rejects(second, { message: "Cannot write: no answer within 10 ms" });
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  assert.equal(expired, 1);
  // The aborted wait's deadline went with it (its promise never settles).
  assert.equal(DeadlineTimer.armedCount(), 0);
  assert.equal(await watchdog.wait(Promise.resolve(1), "read", { timeoutMs: 50 }), 1);
});

Deno.test("Session.write() times out with TimeoutError and closes the connection", async () => {
  const conn = memoryConn([]);
  let closed = false;
  conn.write = () => new Promise(() => {});
  conn.close = () => closed = true;
  const session = new Session(conn, "stuck.example", { timeoutMs: 20 });
  await assert.rejects(session.send("NOOP"), (error: unknown) => {
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.message, "Cannot write to stuck.example: no answer within 20 ms");
    return true;
  });
  assert.equal(closed, true);
  assert.equal(DeadlineTimer.armedCount(), 0);
});

Deno.test("withDeadline() and Watchdog.wait() honour timeouts past the 2^31 - 1 ms timer limit", async () => {
  // A runtime timer given more than 2^31 - 1 ms fires at once: a timeout of
  // 25 days must not turn into one of 1 ms.
  const long = 2 ** 31 + 1000;
  const later = () => new Promise<string>((resolve) => setTimeout(() => resolve("ok"), 20));
  assert.equal(await withDeadline(later(), "wait", { timeoutMs: long }), "ok");
  assert.equal(await withDeadline(later(), "wait", { timeoutMs: 2 ** 53 }), "ok");
  assert.equal(await new Watchdog().wait(later(), "wait", { timeoutMs: long }), "ok");
  assert.equal(DeadlineTimer.armedCount(), 0);
});
