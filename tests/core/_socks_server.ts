// Copyright 2026 the portline authors. MIT license.
// A small in-process SOCKS5 proxy for tests (RFC 1928 CONNECT, RFC 1929
// user name and password), written apart from the client's codec so that a
// misreading of the RFC does not cancel out: it relays to the target it is
// asked for, records what each client sent, and can be told to refuse with
// a reply code or to misbehave at a step of the handshake.
import { BufferedReader, type Conn, connect, listen } from "../../protocols/_core/mod.ts";

/** What one client asked for, filled in as the handshake goes. */
export interface SocksTestRequest {
  /** The authentication methods offered. */
  methods: number[];
  /** The method chosen (0xff: none acceptable). */
  method?: number;
  /** The credentials sent, if any. */
  username?: string;
  password?: string;
  /** The CONNECT request: command, address type (1, 3, 4), address and port. */
  command?: number;
  addressType?: number;
  host?: string;
  port?: number;
}

/** A step of the handshake at which the proxy misbehaves. */
export interface SocksMisbehaviour {
  /** Instead of the method choice, the authentication status, or the CONNECT reply. */
  step: "method" | "auth" | "reply";
  /** Say nothing (until the client gives up), close, or send these bytes and half-close. */
  action: "silence" | "close" | Uint8Array;
}

export interface SocksTestServerOptions {
  /** Require user name and password authentication with one of these. */
  users?: Record<string, string>;
  /** Answer CONNECT with this reply code instead of connecting (not 0). */
  reply?: number;
  misbehave?: SocksMisbehaviour;
  /** The reply's bound address as sent (ATYP, address, port); IPv4 0.0.0.0:0 by default. */
  bound?: Uint8Array;
  /** Sent in the same write as a success reply, before anything the target sends. */
  afterReply?: Uint8Array;
  /**
   * Targets on these ports speak first (an FTP control connection): their
   * first bytes are read before the reply and sent in the same write.
   */
  greetingPorts?: number[];
}

const decoder = new TextDecoder();

export class SocksTestServer implements AsyncDisposable {
  readonly requests: SocksTestRequest[] = [];
  readonly #listener: Awaited<ReturnType<typeof listen>>;
  readonly #options: SocksTestServerOptions;
  readonly #conns = new Set<Conn>();
  readonly #served: Promise<void>[] = [];
  #accepting: Promise<void> | undefined;

  private constructor(
    listener: Awaited<ReturnType<typeof listen>>,
    options: SocksTestServerOptions,
  ) {
    this.#listener = listener;
    this.#options = options;
  }

