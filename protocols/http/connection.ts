// Copyright 2026 the portline authors. MIT license.
/**
 * The low-level HTTP/1.1 connection (http.client's `HTTPConnection`): one
 * request at a time over one {@linkcode Conn}, framing done right.
 *
 * @module
 */
import { bracketHost } from "../_core/_authority.ts";
import {
  type Conn,
  ConnectionClosedError,
  DeadlineTimer,
  LimitError,
  TimeoutError,
  type TlsOptions,
} from "../_core/mod.ts";
import {
  HttpError,
  HttpLimitError,
  HttpParseError,
  HttpPrematureCloseError,
  HttpTimeoutError,
  type HttpTimeoutPhase,
} from "./errors.ts";
import {
  HTTP_DEFAULT_LIMITS,
  type HttpFraming,
  type HttpHeaderList,
  type HttpHeadLimits,
  type HttpResponseHead,
  parseHttpChunkSize,
} from "./parse.ts";
import type { HttpHeadersInit } from "./request_head.ts";
import type { HttpBodyInit } from "./body.ts";
import { decodeHttpBody } from "./decompress.ts";
import { connectTimed } from "./_connect.ts";
import { type HttpBodySource, HttpResponse } from "./response.ts";
import { iterate, pumpBody } from "./_upload.ts";
import { planRequest, type RequestPlan } from "./_request_plan.ts";
import { HttpWire } from "./_wire.ts";
import { framingOf, scanHead, splitFields, WireHead } from "./_head_bytes.ts";
import { sourceStream } from "./_body_stream.ts";

/** Timeouts of one exchange, in milliseconds (0 or Infinity: none). */
export interface HttpTimeouts {
  /**
   * The longest wait for the response head after the request was sent.
   *
   * @default {300000}
   */
  headersTimeoutMs?: number;
  /**
   * The longest pause between two pieces of the response body.
   *
   * @default {300000}
   */
  bodyTimeoutMs?: number;
}

/** Options of {@linkcode HttpConnection.connect}. */
export interface HttpConnectOptions extends HttpHeadLimits, HttpTimeouts {
  /** The host name or IP address. */
  hostname: string;
  /** The port; 80, or 443 with TLS. */
  port?: number;
  /** TLS (verified by default): `true` or options such as `caCerts`, `serverName`. */
  tls?: boolean | TlsOptions;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /**
   * The longest wait for the TCP connection and TLS handshake.
   *
   * @default {30000}
   */
  connectTimeoutMs?: number;
}

/** Options of the {@linkcode HttpConnection} constructor. */
export interface HttpConnectionOptions extends HttpHeadLimits, HttpTimeouts {
  /** The `Host` header sent when a request has none (`host[:port]`). */
  host?: string;
  /**
   * Called when a response is finished: reusable, or closed; and with
   * `false` when an idle connection closes (the server hung up, or sent
   * bytes no request asked for).
   */
  onRelease?: (connection: HttpConnection, reusable: boolean) => void;
}

/** One request on an {@linkcode HttpConnection}. */
export interface HttpRequestOptions extends HttpTimeouts {
  /**
   * The method.
   *
   * @default {"GET"}
   */
  method?: string;
  /**
   * The request target: `/path?query`, an absolute URL (through a proxy), or
   * `host:port` (CONNECT).
   *
   * @default {"/"}
   */
  target?: string;
  /** Header fields; `Host` is added when missing, framing fields are managed. */
  headers?: HttpHeadersInit;
  /** The body: string, bytes, Blob, FormData, URLSearchParams, stream or iterable. */
  body?: HttpBodyInit | null;
  /** The body's length when it is a stream (else it is sent chunked). */
  bodyLength?: number;
  /**
   * Send `Expect: 100-continue` and wait for the go-ahead (or a final status)
   * before sending the body.
   */
  expectContinue?: boolean;
  /**
   * How long to wait for `100 Continue` before sending the body anyway.
   *
   * @default {1000}
   */
  continueTimeoutMs?: number;
  /** Aborts the exchange at any point (the connection is closed). */
  signal?: AbortSignal;
  /** Called with each informational (1xx) head received. */
  onInformational?: (head: HttpResponseHead) => void;
}

