// Copyright 2026 the portline authors. MIT license.
/**
 * A pool of SMTP connections for bulk sending: at most `maxConnections`
 * open, each reused for at most `maxMessages`, and one rate limit shared by
 * every connection. `send()` queues; messages go out as connections free up.
 *
 * @module
 */
import { ConnectionClosedError } from "../_core/errors.ts";
import type { CallOptions } from "../_core/session.ts";
import { SmtpClient, type SmtpClientOptions, type SmtpSendOptions } from "./client.ts";
import type { SmtpMail } from "./plan.ts";
import type { SmtpSendResult } from "./transaction.ts";
import type { SmtpMessageInput } from "./message.ts";
import { toSmtpMail } from "./message.ts";

/** At most `messages` messages started per `perMs` milliseconds, across the pool. */
export interface SmtpRateLimit {
  /** How many messages. */
  messages: number;
  /** In how many milliseconds. */
  perMs: number;
}

/** Options of {@linkcode SmtpPool}. */
export interface SmtpPoolOptions extends SmtpClientOptions {
  /** The most connections open at once. @default {5} */
  maxConnections?: number;
  /** The most messages sent over one connection before it is replaced. @default {100} */
  maxMessages?: number;
  /** A rate limit shared by all connections. */
  rateLimit?: SmtpRateLimit;
  /** Idle connections older than this are closed instead of reused. @default {30000} */
  idleTimeoutMs?: number;
}

interface Job {
  mail: SmtpMail;
  options: SmtpSendOptions;
  resolve: (result: SmtpSendResult) => void;
  reject: (error: unknown) => void;
}

interface Pooled {
  client: SmtpClient;
  sent: number;
  idleSince: number;
}

/**
 * A pool of SMTP connections with a shared rate limit.
 *
 * @example Usage
 * ```ts
 * import { SmtpPool, SmtpServer } from "@portline/portline/smtp";
 * import assert from "node:assert/strict";
 *
 * await using server = await SmtpServer.listen();
 * await using pool = new SmtpPool({ port: server.port, tls: "none", maxConnections: 2, maxMessages: 5 });
 * const results = await Promise.all(
 *   Array.from({ length: 10 }, (_, i) =>
 *     pool.send({ from: "ann@example.org", to: [`u${i}@example.org`], body: `Subject: ${i}\r\n\r\nhi\r\n` })
 *   ),
 * );
 * assert.equal(results.length, 10);
 * assert.equal(server.transactions.length, 10);
 * ```
 */
export class SmtpPool {
  #options: SmtpPoolOptions;
  #queue: Job[] = [];
  #idle: Pooled[] = [];
  #workers = new Set<Promise<void>>();
  #starts: number[] = [];
  #closed = false;
  #timers = new Set<{ timer: ReturnType<typeof setTimeout>; wake: () => void }>();
  #open = new Set<SmtpClient>();
  /** Connections opened so far (for monitoring). */
  connectionsOpened = 0;

  /**
   * Creates a pool; connections open on demand.
   *
   * @param options The client options plus the pool's limits.
   */
  constructor(options: SmtpPoolOptions) {
    this.#options = options;
  }

  /** The number of connections open now. */
  get size(): number {
    return this.#open.size;
  }