  static async start(options: SocksTestServerOptions = {}): Promise<SocksTestServer> {
    const server = new SocksTestServer(await listen({ hostname: "127.0.0.1", port: 0 }), options);
    server.#accepting = server.#accept();
    return server;
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  /** The proxy's URL, with credentials when given (percent-encoded). */
  url(scheme: "socks5" | "socks5h", user?: { username: string; password: string }): string {
    const auth = user === undefined
      ? ""
      : `${encodeURIComponent(user.username)}:${encodeURIComponent(user.password)}@`;
    return `${scheme}://${auth}127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) conn.close();
    await this.#accepting;
    await Promise.all(this.#served);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #accept(): Promise<void> {
    for (;;) {
      const conn = await this.#listener.accept().catch(() => null);
      if (conn === null) return;
      this.#conns.add(conn);
      this.#served.push(
        this.#serve(conn).catch(() => {}).finally(() => {
          conn.close();
          this.#conns.delete(conn);
        }),
      );
    }
  }

  /** Misbehaves if told to at `step`; returns true when the handshake should stop. */
  async #misbehave(conn: Conn, reader: BufferedReader, step: SocksMisbehaviour["step"]) {
    const misbehave = this.#options.misbehave;
    if (misbehave?.step !== step) return false;
    if (misbehave.action === "close") return true;
    if (misbehave.action !== "silence") {
      await conn.write(misbehave.action);
      await conn.closeWrite();
    }
    // Wait for the client to give up.
    while ((await reader.readChunk()) !== null);
    return true;
  }

  async #serve(client: Conn): Promise<void> {
    const options = this.#options;
    const reader = new BufferedReader(client);
    const byte = async () => (await reader.readExact(1))[0]!;
    const request: SocksTestRequest = { methods: [] };
    if ((await byte()) !== 5) return;
    request.methods = [...await reader.readExact(await byte())];
    this.requests.push(request);
    if (await this.#misbehave(client, reader, "method")) return;
    const wanted = options.users === undefined ? 0 : 2;
    request.method = request.methods.includes(wanted) ? wanted : 0xff;
    await client.write(Uint8Array.of(5, request.method));
    if (request.method === 0xff) return;
    if (request.method === 2) {
      if ((await byte()) !== 1) return;
      request.username = decoder.decode(await reader.readExact(await byte()));
      request.password = decoder.decode(await reader.readExact(await byte()));
      if (await this.#misbehave(client, reader, "auth")) return;
      const ok = Object.hasOwn(options.users!, request.username) &&
        options.users![request.username] === request.password;
      await client.write(Uint8Array.of(1, ok ? 0 : 1));
      if (!ok) return;
    }
    const head = await reader.readExact(4);
    if (head[0] !== 5) return;
    request.command = head[1];
    request.addressType = head[3];
    if (head[3] === 1) request.host = [...await reader.readExact(4)].join(".");
    else if (head[3] === 4) {
      const bytes = await reader.readExact(16);
      const groups = [];
      for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
      request.host = groups.join(":");
    } else if (head[3] === 3) request.host = decoder.decode(await reader.readExact(await byte()));
    else return await this.#answer(client, 8);
    const portBytes = await reader.readExact(2);
    request.port = (portBytes[0]! << 8) | portBytes[1]!;
    if (await this.#misbehave(client, reader, "reply")) return;
    if (request.command !== 1) return await this.#answer(client, 7);
    if (options.reply !== undefined) return await this.#answer(client, options.reply);
    let upstream: Conn;
    try {
      upstream = await connect({ hostname: request.host, port: request.port, timeoutMs: 5000 });
    } catch {
      return await this.#answer(client, 5);
    }
    this.#conns.add(upstream);
    try {
      await this.#relay(client, reader, upstream, request.port);
    } finally {
      upstream.close();
      this.#conns.delete(upstream);
    }
  }

  async #answer(client: Conn, reply: number, after = new Uint8Array(0)): Promise<void> {
    const bound = this.#options.bound ?? Uint8Array.of(1, 0, 0, 0, 0, 0, 0);
    const out = new Uint8Array(3 + bound.byteLength + after.byteLength);
    out.set([5, reply, 0]);
    out.set(bound, 3);
    out.set(after, 3 + bound.byteLength);
    await client.write(out);
  }

  async #relay(client: Conn, reader: BufferedReader, upstream: Conn, port: number): Promise<void> {
    const options = this.#options;
    const buffer = new Uint8Array(65536);
    let first = 0;
    if (options.greetingPorts?.includes(port)) first = (await upstream.read(buffer)) ?? 0;
    const after = options.afterReply ?? new Uint8Array(0);
    const extra = new Uint8Array(after.byteLength + first);
    extra.set(after);
    extra.set(buffer.subarray(0, first), after.byteLength);
    await this.#answer(client, 0, extra);
    const up = (async () => {
      for (let chunk; (chunk = await reader.readChunk()) !== null;) await upstream.write(chunk);
      await upstream.closeWrite().catch(() => {});
    })().catch(() => upstream.close());
    const down = (async () => {
      for (let n; (n = await upstream.read(buffer)) !== null;) {
        await client.write(buffer.subarray(0, n));
      }
    })().catch(() => {}).finally(() => client.close());
    await Promise.all([up, down]);
  }
}