const DEFAULT_TIMEOUT = 300_000;
const NO_TRAILERS: Promise<HttpHeaderList> = Promise.resolve([]);
const ONE_WRITE_LIMIT = 65536;
const MAX_CHUNK_LINE = 4096;
const MIN_READ = 16384;
const MAX_READ = 1 << 20;
const LF = 10;
const CR = 13;
// The current exchange's body.
const NONE = 0;
const LENGTH = 1;
const CHUNKED = 2;
const CLOSE = 3;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

function defer<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * An HTTP/1.1 client connection: sends a request (head and small body in one
 * write, larger or streamed bodies coalesced, chunked when the length is
 * unknown), reads the status line and headers (obs-fold and ambiguous
 * framing rejected, size limits enforced, duplicates kept) and frames the
 * body by Content-Length, chunked (with trailers) or connection close. 1xx
 * responses are skipped; `Expect: 100-continue` waits for the go-ahead.
 *
 * @example Usage
 * ```ts
 * import { HttpConnection, HttpTestServer } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * await using server = await HttpTestServer.start();
 * server.route("POST", "/echo", (req) => ({ body: req.body }));
 * await using conn = await HttpConnection.connect({ hostname: "127.0.0.1", port: server.port });
 * const first = await conn.request({ method: "POST", target: "/echo", body: "one" });
 * assert.equal(await first.text(), "one");
 * const second = await conn.request({ method: "POST", target: "/echo", body: "two" });
 * assert.equal(await second.text(), "two");
 * assert.equal(conn.requestCount, 2);
 * ```
 */