  /** The number of messages waiting for a connection. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a message; resolves when it was sent.
   *
   * @example Usage
   * ```ts
   * import { SmtpPool, SmtpServer } from "@portline/portline/smtp";
   * import assert from "node:assert/strict";
   *
   * await using server = await SmtpServer.listen();
   * await using pool = new SmtpPool({ port: server.port, tls: "none" });
   * const result = await pool.send({ from: "a@example.org", to: ["b@example.org"], body: "Subject: x\r\n\r\ny\r\n" });
   * assert.deepEqual(result.accepted, ["b@example.org"]);
   * ```
   *
   * @param mail The message.
   * @param options Signal and progress callback.
   * @returns The per-recipient results.
   * @throws {SmtpRecipientsRefusedError} When every recipient was refused.
   * @throws {ConnectionClosedError} When the pool is closed.
   */
  send(mail: SmtpMail, options: SmtpSendOptions = {}): Promise<SmtpSendResult> {
    if (this.#closed) {
      return Promise.reject(new ConnectionClosedError("Cannot send: the pool is closed"));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ mail, options, resolve, reject });
      if (this.#workers.size < (this.#options.maxConnections ?? 5)) {
        const worker: Promise<void> = this.#work().finally(() => this.#workers.delete(worker));
        this.#workers.add(worker);
      }
    });
  }

  /**
   * Queues a composed message (envelope taken from it, Bcc never written).
   *
   * @example Usage
   * ```ts ignore
   * await pool.sendMessage(message);
   * ```
   *
   * @param message The message.
   * @param options Envelope overrides, signal and progress.
   * @returns The per-recipient results.
   */
  sendMessage(
    message: SmtpMessageInput,
    options: SmtpSendOptions & Partial<Omit<SmtpMail, "body">> = {},
  ): Promise<SmtpSendResult> {
    return this.send(toSmtpMail(message, options), options);
  }

  async #work(): Promise<void> {
    let pooled: Pooled | undefined;
    try {
      for (;;) {
        const job = this.#queue.shift();
        if (!job) break;
        try {
          await this.#throttle(job.options);
          pooled ??= await this.#acquire(job.options);
          const result = await pooled.client.sendMail(job.mail, job.options);
          pooled.sent++;
          job.resolve(result);
        } catch (error) {
          job.reject(error);
        }
        if (pooled && (pooled.client.closed || pooled.sent >= (this.#options.maxMessages ?? 100))) {
          await this.#retire(pooled);
          pooled = undefined;
        }
      }
    } finally {
      if (pooled) {
        if (this.#closed) await this.#retire(pooled);
        else {
          pooled.idleSince = Date.now();
          this.#idle.push(pooled);
        }
      }
    }
  }

  async #acquire(options: CallOptions): Promise<Pooled> {
    const idleLimit = this.#options.idleTimeoutMs ?? 30_000;
    for (let pooled = this.#idle.pop(); pooled; pooled = this.#idle.pop()) {
      if (!pooled.client.closed && Date.now() - pooled.idleSince < idleLimit) return pooled;
      await this.#retire(pooled);
    }
    if (this.#closed) throw new ConnectionClosedError("Cannot send: the pool is closed");
    const client = await SmtpClient.connect({
      ...this.#options,
      signal: options.signal ?? this.#options.signal,
    });
    this.connectionsOpened++;
    this.#open.add(client);
    return { client, sent: 0, idleSince: 0 };
  }

  async #retire(pooled: Pooled): Promise<void> {
    this.#open.delete(pooled.client);
    await pooled.client.close();
  }

  /** Waits until the shared rate limit lets one more message start. */
  async #throttle(options: CallOptions): Promise<void> {
    const limit = this.#options.rateLimit;
    if (!limit) return;
    for (;;) {
      if (this.#closed) throw new ConnectionClosedError("Cannot send: the pool is closed");
      const now = Date.now();
      while (this.#starts.length > 0 && now - this.#starts[0]! >= limit.perMs) this.#starts.shift();
      if (this.#starts.length < limit.messages) {
        this.#starts.push(now);
        return;
      }
      await this.#sleep(this.#starts[0]! + limit.perMs - now, options.signal);
    }
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(entry.timer);
        this.#timers.delete(entry);
        signal?.removeEventListener("abort", onAbort);
      };
      const entry = {
        timer: setTimeout(() => {
          cleanup();
          resolve();
        }, Math.max(1, ms)),
        wake: () => {
          cleanup();
          resolve();
        },
      };
      const onAbort = () => {
        cleanup();
        reject(signal!.reason);
      };
      this.#timers.add(entry);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Refuses new messages, fails the queued ones, waits for those being sent
   * and closes every connection.
   *
   * @example Usage
   * ```ts
   * import { SmtpPool } from "@portline/portline/smtp";
   *
   * const pool = new SmtpPool({ port: 2525 });
   * await pool.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.reject(new ConnectionClosedError("Cannot send: the pool was closed"));
    }
    for (const entry of [...this.#timers]) entry.wake();
    await Promise.allSettled([...this.#workers]);
    for (const pooled of this.#idle.splice(0)) await this.#retire(pooled);
    for (const client of [...this.#open]) await client.close();
    this.#open.clear();
  }

  /** Calls {@linkcode SmtpPool.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
