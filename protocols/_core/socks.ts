// Copyright 2026 the portline authors. MIT license.
/**
 * Tunnels through a SOCKS5 proxy (RFC 1928, CONNECT) with user name and
 * password authentication (RFC 1929): the FTP, SMTP and POP3 clients'
 * `socks5://` and `socks5h://` proxies. The wire format is in
 * `socks_codec.ts`; this file runs it on a connection.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { type Conn, connect } from "./transport.ts";
import { ConnectError, ConnectionClosedError, PortlineError, SocksProxyError } from "./errors.ts";
import { withDeadline } from "./deadline.ts";
import { concatBytes, InvalidArgumentError } from "./writer.ts";
import { prefixConn } from "./prefixed_conn.ts";
import { hostPort } from "./_authority.ts";
import {
  encodeSocksConnect,
  encodeSocksGreeting,
  encodeSocksPasswordAuth,
  parseSocksAuthStatus,
  parseSocksConnectReply,
  parseSocksMethodChoice,
  SOCKS_METHOD_NONE,
  SOCKS_METHOD_PASSWORD,
  SOCKS_NO_ACCEPTABLE_METHODS,
  type SocksProxySettings,
  socksProxySettings,
  socksReplyReason,
  type SocksTarget,
  socksTarget,
} from "./socks_codec.ts";

/**
 * Options of {@linkcode openSocksTunnel}.
 *
 * @example Usage
 * ```ts
 * import { type SocksTunnelOptions } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * // An FTP control connection: the greeting may come with the proxy's reply.
 * const options: SocksTunnelOptions = { timeoutMs: 10_000, serverSpeaksFirst: true };
 * assert.equal(options.signal, undefined);
 * ```
 */
export interface SocksTunnelOptions {
  /** Cancels resolving, connecting and the handshake; the call rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /**
   * The longest each step may take, in milliseconds: resolving the target's
   * name (`socks5:`), connecting to the proxy, and the whole handshake.
   *
   * @default {30000}
   */
  timeoutMs?: number | undefined;
  /**
   * Whether the server behind the tunnel may speak first (a greeting):
   * bytes that arrive with the proxy's reply are then handed out first.
   * Otherwise (TLS, where the client speaks first) such bytes fail the
   * tunnel.
   *
   * @default {false}
   */
  serverSpeaksFirst?: boolean | undefined;
}

/**
 * Opens a tunnel to `hostname:port` through a SOCKS5 proxy.
 *
 * The proxy URL is `socks5h://[user:password@]host[:port]` (the proxy
 * resolves the target's name, sent as a domain name) or `socks5://…` (the
 * name is resolved here, with `node:dns`, and the address sent); IP
 * addresses are sent as such with both, and the port defaults to 1080.
 * With a user name the client offers user name and password authentication
 * besides none, and uses whichever the proxy picks.
 *
 * @example Through an in-process proxy that answers one CONNECT
 * ```ts
 * import { listen, openSocksTunnel, SocksProxyError } from "@portline/portline/core";
 * import assert from "node:assert/strict";
 *
 * // A proxy that takes no authentication and refuses with reply 5.
 * const listener = await listen({ port: 0 });
 * const proxy = (async () => {
 *   const conn = (await listener.accept())!;
 *   const buffer = new Uint8Array(512);
 *   await conn.read(buffer); // 5, 1, 0: the greeting
 *   await conn.write(Uint8Array.of(5, 0));
 *   await conn.read(buffer); // the CONNECT request
 *   await conn.write(Uint8Array.of(5, 5, 0, 1, 0, 0, 0, 0, 0, 0));
 *   conn.close();
 * })();
 * await assert.rejects(
 *   openSocksTunnel(`socks5h://127.0.0.1:${listener.addr.port}`, "ftp.example", 21),
 *   (error) => error instanceof SocksProxyError && error.reply === 5,
 * );
 * await proxy;
 * listener.close();
 * ```
 *
 * @param proxy The proxy URL (`socks5:` or `socks5h:`).
 * @param hostname Where the tunnel leads: a name or an IP address.
 * @param port Its port.
 * @param options Signal, timeout, whether the server speaks first.
 * @returns The tunnel: a plain connection to the target.
 * @throws {InvalidArgumentError} For another scheme, a user name or password
 * longer than 255 bytes, a bad target name or port; before connecting.
 * @throws {ConnectError} When the proxy cannot be reached, or (`socks5:`)
 * the target's name does not resolve.
 * @throws {SocksProxyError} When the proxy refuses (`reply`), refuses the
 * credentials, closes the connection, or does not speak SOCKS5.
 * @throws {TimeoutError} When a step takes longer than `timeoutMs`.
 */
export async function openSocksTunnel(
  proxy: URL | string,
  hostname: string,
  port: number,
  options: SocksTunnelOptions = {},
): Promise<Conn> {
  const settings = socksProxySettings(toUrl(proxy));
  let target = socksTarget(hostname, port);
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const proxyName = hostPort(settings.hostname, settings.port);
  const what = `open a SOCKS tunnel to ${hostPort(target.host, port)} through proxy ${proxyName}`;
  if (target.type === "domain" && !settings.remoteDns) {
    target = await resolve(target, { signal, timeoutMs });
  }
  const conn = await connect({
    hostname: settings.hostname,
    port: settings.port,
    signal,
    timeoutMs,
  });
  try {
    const early = await withDeadline(
      handshake(conn, settings, target, what),
      what,
      { signal, timeoutMs },
      () => conn.close(),
    );
    if (early.byteLength > 0 && !options.serverSpeaksFirst) {
      throw new SocksProxyError(`Cannot ${what}: the proxy sent data before the TLS handshake`);
    }
    return prefixConn(conn, early);
  } catch (error) {
    conn.close();
    if (error instanceof ConnectionClosedError) {
      throw new SocksProxyError(`Cannot ${what}: the proxy closed the connection`, {
        cause: error,
      });
    }
    throw error;
  }
}