export class HttpConnection {
  #conn: Conn;
  #wire: HttpWire;
  #host: string | undefined;
  readonly #maxHeaderBytes: number;
  readonly #maxHeaderCount: number;
  #headersTimeout: number;
  #bodyTimeout: number;
  #state: "idle" | "busy" | "closed" = "idle";
  #requests = 0;
  #started = false;
  #keepAliveTimeoutMs: number | undefined;
  #onRelease: ((connection: HttpConnection, reusable: boolean) => void) | undefined;
  // Per exchange: the deadline (on the core's shared watchdog timer), what
  // expired it, the abort hook.
  readonly #timer: DeadlineTimer = new DeadlineTimer(() => this.#onDeadline());
  #phase: HttpTimeoutPhase = "headers";
  #phaseTimeout = 0;
  #expired: unknown = undefined;
  #signal: AbortSignal | undefined;
  #onAbort = () => this.#expire(this.#signal!.reason);
  #readSize = MIN_READ;
  // Per exchange: the body being read (state on the connection, so a
  // response needs no closures of its own), the upload still running.
  #kind = NONE;
  #length = 0;
  #remaining = 0;
  #reusable = false;
  #bodyError: unknown = undefined;
  #trailers: Deferred<HttpHeaderList> | undefined;
  #uploading: Promise<void> | undefined;
  #uploadDone = true;
  #uploadError: unknown = undefined;
  // The last bodiless request's plan, reused while method, target and
  // fields repeat (a keep-alive loop): fields kept flat, as given.
  #memoMethod = "";
  #memoTarget = "";
  #memoFields: unknown[] = [];
  #memoPlan: RequestPlan | undefined;
  readonly #source: HttpBodySource = {
    read: () => this.#read(),
    readInto: (view) => this.#readInto(view),
    cancel: () => this.#cancelBody(),
  };

  /**
   * Wraps an open connection (a proxy tunnel, a test pipe).
   *
   * @param conn The byte stream.
   * @param options Default Host, limits, timeouts.
   */
  constructor(conn: Conn, options: HttpConnectionOptions = {}) {
    this.#conn = conn;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? HTTP_DEFAULT_LIMITS.maxHeaderBytes;
    this.#maxHeaderCount = options.maxHeaderCount ?? HTTP_DEFAULT_LIMITS.maxHeaderCount;
    this.#wire = new HttpWire(conn);
    this.#host = options.host;
    this.#headersTimeout = options.headersTimeoutMs ?? DEFAULT_TIMEOUT;
    this.#bodyTimeout = options.bodyTimeoutMs ?? DEFAULT_TIMEOUT;
    this.#onRelease = options.onRelease;
  }

  /**
   * Opens a connection (TCP, or TLS verified by default).
   *
   * @param options Host, port, TLS, timeouts and limits.
   * @returns The connection.
   * @throws {ConnectError} When the server cannot be reached.
   * @throws {TlsError} When the TLS handshake or verification fails.
   * @throws {HttpTimeoutError} When connecting takes longer than `connectTimeoutMs`.
   */
  static async connect(options: HttpConnectOptions): Promise<HttpConnection> {
    const secure = options.tls !== undefined && options.tls !== false;
    const port = options.port ?? (secure ? 443 : 80);
    const conn = await connectTimed({
      hostname: options.hostname,
      port,
      tls: options.tls,
      signal: options.signal,
      timeoutMs: options.connectTimeoutMs ?? 30_000,
    });
    const name = bracketHost(options.hostname);
    return new HttpConnection(conn, {
      ...options,
      host: port === (secure ? 443 : 80) ? name : `${name}:${port}`,
    });
  }

  /** The underlying byte stream. */
  get conn(): Conn {
    return this.#conn;
  }

  /** Whether a request can be sent now. */
  get idle(): boolean {
    return this.#state === "idle";
  }

  /** Whether the connection was closed. */
  get closed(): boolean {
    return this.#state === "closed";
  }

  /** How many exchanges completed on this connection. */
  get requestCount(): number {
    return this.#requests;
  }

  /**
   * Whether any byte of the current (or last) response arrived. A request
   * that failed before the first byte on a reused connection may be retried.
   */
  get responseStarted(): boolean {
    return this.#started;
  }

  /** The server's `Keep-Alive: timeout` from the last response, in ms. */
  get keepAliveTimeoutMs(): number | undefined {
    return this.#keepAliveTimeoutMs;
  }

  /** Closes at once (any response in progress fails). */
  close(): void {
    if (this.#state === "closed") return;
    const wasBusy = this.#state === "busy";
    this.#state = "closed";
    this.#end();
    this.#conn.close();
    if (wasBusy) this.#onRelease?.(this, false);
  }

  /** Arms the deadline of a phase (a timestamp write: no timer per call). */
  #deadline(phase: HttpTimeoutPhase, timeoutMs: number): void {
    this.#phase = phase;
    this.#phaseTimeout = timeoutMs;
    // Not a positive finite timeout: disarms.
    this.#timer.arm(timeoutMs);
  }

  /** Pushes the body's idle deadline out after progress. */
  #touch(): void {
    if (this.#timer.armed) this.#timer.arm(this.#phaseTimeout);
  }

  #onDeadline(): void {
    const { hostname, port } = this.#conn.remoteAddr;
    const what = this.#phase === "headers" ? "read the response head" : "read the response body";
    this.#expire(
      new HttpTimeoutError(
        `Cannot ${what} from ${hostname} port ${port}: nothing for ${this.#phaseTimeout} ms`,
        { phase: this.#phase },
      ),
    );
  }

  /** Ends the exchange abruptly: the pending read or write fails with `error`. */
  #expire(error: unknown): void {
    if (this.#state !== "busy" || this.#expired !== undefined) return;
    this.#expired = error;
    if (this.#kind !== NONE) {
      this.#kind = NONE;
      this.#bodyError = error;
      this.#trailers?.reject(error);
      this.#trailers = undefined;
    }
    this.close();
  }

  #end(): void {
    this.#timer.disarm();
    if (this.#signal !== undefined) {
      this.#signal.removeEventListener("abort", this.#onAbort);
      this.#signal = undefined;
    }
  }

  /** Closes; for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #release(reusable: boolean): void {
    if (this.#state !== "busy") return;
    // Bytes past the end of the response were never asked for (this client
    // does not pipeline): kept, they would be read as the next request's
    // response (a forged one, even). Such a connection is not reused.
    if (reusable && this.#wire.buffered > 0) reusable = false;
    this.#state = reusable ? "idle" : "closed";
    this.#end();
    this.#requests++;
    if (reusable) {
      this.#watchIdle();
      this.#onRelease?.(this, true);
    } else {
      this.#conn.close();
      this.#onRelease?.(this, false);
    }
  }

  /**
   * Keeps a read pending while the connection is idle (it does not keep the
   * process alive): the server's hang-up, or bytes no request asked for,
   * arriving late (after a response longer than its framing said, say),
   * close the connection at once instead of failing, or being read as, the
   * next request's response. The next request's first read is this one.
   * Only connections that can be told not to keep the process alive
   * (sockets: `unref`) are watched; other byte streams are read on demand.
   */
  #watchIdle(): void {
    if (this.#conn.unref === undefined) return;
    this.#conn.unref();
    this.#wire.prefetch().then(() => this.#idleRead(), () => this.#idleRead());
  }

  #idleRead(): void {
    if (this.#state !== "idle") return;
    this.#state = "closed";
    this.#conn.close();
    this.#onRelease?.(this, false);
  }

  /** The response is over: release now, or once the upload is over too. */
  #finish(): void {
    const reusable = this.#reusable;
    const uploading = this.#uploading;
    if (!this.#uploadDone && uploading !== undefined) {
      // The response ended before the upload: keep the connection busy until
      // the upload ends too (still bounded by the current deadline).
      uploading.then(() => this.#release(reusable && this.#uploadError === undefined));
      return;
    }
    this.#release(reusable && this.#uploadError === undefined);
  }

  #fail(error: unknown, phase: HttpTimeoutPhase): unknown {
    this.close();
    if (this.#expired !== undefined) return this.#expired;
    if (error instanceof TimeoutError && !(error instanceof HttpTimeoutError)) {
      return new HttpTimeoutError(error.message, { phase, cause: error });
    }
    if (error instanceof LimitError && !(error instanceof HttpLimitError)) {
      return new HttpLimitError(error.message, { cause: error });
    }
    if (error instanceof ConnectionClosedError && !(error instanceof HttpPrematureCloseError)) {
      return new HttpPrematureCloseError(error.message, { cause: error });
    }
    return error;
  }

  /**
   * Sends one request and reads the response head. The body streams from
   * the returned response.
   *
   * @param options Method, target, headers, body, timeouts, signal.
   * @returns The response (its body still to be read).
   * @throws {HttpInvalidRequestError} When a header, method or target is unsafe.
   * @throws {HttpParseError} When the response is malformed or its framing ambiguous.
   * @throws {HttpLimitError} When the response head exceeds a limit.
   * @throws {HttpTimeoutError} When the head does not arrive in time.
   * @throws {HttpPrematureCloseError} When the server closed first.
   */
  async request(options: HttpRequestOptions = {}): Promise<HttpResponse> {
    if (this.#state !== "idle") {
      throw new HttpError(
        `Cannot send a request: the connection is ${
          this.#state === "busy" ? "busy (read the previous body first)" : "closed"
        }`,
      );
    }
    const signal = options.signal;
    signal?.throwIfAborted();
    const method = options.method ?? "GET";
    const target = options.target ?? "/";
    let plan = this.#memoPlan;
    if (plan === undefined || !this.#same(method, target, options)) {
      plan = planRequest(method, target, options, this.#host);
      this.#remember(method, target, options, plan);
    }
    const head = plan.head;
    this.#state = "busy";
    // The idle watch's read (if any) is now this response's: it may keep the process alive.
    this.#conn.ref?.();
    this.#started = false;
    this.#expired = undefined;
    this.#bodyError = undefined;
    this.#uploading = undefined;
    this.#uploadDone = true;
    this.#uploadError = undefined;
    if (signal) {
      this.#signal = signal;
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    this.#deadline("headers", options.headersTimeoutMs ?? this.#headersTimeout);
    const bytes = plan.bytes;
    const together = bytes !== undefined && !plan.expect &&
      head.byteLength + bytes.byteLength <= ONE_WRITE_LIMIT;
    try {
      if (together) {
        const one = new Uint8Array(head.byteLength + bytes.byteLength);
        one.set(head);
        one.set(bytes, head.byteLength);
        await this.#conn.write(one);
      } else {
        await this.#conn.write(head);
      }
    } catch (error) {
      throw this.#fail(error, "headers");
    }
    let parsed: WireHead;
    let skipBody = false;
    if ((bytes === undefined || together) && plan.source === undefined) {
      try {
        parsed = await this.#readHead(method, options.onInformational);
      } catch (error) {
        throw this.#fail(error, "headers");
      }
    } else {
      const sent = await this.#sendBody(plan, options);
      skipBody = sent.skipBody;
      parsed = sent.parsed;
    }
    if (this.#expired !== undefined) throw this.#expired;
    let framing: HttpFraming;
    try {
      framing = framingOf(parsed, method);
    } catch (error) {
      throw this.#fail(error, "headers");
    }
    this.#keepAliveTimeoutMs = framing.keepAliveTimeoutMs;
    this.#reusable = framing.keepAlive && !plan.close && !skipBody;
    return await this.#respond(
      parsed,
      framing,
      options.bodyTimeoutMs ?? this.#bodyTimeout,
    );
  }

  /** Whether this request is the remembered bodiless one again. */
  #same(method: string, target: string, options: HttpRequestOptions): boolean {
    if (method !== this.#memoMethod || target !== this.#memoTarget) return false;
    if ((options.body !== undefined && options.body !== null) || options.expectContinue) {
      return false;
    }
    const memo = this.#memoFields;
    const fields = options.headers;
    if (fields === undefined || fields === null) return memo.length === 0;
    if (!Array.isArray(fields) || fields.length * 2 !== memo.length) return false;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as readonly [unknown, unknown];
      if (field[0] !== memo[2 * i] || field[1] !== memo[2 * i + 1]) return false;
    }
    return true;
  }

  #remember(
    method: string,
    target: string,
    options: HttpRequestOptions,
    plan: RequestPlan,
  ): void {
    const fields = options.headers;
    if (
      plan.bytes !== undefined || plan.source !== undefined || plan.expect ||
      (fields !== undefined && fields !== null && !Array.isArray(fields))
    ) {
      this.#memoPlan = undefined;
      return;
    }
    const flat: unknown[] = [];
    if (fields) {
      for (const field of fields as ReadonlyArray<readonly [unknown, unknown]>) {
        flat.push(field[0], field[1]);
      }
    }
    this.#memoMethod = method;
    this.#memoTarget = target;
    this.#memoFields = flat;
    this.#memoPlan = plan;
  }

  /**
   * Sends a body that did not go out with the head (large, streamed, or
   * after `100 Continue`) while the response head is read.
   */
  async #sendBody(
    plan: ReturnType<typeof planRequest>,
    options: HttpRequestOptions,
  ): Promise<{ parsed: WireHead; skipBody: boolean }> {
    const bytes = plan.bytes;
    let source = plan.source;
    let skipBody = false;
    const continued = plan.expect ? defer<void>() : undefined;
    const onInformational = options.onInformational;
    const headPromise = this.#readHead(options.method ?? "GET", (info) => {
      if (info.status === 100) continued?.resolve();
      onInformational?.(info);
    });
    headPromise.catch(() => {});
    if (continued) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = await Promise.race([
        continued.promise.then(() => "continue" as const),
        headPromise.then(() => "final" as const, () => "final" as const),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), options.continueTimeoutMs ?? 1000);
        }),
      ]);
      clearTimeout(timer);
      if (waited === "final") {
        skipBody = true;
        if (source) iterate(source).cancel();
        source = undefined;
      }
    }
    if (!skipBody) {
      this.#uploadDone = false;
      this.#uploading = (bytes ? this.#conn.write(bytes) : pumpBody(
        source!,
        plan.length,
        plan.chunked,
        (b) => this.#conn.write(b),
        (e) => e === this.#expired,
      ))
        .then(() => {
          this.#uploadDone = true;
        }, (error) => {
          this.#uploadError = error;
          this.close();
        });
    }
    try {
      return { parsed: await headPromise, skipBody };
    } catch (error) {
      if (this.#uploading) await this.#uploading;
      throw this.#fail(this.#uploadError ?? error, "headers");
    }
  }

  /** The response: the whole body when it is buffered, else a pull source. */
  #respond(
    head: HttpResponseHead,
    framing: HttpFraming,
    bodyTimeoutMs: number,
  ): HttpResponse | Promise<HttpResponse> {
    const kind = framing.kind;
    if (kind === "none" || (kind === "length" && framing.length === 0)) {
      this.#finish();
      return new HttpResponse(head, framing, null, NO_TRAILERS);
    }
    const wire = this.#wire;
    if (kind === "length" && wire.buffered >= framing.length) {
      // The whole body is here: a view when nothing follows it, else a copy.
      const length = framing.length;
      const bytes = wire.buffered === length ? wire.lend(length) : wire.take(length);
      this.#finish();
      return new HttpResponse(head, framing, bytes, NO_TRAILERS);
    }
    this.#deadline("body", bodyTimeoutMs);
    this.#kind = kind === "length" ? LENGTH : kind === "chunked" ? CHUNKED : CLOSE;
    this.#length = this.#remaining = kind === "length" ? framing.length : 0;
    let trailers = NO_TRAILERS;
    if (kind === "chunked") {
      const deferred = this.#trailers = defer<HttpHeaderList>();
      deferred.promise.catch(() => {});
      trailers = deferred.promise;
    }
    if (framing.codings.length > 0) return this.#decoded(head, framing, trailers);
    return new HttpResponse(head, framing, this.#source, trailers);
  }

  async #decoded(
    head: HttpResponseHead,
    framing: HttpFraming,
    trailers: Promise<HttpHeaderList>,
  ): Promise<HttpResponse> {
    const raw = sourceStream(this.#source);
    let body: ReadableStream<Uint8Array>;
    try {
      // A limit (that never binds) asks for the streaming decoders: a few KiB
      // of a transfer-coded bomb then cannot become gigabytes in one piece,
      // so `bytes({ maxBytes })` stays bounded on these bodies too.
      body = await decodeHttpBody(raw, framing.codings, { maxBytes: Number.MAX_SAFE_INTEGER });
    } catch (error) {
      raw.cancel().catch(() => {});
      throw this.#fail(new HttpParseError(`Cannot decode the body: ${error}`), "body");
    }
    return new HttpResponse(head, framing, body, trailers);
  }

  /** The body ended normally. */
  #endBody(trailers: HttpHeaderList): void {
    this.#kind = NONE;
    this.#trailers?.resolve(trailers);
    this.#trailers = undefined;
    this.#finish();
  }

  /** The body failed: the connection is closed, the trailers rejected. */
  #failBody(error: unknown): unknown {
    if (this.#bodyError !== undefined) return this.#bodyError;
    const failure = this.#fail(error, "body");
    this.#kind = NONE;
    this.#bodyError = failure;
    this.#trailers?.reject(failure);
    this.#trailers = undefined;
    return failure;
  }

  #cancelBody(): void {
    if (this.#kind === NONE) return;
    this.#kind = NONE;
    this.#trailers?.resolve([]);
    this.#trailers = undefined;
    this.close();
  }

  #premature(): HttpPrematureCloseError {
    return new HttpPrematureCloseError(
      `Cannot read the body: the server closed the connection ${this.#remaining} bytes short of Content-Length ${this.#length}`,
    );
  }

  /** The next piece of the body in a new array (the source's `read`). */
  async #read(): Promise<Uint8Array | null> {
    const kind = this.#kind;
    if (kind === NONE) {
      if (this.#bodyError !== undefined) throw this.#bodyError;
      return null;
    }
    this.#touch();
    try {
      if (kind === CHUNKED) return await this.#readChunked(undefined) as Uint8Array | null;
      const chunk = await this.#readBody(kind === LENGTH ? this.#remaining : Infinity);
      if (this.#bodyError !== undefined) throw this.#bodyError;
      if (chunk === null) {
        if (kind === LENGTH) throw this.#premature();
        this.#endBody([]);
        return null;
      }
      if (kind === LENGTH && (this.#remaining -= chunk.byteLength) === 0) this.#endBody([]);
      return chunk;
    } catch (error) {
      throw this.#failBody(error);
    }
  }

  /** The next piece of the body into `view` (the source's `readInto`). */
  async #readInto(view: Uint8Array): Promise<number | null> {
    const kind = this.#kind;
    if (kind === NONE) {
      if (this.#bodyError !== undefined) throw this.#bodyError;
      return null;
    }
    if (view.byteLength === 0) return 0;
    this.#touch();
    try {
      if (kind === CHUNKED) return await this.#readChunked(view) as number | null;
      const max = kind === LENGTH ? Math.min(view.byteLength, this.#remaining) : view.byteLength;
      const n = await this.#readBodyInto(view, max);
      if (this.#bodyError !== undefined) throw this.#bodyError;
      if (n === null) {
        if (kind === LENGTH) throw this.#premature();
        this.#endBody([]);
        return null;
      }
      if (kind === LENGTH && (this.#remaining -= n) === 0) this.#endBody([]);
      return n;
    } catch (error) {
      throw this.#failBody(error);
    }
  }

  /**
   * Reads body bytes into a new array: what is buffered first, then
   * straight from the connection into an array sized to the recent read
   * sizes (16 KiB, doubling up to 1 MiB while reads fill it).
   */
  async #readBody(max: number): Promise<Uint8Array | null> {
    const wire = this.#wire;
    const buffered = wire.buffered;
    if (buffered > 0) return wire.take(Math.min(max, buffered));
    if (wire.eof) return null;
    const size = Math.min(max, this.#readSize);
    const out = new Uint8Array(size);
    const n = await this.#conn.read(out);
    if (n === null) {
      wire.eof = true;
      return null;
    }
    if (n === size && size === this.#readSize) this.#readSize = Math.min(size * 2, MAX_READ);
    else if (n < this.#readSize >> 2) this.#readSize = Math.max(this.#readSize >> 1, MIN_READ);
    return n === size ? out : out.subarray(0, n);
  }

  /** Reads body bytes into `view[0, max)`: buffered ones, else straight from the connection. */
  async #readBodyInto(view: Uint8Array, max: number): Promise<number | null> {
    const wire = this.#wire;
    const buffered = wire.buffered;
    if (buffered > 0) {
      const n = Math.min(max, buffered);
      const start = wire.start;
      view.set(wire.buf.subarray(start, start + n));
      wire.start = start + n;
      return n;
    }
    if (wire.eof) return null;
    const n = await this.#conn.read(max === view.byteLength ? view : view.subarray(0, max));
    if (n === null) {
      wire.eof = true;
      return null;
    }
    return n;
  }

  async #readChunked(view: Uint8Array | undefined): Promise<Uint8Array | number | null> {
    for (;;) {
      const left = this.#remaining;
      if (left > 0) {
        const got = view
          ? await this.#readBodyInto(view, Math.min(view.byteLength, left))
          : await this.#readBody(left);
        if (this.#bodyError !== undefined) throw this.#bodyError;
        if (got === null) {
          throw new HttpPrematureCloseError(
            "Cannot read the chunked body: the server closed the connection inside a chunk",
          );
        }
        const n = typeof got === "number" ? got : got.byteLength;
        this.#remaining = left - n;
        if (left === n) await this.#chunkEnd();
        return got;
      }
      const size = parseHttpChunkSize(await this.#chunkLine());
      if (size === 0) {
        this.#endBody(await this.#readTrailers());
        return null;
      }
      this.#remaining = size;
    }
  }

  /** Reads a chunk-size line (latin1). */
  async #chunkLine(): Promise<string> {
    const wire = this.#wire;
    for (;;) {
      const lf = wire.findLf();
      if (lf !== -1) {
        const start = wire.start;
        const end = lf > start && wire.buf[lf - 1] === CR ? lf - 1 : lf;
        if (end - start > MAX_CHUNK_LINE) break;
        wire.start = lf + 1;
        return wire.latin1(start, end);
      }
      if (wire.buffered > MAX_CHUNK_LINE + 1) break;
      if (!(await wire.fill())) {
        throw new HttpPrematureCloseError(
          "Cannot read the chunked body: the server closed the connection before the chunk size",
        );
      }
      if (this.#bodyError !== undefined) throw this.#bodyError;
    }
    throw new HttpLimitError(
      `Cannot read the chunked body: a chunk-size line longer than ${MAX_CHUNK_LINE} bytes`,
    );
  }

  /** Consumes the CRLF (or bare LF) after a chunk's data. */
  async #chunkEnd(): Promise<void> {
    const wire = this.#wire;
    while (wire.buffered < 2 && !(wire.buffered === 1 && wire.buf[wire.start] === LF)) {
      if (!(await wire.fill())) {
        throw new HttpPrematureCloseError(
          "Cannot read the chunked body: the server closed the connection before the chunk's CRLF",
        );
      }
      if (this.#bodyError !== undefined) throw this.#bodyError;
    }
    const buf = wire.buf;
    const start = wire.start;
    if (buf[start] === LF) wire.start = start + 1;
    else if (buf[start] === CR && buf[start + 1] === LF) wire.start = start + 2;
    else throw new HttpParseError("Cannot read the chunked body: no CRLF after chunk data");
  }

  /** Reads the trailer section after the last chunk. */
  async #readTrailers(): Promise<HttpHeaderList> {
    const wire = this.#wire;
    wire.resetScan();
    let end = wire.findHeadEnd();
    while (end === -1) {
      if (wire.buffered > this.#maxHeaderBytes) {
        throw new HttpLimitError(
          `Cannot read the response trailers: larger than ${this.#maxHeaderBytes} bytes`,
        );
      }
      if (!(await wire.fill())) {
        throw new HttpPrematureCloseError(
          "Cannot read the chunked body: the server closed the connection before the end of the trailers",
        );
      }
      if (this.#bodyError !== undefined) throw this.#bodyError;
      end = wire.findHeadEnd();
    }
    const start = wire.start;
    if (end - start <= 2) {
      wire.start = end;
      return [];
    }
    const text = wire.latin1(start, end);
    scanHead(
      wire.buf,
      wire.words,
      text,
      start,
      end,
      this.#maxHeaderBytes,
      this.#maxHeaderCount,
      undefined,
    );
    wire.start = end;
    return splitFields(text, 0);
  }

  /** Reads response heads (1xx ones reported and skipped) from the buffer. */
  async #readHead(
    method: string,
    onInformational: ((head: HttpResponseHead) => void) | undefined,
  ): Promise<WireHead> {
    const wire = this.#wire;
    const maxBytes = this.#maxHeaderBytes;
    for (;;) {
      wire.resetScan();
      let end = wire.buffered > 0 ? wire.findHeadEnd() : -1;
      while (end === -1) {
        if (wire.buffered > maxBytes) {
          throw new HttpLimitError(
            `Cannot read the response headers: larger than ${maxBytes} bytes`,
          );
        }
        if (!(await wire.fill())) {
          if (this.#expired !== undefined) throw this.#expired;
          throw new HttpPrematureCloseError(
            this.#started || wire.buffered > 0
              ? "Cannot read the response head: the server closed the connection in the middle"
              : "Cannot read the response: the server closed the connection without responding",
          );
        }
        this.#started = true;
        end = wire.findHeadEnd();
      }
      this.#started = true;
      const start = wire.start;
      const text = wire.latin1(start, end);
      const head = new WireHead(text);
      scanHead(wire.buf, wire.words, text, start, end, maxBytes, this.#maxHeaderCount, head);
      wire.start = end;
      const status = head.status;
      if (status >= 200) return head;
      if (status === 101) {
        throw new HttpParseError(
          `Cannot read the response to ${method}: 101 Switching Protocols without an upgrade request`,
        );
      }
      onInformational?.(head.plain());
    }
  }
}