function toUrl(proxy: URL | string): URL {
  if (proxy instanceof URL) return proxy;
  try {
    return new URL(proxy);
  } catch {
    // Never quoted: it may hold a password.
    throw new InvalidArgumentError("Cannot connect: the SOCKS proxy option is not a URL");
  }
}

/** `socks5:`: the target's name resolved here, its first address sent. */
async function resolve(
  target: SocksTarget,
  deadline: { signal: AbortSignal | undefined; timeoutMs: number },
): Promise<SocksTarget> {
  let found: { address: string; family: number };
  try {
    found = await withDeadline(lookup(target.host), `resolve "${target.host}"`, deadline);
  } catch (error) {
    if (error instanceof PortlineError || deadline.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConnectError(
      `Cannot resolve "${target.host}" for the SOCKS proxy: ${message}`,
      { cause: error },
    );
  }
  return { type: found.family === 6 ? "ipv6" : "ipv4", host: found.address, port: target.port };
}

/**
 * The handshake on a connection to the proxy: greeting, authentication if
 * the proxy picks it, CONNECT.
 *
 * @returns The bytes that came after the proxy's reply.
 */
async function handshake(
  conn: Conn,
  settings: SocksProxySettings,
  target: SocksTarget,
  what: string,
): Promise<Uint8Array> {
  const answers = new ProxyAnswers(conn, what);
  const credentials = settings.credentials;
  await conn.write(encodeSocksGreeting(credentials !== undefined));
  const { method } = await answers.next(parseSocksMethodChoice);
  if (method === SOCKS_METHOD_PASSWORD && credentials !== undefined) {
    await conn.write(encodeSocksPasswordAuth(credentials));
    const { status } = await answers.next(parseSocksAuthStatus);
    if (status !== 0) {
      throw new SocksProxyError(`Cannot ${what}: the proxy refused the user name and password`);
    }
  } else if (method === SOCKS_NO_ACCEPTABLE_METHODS) {
    throw new SocksProxyError(
      credentials === undefined
        ? `Cannot ${what}: the proxy requires authentication; put a user name and password in the proxy URL`
        : `Cannot ${what}: the proxy accepts neither no authentication nor a user name and password`,
    );
  } else if (method !== SOCKS_METHOD_NONE) {
    throw new SocksProxyError(
      `Cannot ${what}: the proxy chose authentication method ${method}, which was not offered`,
    );
  }
  await conn.write(encodeSocksConnect(target));
  const { reply } = await answers.next(parseSocksConnectReply, (pending) => {
    // A refusal cut short after its code (some proxies close at once) is
    // still a refusal.
    const code = pending.byteLength >= 2 && pending[0] === 5 ? pending[1]! : 0;
    return code === 0 ? undefined : refusal(what, code);
  });
  if (reply !== 0) throw refusal(what, reply);
  return answers.rest();
}

function refusal(what: string, reply: number): SocksProxyError {
  return new SocksProxyError(
    `Cannot ${what}: the proxy answered ${reply} (${socksReplyReason(reply)})`,
    { reply },
  );
}

/** The proxy's answers as they arrive: bytes read and not yet parsed. */
class ProxyAnswers {
  readonly #conn: Conn;
  readonly #what: string;
  readonly #chunk = new Uint8Array(1024);
  #pending: Uint8Array = new Uint8Array(0);

  constructor(conn: Conn, what: string) {
    this.#conn = conn;
    this.#what = what;
  }

  /**
   * Reads until `parse` finds its message, and takes it. Every answer is at
   * most 262 bytes, and the parsers decide once they have that many, so
   * what is held stays small whatever the proxy sends.
   *
   * @param parse A parser of `socks_codec.ts`.
   * @param atEof The error for a close before the message is whole, given
   * what arrived; the default says the proxy closed the connection.
   */
  async next<T extends { size: number }>(
    parse: (bytes: Uint8Array, what: string) => T | undefined,
    atEof?: (pending: Uint8Array) => SocksProxyError | undefined,
  ): Promise<T> {
    for (;;) {
      const parsed = parse(this.#pending, this.#what);
      if (parsed !== undefined) {
        this.#pending = this.#pending.subarray(parsed.size);
        return parsed;
      }
      const n = await this.#conn.read(this.#chunk);
      if (n === null) {
        throw atEof?.(this.#pending) ??
          new SocksProxyError(`Cannot ${this.#what}: the proxy closed the connection`);
      }
      const got = this.#chunk.subarray(0, n);
      this.#pending = concatBytes([this.#pending, got], this.#pending.byteLength + n);
    }
  }

  /** What arrived after the last message (a copy). */
  rest(): Uint8Array {
    return this.#pending.slice();
  }
}
