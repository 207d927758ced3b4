// Copyright 2026 the portline authors. MIT license.
/**
 * The FTP/FTPS client.
 *
 * @module
 */
import type { Conn, TlsOptions } from "../_core/transport.ts";
import { splitTlsSetting, type TlsMode, type TlsSetting } from "../_core/tls_mode.ts";
import { type CallOptions, Session, type TranscriptEntry } from "../_core/session.ts";
import type { Reply } from "../_core/reply.ts";
import { AuthenticationError, LimitError, TlsError } from "../_core/errors.ts";
import {
  assertSafeArgument,
  bodyChunks,
  type BodySource,
  concatBytes,
  InvalidArgumentError,
  WriteCoalescer,
} from "../_core/writer.ts";
import { FtpBusyError, FtpFeatureError, FtpReplyError } from "./errors.ts";
import { FtpAsciiDecoder, FtpAsciiEncoder } from "./ascii.ts";
import type { FtpFileInfo } from "./file_info.ts";
import { type FtpListParser, parseList } from "./list.ts";
import { parseMlsdList, parseMlstReply } from "./mlsd.ts";
import { formatFtpTime, parseFeatReply, parseFtpTime, parsePwdReply } from "./replies.ts";
import { parseByteCount } from "./_values.ts";
import { DataTransfer, replyError, type TransferContext } from "./_transfer.ts";
import { connectVia, type ProxyRoute, proxyRoute } from "../http/_proxy_route.ts";
import { DEFAULT_MAX_REPLY_BYTES, MAX_LINE_BYTES, readFtpReply } from "./_reply_reader.ts";
import { openLocalReader, openLocalWriter, statLocal } from "./_local_fs.ts";
import {
  downloadTree,
  type FtpTreeOptions,
  type FtpTreeResult,
  removeTree,
  uploadTree,
} from "./tree.ts";

/** Options of {@linkcode FtpClient.connect}. */
export interface FtpClientOptions {
  /** The server's host name or IP address. */
  hostname: string;
  /** The control port. @default {21, or 990 with `tls: "implicit"`} */
  port?: number;
  /** The user name. @default {"anonymous"} */
  user?: string;
  /** The password. @default {"anonymous@" for anonymous} */
  password?: string;
  /** The account, sent with ACCT when the server asks for one (332). */
  account?: string;
  /**
   * FTPS: the TLS mode, or TLS options with a `mode`
   * (`{ mode: "starttls", caCerts: [ca] }` for a private CA). Certificates are
   * always verified.
   *
   * - `"starttls"`: explicit FTPS, AUTH TLS on the control port, then PBSZ 0
   *   and PROT P (see `dataProtection`). Once named it is required: when the
   *   server refuses AUTH TLS, `connect` fails with a `TlsError` before any
   *   credentials are sent.
   * - `"implicit"`: implicit FTPS, TLS from the first byte (port 990).
   * - `"none"`: plain FTP.
   *
   * Without a mode, port 990 is implicit FTPS and every other port plain FTP.
   * AUTH TLS is never tried on its own (unlike SMTP's opportunistic
   * STARTTLS): under Deno, which cannot resume TLS sessions, every data
   * connection would then fail against servers that require data connections
   * to resume the control connection's TLS session (proftpd's default,
   * vsftpd's `require_ssl_reuse=YES`), so a plain server would become an
   * unusable encrypted one. curl and Python's ftplib are plain by default too.
   * Name `"starttls"` (or `"implicit"`) to get FTPS.
   *
   * @default {"implicit" on port 990, else "none"}
   */
  tls?: TlsSetting;
  /**
   * Data channel protection under FTPS: `"private"` (PROT P, encrypted) or
   * `"clear"` (PROT C: only the control channel is encrypted).
   *
   * @default {"private"}
   */
  dataProtection?: "private" | "clear";
  /**
   * Passive mode (EPSV, falling back to PASV); false for active mode (EPRT,
   * falling back to PORT), where the server connects to us.
   *
   * @default {true}
   */
  passive?: boolean;
  /**
   * Use the address in PASV replies. By default it is ignored and the control
   * connection's host is used instead, as curl does (it blocks FTP bounce and
   * fixes servers behind NAT announcing private addresses).
   *
   * @default {false}
   */
  trustPasvAddress?: boolean;
  /** The local address to listen on and announce in active mode. @default {the control connection's local address} */
  activeHost?: string;
  /**
   * A proxy to tunnel through: an HTTP proxy (CONNECT) as
   * `http://[user:password@]host:port`, with Basic proxy authentication or
   * Digest when the proxy asks for it; or a SOCKS5 proxy as
   * `socks5h://[user:password@]host[:port]` (the proxy resolves the
   * server's name) or `socks5://…` (resolved here), with user name and
   * password authentication (RFC 1929) when the URL has them. The control
   * connection and every passive data connection go through it, and FTPS
   * runs end to end inside the tunnels. Passive mode only (in active mode
   * the server would connect to us directly). Not read from the
   * environment.
   */
  proxy?: string | URL;
  /** The longest any network wait may take, in milliseconds (idle time on data channels). @default {30000} */
  timeoutMs?: number;
  /** Cancels connecting and logging in. */
  signal?: AbortSignal;
  /** Receives each command and reply line; passwords are redacted. */
  onTranscript?: (entry: TranscriptEntry) => void;
  /** LIST formats to try, in order. @default {FTP_LIST_PARSERS} */
  listParsers?: readonly FtpListParser[];
  /**
   * The largest directory listing read into memory (`list`, `listRaw`,
   * `listNames`: MLSD, LIST, NLST), in bytes; a larger one is aborted (ABOR,
   * the connection stays usable) with a `LimitError`.
   *
   * @default {67108864}
   */
  maxListingBytes?: number;
  /**
   * The largest control reply (a multi-line reply such as FEAT, HELP or
   * `STAT path`), in bytes. A larger reply, one of more than 10 000 lines, or
   * one with a line longer than 8 KiB is read to its end and discarded (the
   * connection stays usable) and the call fails with a `LimitError`.
   *
   * @default {1048576}
   */
  maxReplyBytes?: number;
}

/** Progress of a transfer. */
export interface FtpProgress {
  /** Bytes transferred so far in this call. */
  bytes: number;
  /** The expected total when known (uploads from files, or the server's 150 reply). */
  totalBytes: number | undefined;
  /**
   * Milliseconds since the data started (the server's go-ahead reply), on
   * the monotonic clock, with sub-millisecond precision.
   */
  elapsedMs: number;
  /** The average rate so far, in bytes per second. */
  bytesPerSecond: number;
}

/** Options of transfers. */
export interface FtpTransferOptions extends CallOptions {
  /** Called with the progress, at most every 100 ms and once at the end. */
  onProgress?: (progress: FtpProgress) => void;
  /** ASCII mode (TYPE A): line ends are converted (CRLF on the wire, LF locally). @default {false} */
  ascii?: boolean;
}

/** Options of downloads. */
export interface FtpDownloadOptions extends FtpTransferOptions {
  /** Start at this byte (REST): resumes an interrupted download. */
  offset?: number;
}

/** Options of {@linkcode FtpClient.downloadBytes} and {@linkcode FtpClient.downloadText}. */
export interface FtpDownloadBytesOptions extends FtpDownloadOptions {
  /**
   * The most bytes to read into memory. A larger file is aborted (ABOR: the
   * connection stays usable) with a `LimitError`; stream it with
   * {@linkcode FtpClient.download} or {@linkcode FtpClient.downloadTo}
   * instead.
   *
   * @default {67108864}
   */
  maxBytes?: number;
}

/** The default `maxBytes` of {@linkcode FtpClient.downloadBytes}: 64 MiB. */
const DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
/** The default `maxListingBytes`: 64 MiB. */
const DEFAULT_MAX_LISTING_BYTES = 64 * 1024 * 1024;

/** Options of {@linkcode FtpClient.download}. */
export interface FtpDownloadStreamOptions extends FtpDownloadOptions {
  /**
   * The size of the chunks a default reader (or `for await`) receives, each a
   * fresh buffer; BYOB readers read into their own buffers instead.
   *
   * @default {262144}
   */
  chunkSize?: number;
}

/** Options of {@linkcode FtpClient.downloadTo}. */
export interface FtpDownloadToOptions extends FtpDownloadOptions {
  /**
   * Resume into a local file: continue it from its current size (REST);
   * `offset` is then ignored.
   *
   * @default {false}
   */
  resume?: boolean;
}

/**
 * Receives downloaded bytes chunk by chunk. The chunk is a view of a reused
 * buffer: copy what you keep before returning (or before the promise settles).
 */
export type FtpChunkSink = (chunk: Uint8Array) => void | Promise<void>;

/** Options of uploads. */
export interface FtpUploadOptions extends FtpTransferOptions {
  /** Append to the remote file (APPE) instead of replacing it (STOR). */
  append?: boolean;
  /** Write from this byte of the remote file (REST + STOR), to resume an upload. */
  offset?: number;
  /** The size to report as `totalBytes` in progress callbacks. */
  totalBytes?: number;
}

/** What a finished transfer reports. */
export interface FtpTransferResult {
  /** The bytes sent or received (before ASCII conversion). */
  bytes: number;
  /**
   * How long the transfer took, in milliseconds: from the server's go-ahead
   * (150) to its final reply (226), the window curl's `time_total -
   * time_pretransfer` measures.
   */
  elapsedMs: number;
  /** The average rate, in bytes per second. */
  bytesPerSecond: number;
}

/** Options of {@linkcode FtpClient.mkdir}. */
export interface FtpMkdirOptions extends CallOptions {
  /** Create missing parents too, and accept an existing directory. */
  recursive?: boolean;
}

/**
 * Data-channel reads into reused buffers (downloadTo). A read returns what
 * the socket holds, up to the buffer's size: against vsftpd on this 2-CPU VM
 * reads averaged 60 KiB with 64 KiB buffers and 120–260 KiB with 4 MiB ones,
 * and fewer, larger reads were faster (median of 14–16 rounds: 1 MiB 1.43–1.59
 * GB/s, 4 MiB 1.57–1.87, 8 MiB no better). Only the touched part of a buffer
 * costs memory. download() streams read into the consumer's buffer (BYOB) or
 * into fresh `chunkSize` buffers.
 */
const READ_SIZE = 4 * 1024 * 1024;
/** download() chunks for default readers. */
const STREAM_CHUNK = 256 * 1024;
/**
 * downloadTo(file) reads: each is written to the file at once. Measured
 * inside the benchmark (9 rounds, 256 MB, three runs): reads of up to 128
 * KiB / 256 KiB / 1 MiB / 2 MiB / 4 MiB written synchronously ran at 728 /
 * 961–1,112 / 1,167–1,455 / 1,308 / 1,120 MB/s median, against 458–734 for
 * two 4 MiB buffers flushed at 2 MiB by asynchronous writes (curl 466–484);
 * on one CPU 658 / 667–686 / 713–798 / 685 / 758 against 363–413 (curl
 * 426–510).
 */
const FILE_CHUNK = 1024 * 1024;
/** Writes of at least this size go out as they are (smaller ones are gathered). */
const MIN_WRITE = 256 * 1024;
/**
 * uploadFrom() file blocks. Blocks that fit the CPU's L2 cache cost the least:
 * the kernel copies each block twice (page cache → buffer, buffer → socket),
 * and with two 256 KiB buffers the second copy reads cached data. 512 KiB to
 * 4 MiB blocks measured 20–50 % more CPU for the same upload, and were slower.
 */
const UPLOAD_BLOCK = 256 * 1024;
const decoder = new TextDecoder();

class Progress {
  readonly #callback: ((progress: FtpProgress) => void) | undefined;
  // performance.now(): monotonic, and precise enough to time fast transfers.
  readonly #start = performance.now();
  #last = -Infinity;
  bytes = 0;
  total: number | undefined;

  constructor(callback: ((progress: FtpProgress) => void) | undefined, total?: number) {
    this.#callback = callback;
    this.total = total;
  }

  add(n: number): void {
    this.bytes += n;
    if (!this.#callback) return;
    const now = performance.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    this.#callback(this.snapshot());
  }

  snapshot(): FtpProgress {
    const elapsedMs = Math.max(0.001, performance.now() - this.#start);
    return {
      bytes: this.bytes,
      totalBytes: this.total,
      elapsedMs,
      bytesPerSecond: Math.round(this.bytes * 1000 / elapsedMs),
    };
  }

  finish(): FtpTransferResult {
    const result = this.snapshot();
    this.#callback?.(result);
    return {
      bytes: result.bytes,
      elapsedMs: result.elapsedMs,
      bytesPerSecond: result.bytesPerSecond,
    };
  }
}

/** Opens a plain connection to an FTP host: directly, or through the proxy. */
type FtpConnector = (
  hostname: string,
  port: number,
  signal: AbortSignal | undefined,
) => Promise<Conn>;

/**
 * The proxy route of a client (passive mode only: in active mode the server
 * would connect to us directly), shared by all its tunnels: through an HTTP
 * proxy, a Digest challenge learnt on the control connection answers the
 * data connections' tunnels too.
 */
function ftpProxyRoute(options: FtpClientOptions): ProxyRoute | undefined {
  if (options.proxy !== undefined && options.passive === false) {
    throw new InvalidArgumentError(
      "Cannot connect through a proxy in active mode: the server would connect to us directly; use passive mode",
    );
  }
  return proxyRoute(options.proxy);
}

function redact(line: string): string {
  return /^(PASS|ACCT) /i.test(line) ? `${line.slice(0, 4)} ****` : line;
}

/**
 * An FTP/FTPS client: one control connection, one transfer at a time.
 *
 * Transfers stream (`download` returns a `ReadableStream`, `upload` takes
 * one), resume (REST) and append (APPE), report progress, and cancel with
 * ABOR through an `AbortSignal` while keeping the connection usable.
 * FTPS (explicit and implicit) verifies certificates and encrypts data
 * channels; under Node data channels resume the control connection's TLS
 * session (servers requiring it); Deno cannot, which is reported as an
 * {@linkcode FtpTlsSessionReuseError}.
 *
 * @example Usage
 * ```ts
 * import { FtpClient, FtpServer } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * await using server = await FtpServer.start({ users: { alice: "secret" } });
 * await using client = await FtpClient.connect({
 *   hostname: "127.0.0.1",
 *   port: server.port,
 *   user: "alice",
 *   password: "secret",
 * });
 * await client.upload("notes.txt", "hello");
 * assert.deepEqual((await client.list()).map((e) => e.name), ["notes.txt"]);
 * assert.equal(await client.downloadText("notes.txt"), "hello");
 * ```
 */
export class FtpClient {
  readonly #session: Session;
  readonly #options: FtpClientOptions;
  readonly #tlsMode: TlsMode;
  readonly #tlsOptions: TlsOptions;
  readonly #maxReplyBytes: number;
  #features = new Map<string, string>();
  /** Whether FEAT was answered: then a feature it leaves out is missing. */
  #featuresKnown = false;
  #type: "A" | "I" | undefined;
  #busy: string | undefined;
  #protect = false;
  #mlsd = true;
  readonly #caps = { epsv: true, eprt: true };
  #welcome: string[] = [];
  readonly #connector: FtpConnector;

  private constructor(
    session: Session,
    options: FtpClientOptions,
    tlsMode: TlsMode,
    tlsOptions: TlsOptions,
    connector: FtpConnector,
  ) {
    this.#connector = connector;
    this.#session = session;
    this.#options = options;
    this.#tlsMode = tlsMode;
    this.#tlsOptions = tlsOptions;
    this.#maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  }

  /**
   * Connects, secures (FTPS), logs in, and reads the server's features.
   *
   * @example Usage
   * ```ts ignore
   * import { FtpClient } from "@portline/portline/ftp";
   *
   * await using client = await FtpClient.connect({
   *   hostname: "ftp.example.org",
   *   user: "alice",
   *   password: "secret",
   *   tls: "starttls", // AUTH TLS, required; "implicit" for port 990
   * });
   * console.log(await client.pwd());
   * ```
   *
   * @param options Server, credentials, TLS, mode and limits.
   * @returns The logged-in client.
   * @throws {AuthenticationError} When the login is refused.
   * @throws {TlsError} When FTPS was asked for and cannot be set up (AUTH TLS
   * refused, handshake or certificate failure).
   * @throws {TypeError} When `tls` names an unknown mode, or the removed
   * `secure` option is passed.
   * @throws {ConnectError} When the server (or the proxy) cannot be reached.
   * @throws {HttpProxyError} When an HTTP proxy refuses the tunnel (`status`).
   * @throws {SocksProxyError} When a SOCKS proxy refuses the tunnel
   * (`reply`) or the credentials, or does not speak SOCKS5.
   * @throws {InvalidArgumentError} When `proxy` is no URL, names an
   * unsupported scheme, has SOCKS credentials longer than 255 bytes, or is
   * combined with active mode.
   */
  static async connect(options: FtpClientOptions): Promise<FtpClient> {
    if ("secure" in options) {
      // The option before `tls` modes: ignoring it would silently mean plain FTP.
      throw new TypeError(
        'Cannot connect: the "secure" option was replaced by tls: "starttls" (AUTH TLS) or "implicit"',
      );
    }
    const { mode: named, options: tlsOptions } = splitTlsSetting(options.tls);
    const port = options.port ?? (named === "implicit" ? 990 : 21);
    // Plain unless FTPS is named (or the port is 990): see the `tls` option.
    const mode = named ?? (port === 990 ? "implicit" : "none");
    const timeoutMs = options.timeoutMs ?? 30_000;
    const route = ftpProxyRoute(options);
    const connector: FtpConnector = (hostname, port, signal) =>
      connectVia(route, { hostname, port, signal, timeoutMs });
    const conn = await connectVia(route, {
      hostname: options.hostname,
      port,
      tls: mode === "implicit" ? { ...tlsOptions } : undefined,
      signal: options.signal,
      timeoutMs,
    });
    const session = new Session(conn, options.hostname, {
      timeoutMs,
      onTranscript: options.onTranscript,
      maxLineBytes: MAX_LINE_BYTES,
    });
    const client = new FtpClient(session, options, mode, tlsOptions, connector);
    try {
      await session.run({ signal: options.signal }, () => client.#start());
    } catch (error) {
      session.destroy();
      throw error;
    }
    return client;
  }

  async #command(line: string): Promise<Reply> {
    const shown = redact(line);
    await this.#session.send(line, shown);
    return await readFtpReply(this.#session, shown, this.#maxReplyBytes);
  }

  async #expect(line: string, what: string, ok: (code: number) => boolean): Promise<Reply> {
    const reply = await this.#command(line);
    if (!ok(reply.code)) throw replyError(what, redact(line), reply);
    return reply;
  }

  async #start(): Promise<void> {
    const options = this.#options;
    const read = () => readFtpReply(this.#session, "", this.#maxReplyBytes);
    let greeting = await read();
    while (greeting.code === 120) greeting = await read();
    if (greeting.code !== 220) throw replyError("connect", "", greeting);
    this.#welcome = greeting.lines;
    if (this.#tlsMode === "starttls") {
      const reply = await this.#command("AUTH TLS");
      if (reply.code !== 234) {
        throw new TlsError(
          `Cannot secure the connection to "${options.hostname}" with tls: "starttls": AUTH TLS refused (${reply.code} ${
            reply.lines.join(" ")
          }); no credentials were sent`,
        );
      }
      await this.#session.upgradeTls(this.#tlsOptions);
    }
    await this.#login();
    const feat = await this.#command("FEAT");
    if (feat.code === 211) {
      this.#features = parseFeatReply(feat.lines);
      this.#featuresKnown = true;
    }
    if (this.#features.has("UTF8")) await this.#command("OPTS UTF8 ON");
    if (this.#session.conn.secure && (options.dataProtection ?? "private") === "private") {
      await this.#expect("PBSZ 0", "set up FTPS", (code) => code >= 200 && code < 300);
      await this.#expect("PROT P", "protect the data channel", (code) => code >= 200 && code < 300);
      this.#protect = true;
    }
    this.#mlsd = this.#features.has("MLST");
  }

  async #login(): Promise<void> {
    const options = this.#options;
    const user = options.user ?? "anonymous";
    const password = options.password ?? (user === "anonymous" ? "anonymous@" : "");
    assertSafeArgument(user, "user name");
    assertSafeArgument(password, "password");
    let reply = await this.#command(`USER ${user}`);
    if (reply.code === 331) reply = await this.#command(`PASS ${password}`);
    if (reply.code === 332) {
      if (options.account === undefined) {
        throw new AuthenticationError(
          `Cannot log in to "${options.hostname}" as "${user}": the server asks for an account (ACCT) and none was given`,
          { replyCode: 332, command: "PASS ****", response: reply.lines.join(" ") },
        );
      }
      assertSafeArgument(options.account, "account");
      reply = await this.#command(`ACCT ${options.account}`);
    }
    if (reply.code !== 230 && reply.code !== 202) {
      throw new AuthenticationError(
        `Cannot log in to "${options.hostname}" as "${user}": ${reply.code} ${
          reply.lines.join(" ")
        }`,
        { replyCode: reply.code, command: `USER ${user}`, response: reply.lines.join(" ") },
      );
    }
  }

  /** The features the server announced (FEAT), names upper-cased. */
  get features(): ReadonlyMap<string, string> {
    return this.#features;
  }

  /** The server's greeting lines. */
  get welcome(): readonly string[] {
    return this.#welcome;
  }

  /** Whether the control connection is encrypted. */
  get secure(): boolean {
    return this.#session.conn.secure;
  }

  /**
   * Whether this runtime can resume the control connection's TLS session on
   * data connections (Node: yes; Deno: no). Servers that require resumption
   * (proftpd's default) refuse encrypted transfers otherwise.
   */
  get canResumeTlsSession(): boolean {
    return this.#session.conn.tlsSession?.() !== undefined;
  }

  /** Whether data channels are encrypted (PROT P). */
  get dataProtected(): boolean {
    return this.#protect;
  }

  /** Whether the connection was closed. */
  get closed(): boolean {
    return this.#session.closed;
  }

  #checkIdle(what: string): void {
    if (this.#busy !== undefined) {
      throw new FtpBusyError(
        `Cannot ${what}: a transfer (${this.#busy}) is running on this connection; FTP carries one transfer at a time per connection: finish or cancel it first, or open another client with clone()`,
      );
    }
  }

  #run<T>(what: string, options: CallOptions, fn: () => Promise<T>): Promise<T> {
    this.#checkIdle(what);
    return this.#session.run(options, fn);
  }

  #path(path: string): string {
    assertSafeArgument(path, "path");
    return path;
  }

  /**
   * Sends a raw command and returns the reply, whatever its code.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.equal((await client.sendCommand("NOOP")).code, 200);
   * ```
   *
   * @param line The command, without line end.
   * @param options The call's signal.
   * @returns The reply.
   * @throws {InvalidArgumentError} When the line contains CR, LF or NUL.
   */
  async sendCommand(line: string, options: CallOptions = {}): Promise<Reply> {
    return await this.#run("send a command", options, () => this.#command(line));
  }

  #simple(
    what: string,
    line: string,
    options: CallOptions,
    ok = (c: number) => c >= 200 && c < 300,
  ) {
    return this.#run(what, options, () => this.#expect(line, what, ok));
  }

  /**
   * Keeps the connection alive (NOOP).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await client.noop();
   * ```
   *
   * @param options The call's signal.
   */
  async noop(options: CallOptions = {}): Promise<void> {
    await this.#simple("send NOOP", "NOOP", options);
  }

  /**
   * The server's system type (SYST), e.g. `"UNIX Type: L8"`.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.match(await client.system(), /UNIX/);
   * ```
   *
   * @param options The call's signal.
   * @returns The system type.
   */
  async system(options: CallOptions = {}): Promise<string> {
    return (await this.#simple("read the system type", "SYST", options)).lines.join(" ");
  }

  /**
   * Sends a SITE command (server-specific, e.g. `CHMOD 644 file`).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ users: { a: "b" } });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * assert.equal((await client.site("CHMOD 644 x")).code, 200);
   * ```
   *
   * @param command The SITE arguments.
   * @param options The call's signal.
   * @returns The reply.
   * @throws {FtpReplyError} When the server refuses.
   */
  async site(command: string, options: CallOptions = {}): Promise<Reply> {
    return await this.#simple("run SITE", `SITE ${this.#path(command)}`, options);
  }

  /**
   * Asks for help (HELP), optionally about one command.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.ok((await client.help()).length > 1);
   * ```
   *
   * @param command The command to ask about.
   * @param options The call's signal.
   * @returns The help text lines.
   */
  async help(command?: string, options: CallOptions = {}): Promise<string[]> {
    const line = command ? `HELP ${this.#path(command)}` : "HELP";
    return (await this.#simple("read help", line, options)).lines;
  }

  /**
   * The server's status (STAT), or a path's listing over the control
   * connection (`STAT path`).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.ok((await client.status()).length > 0);
   * ```
   *
   * @param path A path to show instead of the server status.
   * @param options The call's signal.
   * @returns The reply lines.
   */
  async status(path?: string, options: CallOptions = {}): Promise<string[]> {
    const line = path === undefined ? "STAT" : `STAT ${this.#path(path)}`;
    return (await this.#simple("read the status", line, options)).lines;
  }

  /**
   * The current remote directory (PWD).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.equal(await client.pwd(), "/");
   * ```
   *
   * @param options The call's signal.
   * @returns The path.
   * @throws {FtpReplyError} When the reply carries no path.
   */
  async pwd(options: CallOptions = {}): Promise<string> {
    const reply = await this.#simple(
      "read the current directory",
      "PWD",
      options,
      (c) => c === 257,
    );
    const path = parsePwdReply(reply.lines[0] ?? "");
    if (path === null) throw replyError("read the current directory", "PWD", reply);
    return path;
  }

  /**
   * Changes the remote directory (CWD).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/pub/a.txt": "a" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await client.cd("pub");
   * assert.equal(await client.pwd(), "/pub");
   * ```
   *
   * @param path The directory.
   * @param options The call's signal.
   * @throws {FtpReplyError} When there is no such directory.
   */
  async cd(path: string, options: CallOptions = {}): Promise<void> {
    await this.#simple(`change directory to "${path}"`, `CWD ${this.#path(path)}`, options);
  }

  /**
   * Goes to the parent directory (CDUP).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/pub/a.txt": "a" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await client.cd("pub");
   * await client.cdup();
   * assert.equal(await client.pwd(), "/");
   * ```
   *
   * @param options The call's signal.
   */
  async cdup(options: CallOptions = {}): Promise<void> {
    await this.#simple("go to the parent directory", "CDUP", options);
  }

  /**
   * Creates a directory (MKD); with `recursive`, its missing parents too.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ users: { a: "b" } });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * assert.equal(await client.mkdir("x/y/z", { recursive: true }), "x/y/z");
   * assert.equal((await client.stat("/x/y/z")).type, "directory");
   * ```
   *
   * @param path The directory.
   * @param options Recursive, and the call's signal.
   * @returns The created path as the server reports it.
   * @throws {FtpReplyError} When the server refuses.
   */
  async mkdir(path: string, options: FtpMkdirOptions = {}): Promise<string> {
    this.#path(path);
    return await this.#run(`create directory "${path}"`, options, async () => {
      if (!options.recursive) {
        const reply = await this.#expect(
          `MKD ${path}`,
          `create directory "${path}"`,
          (c) => c === 257,
        );
        return parsePwdReply(reply.lines[0] ?? "") ?? path;
      }
      const parts = path.split("/");
      let prefix = "";
      for (let i = 0; i < parts.length; i++) {
        prefix = i === 0 ? parts[0]! : `${prefix}/${parts[i]}`;
        if (parts[i] === "" || parts[i] === ".") continue;
        const reply = await this.#command(`MKD ${prefix}`);
        if (reply.code === 257) continue;
        // It may exist already: accept it when it is a directory.
        if (!(await this.#isDirectory(prefix))) {
          throw replyError(`create directory "${prefix}"`, `MKD ${prefix}`, reply);
        }
      }
      return path;
    });
  }

  async #isDirectory(path: string): Promise<boolean> {
    const before = await this.#command("PWD");
    const cwd = parsePwdReply(before.lines[0] ?? "");
    const reply = await this.#command(`CWD ${path}`);
    if (reply.code !== 250 && reply.code !== 200) return false;
    if (cwd !== null) await this.#expect(`CWD ${cwd}`, "return to the directory", (c) => c < 300);
    return true;
  }

  /**
   * Removes an empty directory (RMD). See {@linkcode FtpClient.removeDir} for trees.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   *
   * await using server = await FtpServer.start({ users: { a: "b" } });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * await client.mkdir("tmp");
   * await client.rmdir("tmp");
   * ```
   *
   * @param path The directory.
   * @param options The call's signal.
   * @throws {FtpReplyError} When the server refuses (not empty, no such directory).
   */
  async rmdir(path: string, options: CallOptions = {}): Promise<void> {
    await this.#simple(`remove directory "${path}"`, `RMD ${this.#path(path)}`, options);
  }

  /**
   * Deletes a file (DELE).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "a" });
   * await using server = await FtpServer.start({ users: { a: "b" }, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * await client.remove("a.txt");
   * assert.equal(await fs.stat("/a.txt"), null);
   * ```
   *
   * @param path The file.
   * @param options The call's signal.
   * @throws {FtpReplyError} When the server refuses.
   */
  async remove(path: string, options: CallOptions = {}): Promise<void> {
    await this.#simple(`delete "${path}"`, `DELE ${this.#path(path)}`, options);
  }

  /**
   * Renames or moves a file or directory (RNFR + RNTO).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "a" });
   * await using server = await FtpServer.start({ users: { a: "b" }, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * await client.rename("a.txt", "b.txt");
   * assert.equal((await fs.stat("/b.txt"))?.size, 1);
   * ```
   *
   * @param from The current path.
   * @param to The new path.
   * @param options The call's signal.
   * @throws {FtpReplyError} When the server refuses either step.
   */
  async rename(from: string, to: string, options: CallOptions = {}): Promise<void> {
    this.#path(from);
    this.#path(to);
    const what = `rename "${from}" to "${to}"`;
    return await this.#run(what, options, async () => {
      await this.#expect(`RNFR ${from}`, what, (c) => c === 350);
      await this.#expect(`RNTO ${to}`, what, (c) => c >= 200 && c < 300);
    });
  }

  async #setType(ascii: boolean): Promise<void> {
    const type = ascii ? "A" : "I";
    if (this.#type === type) return;
    await this.#expect(
      `TYPE ${type}`,
      `switch to ${ascii ? "ASCII" : "binary"} mode`,
      (c) => c === 200,
    );
    this.#type = type;
  }

  /**
   * A file's size in bytes (SIZE, in binary mode).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "abc" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.equal(await client.size("a.txt"), 3);
   * ```
   *
   * @param path The file.
   * @param options The call's signal.
   * @returns The size.
   * @throws {FtpReplyError} When the server refuses (no such file, a directory).
   */
  async size(path: string, options: CallOptions = {}): Promise<number> {
    this.#path(path);
    const what = `read the size of "${path}"`;
    return await this.#run(what, options, async () => {
      await this.#setType(false);
      const reply = await this.#expect(`SIZE ${path}`, what, (c) => c === 213);
      // Digits only: Number() reads "" as 0 and takes "-1", "1e3" and "0x10".
      const size = parseByteCount(reply.lines[0]?.trim() ?? "");
      if (size === undefined) throw replyError(what, `SIZE ${path}`, reply);
      return size;
    });
  }

  /**
   * A file's modification time (MDTM, UTC).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem();
   * fs.writeFile("/a.txt", "a", new Date("2024-01-15T10:30:00Z"));
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.equal((await client.lastModified("a.txt")).toISOString(), "2024-01-15T10:30:00.000Z");
   * ```
   *
   * @param path The file.
   * @param options The call's signal.
   * @returns The time.
   * @throws {FtpReplyError} When the server refuses or sends no time.
   */
  async lastModified(path: string, options: CallOptions = {}): Promise<Date> {
    const what = `read the modification time of "${path}"`;
    const reply = await this.#simple(what, `MDTM ${this.#path(path)}`, options, (c) => c === 213);
    const time = parseFtpTime(reply.lines[0] ?? "");
    if (!time) throw replyError(what, `MDTM ${path}`, reply);
    return time;
  }

  /**
   * Sets a file's modification time (MFMT), where the server offers it.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "a" });
   * await using server = await FtpServer.start({ users: { a: "b" }, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * const when = new Date("2020-02-02T02:02:02Z");
   * await client.setLastModified("a.txt", when);
   * assert.equal((await fs.stat("/a.txt"))?.modifiedAt.getTime(), when.getTime());
   * ```
   *
   * @param path The file.
   * @param time The new time (whole seconds).
   * @param options The call's signal.
   * @throws {FtpFeatureError} When the server's FEAT reply does not list MFMT (nothing is sent).
   * @throws {FtpReplyError} When the server refuses MFMT.
   */
  async setLastModified(path: string, time: Date, options: CallOptions = {}): Promise<void> {
    const command = `MFMT ${formatFtpTime(time)} ${this.#path(path)}`;
    const what = `set the modification time of "${path}"`;
    // A server without FEAT may still know MFMT; one whose FEAT leaves it out
    // would answer 500 or, worse, take it for something else.
    if (this.#featuresKnown && !this.#features.has("MFMT")) {
      throw new FtpFeatureError(
        "MFMT",
        `Cannot ${what}: the server does not offer MFMT (its FEAT reply does not list it)`,
      );
    }
    await this.#simple(what, command, options);
  }

  /**
   * One entry's facts: MLST where the server has it, else the entry from the
   * parent directory's listing.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "abc" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * const info = await client.stat("/a.txt");
   * assert.equal(info.type, "file");
   * assert.equal(info.size, 3);
   * ```
   *
   * @param path The file or directory.
   * @param options The call's signal.
   * @returns The entry.
   * @throws {FtpReplyError} When it does not exist.
   */
  async stat(path: string, options: CallOptions = {}): Promise<FtpFileInfo> {
    this.#path(path);
    const what = `read the facts of "${path}"`;
    if (this.#features.has("MLST")) {
      const reply = await this.#simple(what, `MLST ${path}`, options, (c) => c === 250);
      const entry = parseMlstReply(reply.lines);
      if (entry) return entry;
      throw replyError(what, `MLST ${path}`, reply);
    }
    const slash = path.replace(/\/+$/, "").lastIndexOf("/");
    const parent = slash === -1 ? "" : path.slice(0, slash) || "/";
    const name = path.slice(slash + 1).replace(/\/+$/, "");
    const found = (await this.list(parent, options)).find((entry) => entry.name === name);
    if (!found) {
      throw new FtpReplyError(`Cannot ${what}: no such file or directory`, {
        replyCode: 550,
        command: `LIST ${parent}`,
        response: "not in the listing",
      });
    }
    return found;
  }

  // ---- transfers ----

  #context(): TransferContext {
    const options = this.#options;
    return {
      session: this.#session,
      hostname: options.hostname,
      tls: this.#tlsOptions,
      protect: this.#protect,
      passive: options.passive ?? true,
      trustPasvAddress: options.trustPasvAddress ?? false,
      activeHost: options.activeHost,
      // Through a proxy the control connection's peer is the proxy: passive
      // data connections go to the server's name instead.
      passiveHost: options.proxy === undefined ? undefined : options.hostname,
      connectData: (hostname, port) => this.#connector(hostname, port, undefined),
      timeoutMs: this.#session.timeoutMs,
      maxReplyBytes: this.#maxReplyBytes,
      caps: this.#caps,
    };
  }

  /**
   * Opens a transfer holding the lock and the busy flag until it ends.
   */
  async #begin(
    command: string,
    what: string,
    options: CallOptions & { ascii?: boolean; offset?: number },
  ): Promise<DataTransfer> {
    this.#checkIdle(what);
    this.#busy = what;
    let release: (() => void) | undefined;
    try {
      release = await this.#session.acquire(options);
      // Control reads of a transfer are bounded by the timeout only: an abort
      // is handled with ABOR, keeping the connection.
      this.#session.reader.deadline = { timeoutMs: this.#session.timeoutMs };
      await this.#setType(options.ascii ?? false);
      const done = release;
      return await DataTransfer.open(this.#context(), command, what, {
        offset: options.offset,
        signal: options.signal,
        onEnd: () => {
          this.#busy = undefined;
          done();
        },
      });
    } catch (error) {
      this.#busy = undefined;
      release?.();
      throw error;
    }
  }

  /**
   * Downloads a file as a byte stream (`type: "bytes"`). The stream reads
   * the data connection only when its consumer asks for more (no read-ahead
   * beyond the kernel's socket buffer, no chunks kept), straight into the
   * consumer's buffer: with a BYOB reader
   * (`stream.getReader({ mode: "byob" })`) one buffer can be reused for the
   * whole file, so memory stays flat; a default reader (or `for await`)
   * receives a fresh chunk of up to `chunkSize` bytes per read. The
   * connection is busy until the stream ends or is cancelled; cancelling (or
   * aborting `signal`) sends ABOR and keeps the connection usable.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "hello" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * const stream = await client.download("a.txt", { offset: 1 });
   * assert.equal(await new Response(stream).text(), "ello");
   * ```
   *
   * @example A BYOB reader reusing one buffer
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.bin": new Uint8Array(100_000).fill(7) });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * const reader = (await client.download("a.bin")).getReader({ mode: "byob" });
   * let buffer = new Uint8Array(64 * 1024);
   * let total = 0;
   * for (;;) {
   *   const { done, value } = await reader.read(buffer);
   *   if (done) break;
   *   total += value.byteLength;
   *   buffer = new Uint8Array(value.buffer); // the same memory, handed back
   * }
   * assert.equal(total, 100_000);
   * ```
   *
   * @param path The remote file.
   * @param options Offset (REST), ASCII mode, default-reader chunk size, progress, signal.
   * @returns The file's bytes.
   * @throws {FtpReplyError} When the server refuses (no such file…).
   * @throws {FtpBusyError} When another transfer is running.
   */
  async download(
    path: string,
    options: FtpDownloadStreamOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    this.#path(path);
    const chunkSize = options.chunkSize ?? STREAM_CHUNK;
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
      throw new InvalidArgumentError(
        `Cannot download "${path}": chunkSize must be a positive integer`,
      );
    }
    const transfer = await this.#begin(`RETR ${path}`, `download "${path}"`, options);
    const progress = new Progress(
      options.onProgress,
      transfer.size !== undefined ? transfer.size - (options.offset ?? 0) : undefined,
    );
    const ascii = options.ascii ? new FtpAsciiDecoder() : undefined;
    // ASCII mode: wire bytes are read into `scratch`, decoded into `pending`,
    // and handed out as far as the consumer's buffer allows.
    let scratch: Uint8Array | undefined;
    let pending: Uint8Array = new Uint8Array(0);
    let ended = false;
    // Default readers: a fresh buffer per chunk; kept for the next read when
    // a read filled less than half of it (that chunk is copied out instead,
    // so a consumer keeping chunks never holds mostly empty buffers).
    let spare: Uint8Array<ArrayBuffer> | undefined;
    let controller!: ReadableByteStreamController;
    const fail = (error: unknown) => {
      try {
        controller.error(error);
      } catch {
        // Already closed or errored.
      }
    };
    transfer.onAborted = () => {
      transfer.failure(options.signal?.reason).then(fail);
    };
    const finish = async (request: ReadableStreamBYOBRequest | null) => {
      await transfer.complete(false);
      progress.finish();
      controller.close();
      // Hands a BYOB reader its buffer back, with `done`.
      request?.respond(0);
    };
    /** Reads and decodes until there are local bytes, or the end. */
    const decodeMore = async (): Promise<boolean> => {
      while (pending.byteLength === 0) {
        if (ended) return false;
        scratch ??= new Uint8Array(Math.min(chunkSize, READ_SIZE));
        const n = await transfer.read(scratch);
        if (n === null) {
          pending = ascii!.end();
          ended = true;
        } else {
          progress.add(n);
          pending = ascii!.push(scratch.subarray(0, n));
        }
      }
      return true;
    };
    return new ReadableStream({
      type: "bytes",
      start: (c) => {
        controller = c;
      },
      pull: async (c) => {
        // Set for BYOB readers: the data goes straight into their buffer.
        const request = c.byobRequest;
        try {
          if (ascii) {
            if (!await decodeMore()) return await finish(request);
            if (!request) {
              // The decoder's output is a fresh array: handed over as it is.
              c.enqueue(pending as Uint8Array<ArrayBuffer>);
              pending = new Uint8Array(0);
              return;
            }
            const view = request.view!;
            const n = Math.min(pending.byteLength, view.byteLength);
            new Uint8Array(view.buffer, view.byteOffset, n).set(pending.subarray(0, n));
            pending = pending.subarray(n);
            request.respond(n);
            return;
          }
          if (request) {
            const view = request.view!;
            const n = await transfer.read(
              new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
            );
            if (n === null) return await finish(request);
            progress.add(n);
            request.respond(n);
            return;
          }
          const buffer = spare ?? new Uint8Array(chunkSize);
          spare = undefined;
          const n = await transfer.read(buffer);
          if (n === null) return await finish(null);
          progress.add(n);
          if (n * 2 >= buffer.byteLength) {
            c.enqueue(buffer.subarray(0, n));
          } else {
            c.enqueue(buffer.slice(0, n));
            spare = buffer;
          }
        } catch (error) {
          fail(await transfer.failure(error));
        }
      },
      cancel: () => transfer.cancel(),
    }, { highWaterMark: 0 });
  }

  /**
   * Downloads a whole file into memory, at most `maxBytes` of it (64 MiB by
   * default): a larger file is aborted with ABOR, the connection staying
   * usable, and the call fails with a `LimitError`.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.bin": new Uint8Array([1, 2, 3]) });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.deepEqual(await client.downloadBytes("a.bin"), new Uint8Array([1, 2, 3]));
   * ```
   *
   * @example A size limit
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer, LimitError } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/big.bin": new Uint8Array(5000) });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await assert.rejects(client.downloadBytes("big.bin", { maxBytes: 1000 }), LimitError);
   * assert.equal(await client.pwd(), "/"); // still usable
   * ```
   *
   * @param path The remote file.
   * @param options The size limit, offset, ASCII mode, progress, signal.
   * @returns The bytes.
   * @throws {LimitError} When the file is larger than `maxBytes`.
   * @throws {FtpReplyError} When the server refuses (no such file…).
   * @throws {FtpBusyError} When another transfer is running.
   */
  async downloadBytes(path: string, options: FtpDownloadBytesOptions = {}): Promise<Uint8Array> {
    this.#path(path);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new InvalidArgumentError(
        `Cannot download "${path}": maxBytes must be a non-negative integer`,
      );
    }
    this.#checkIdle(`download "${path}"`);
    const tooLarge = () =>
      new LimitError(
        `Cannot download "${path}" into memory (RETR ${path}): the file is larger than maxBytes (${maxBytes} bytes); the transfer was aborted`,
      );
    const parts: Uint8Array[] = [];
    let total = 0;
    const keep = (bytes: Uint8Array) => {
      if (bytes.byteLength === 0) return;
      total += bytes.byteLength;
      if (total > maxBytes) throw tooLarge();
      parts.push(bytes);
    };
    await this.#receive(path, options.offset ?? 0, options, async (transfer, progress, ascii) => {
      // The size the server announced: no need to read what would be refused.
      if (!ascii && progress.total !== undefined && progress.total > maxBytes) throw tooLarge();
      for (;;) {
        // Each chunk is filled before the next is allocated: memory stays
        // within maxBytes plus one chunk, however small the reads.
        const buffer = new Uint8Array(Math.min(STREAM_CHUNK, maxBytes + 1));
        let fill = 0;
        let end = false;
        while (fill < buffer.byteLength) {
          const n = await transfer.read(buffer.subarray(fill));
          if (n === null) {
            end = true;
            break;
          }
          fill += n;
          progress.add(n);
        }
        const wire = buffer.subarray(0, fill);
        keep(ascii ? ascii.push(wire) : fill * 2 >= buffer.byteLength ? wire : wire.slice());
        if (end) break;
      }
      if (ascii) keep(ascii.end());
    });
    return parts.length === 1 && parts[0]!.byteLength === parts[0]!.buffer.byteLength
      ? parts[0]!
      : concatBytes(parts, total);
  }

  /**
   * Downloads a whole file as UTF-8 text.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "héllo" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.equal(await client.downloadText("a.txt"), "héllo");
   * ```
   *
   * @param path The remote file.
   * @param options The size limit (`maxBytes`, 64 MiB by default), offset, ASCII mode, progress, signal.
   * @returns The text.
   * @throws {LimitError} When the file is larger than `maxBytes`.
   * @throws {FtpReplyError} When the server refuses (no such file…).
   */
  async downloadText(path: string, options: FtpDownloadBytesOptions = {}): Promise<string> {
    return decoder.decode(await this.downloadBytes(path, options));
  }

  /**
   * Downloads a file to a local file, or hands it to a function chunk by
   * chunk: the fast, low-memory path. The data channel is read with large
   * reads (up to 1 MiB) into reused buffers (a function receives views of
   * them, valid until it returns or its promise settles); files are written
   * in large batches, the next batch filling while the previous one is
   * written. With
   * `resume`, an existing local file is continued from its size (REST).
   *
   * @example To a file, and to a function
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import { mkdtemp, readFile, rm } from "node:fs/promises";
   * import { tmpdir } from "node:os";
   * import assert from "node:assert/strict";
   *
   * const dir = await mkdtemp(`${tmpdir()}/ftp-`);
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "abc" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * const result = await client.downloadTo("a.txt", `${dir}/a.txt`);
   * assert.equal(result.bytes, 3);
   * assert.equal(await readFile(`${dir}/a.txt`, "utf8"), "abc");
   * let seen = 0;
   * await client.downloadTo("a.txt", (chunk) => {
   *   seen += chunk.byteLength;
   * });
   * assert.equal(seen, 3);
   * await rm(dir, { recursive: true });
   * ```
   *
   * @param remotePath The remote file.
   * @param destination A local file (created or replaced; continued with
   * `resume`), or a function receiving each chunk.
   * @param options Resume (files) or offset, ASCII mode, progress, signal.
   * @returns Bytes and rate.
   */
  async downloadTo(
    remotePath: string,
    destination: string | FtpChunkSink,
    options: FtpDownloadToOptions = {},
  ): Promise<FtpTransferResult> {
    this.#path(remotePath);
    this.#checkIdle(`download "${remotePath}"`);
    if (typeof destination === "function") {
      return await this.#receive(
        remotePath,
        options.offset ?? 0,
        options,
        async (transfer, progress, ascii) => {
          const buffer = new Uint8Array(READ_SIZE);
          for (;;) {
            const n = await transfer.read(buffer);
            if (n === null) break;
            progress.add(n);
            const chunk = ascii ? ascii.push(buffer.subarray(0, n)) : buffer.subarray(0, n);
            if (chunk.byteLength > 0) await destination(chunk);
          }
          const tail = ascii?.end();
          if (tail && tail.byteLength > 0) await destination(tail);
        },
      );
    }
    const offset = options.resume
      ? (await statLocal(destination))?.size ?? 0
      : (options.offset ?? 0);
    const file = await openLocalWriter(destination, { offset });
    try {
      return await this.#receive(remotePath, offset, options, async (transfer, progress, ascii) => {
        // Each read is written at once, synchronously while the page cache
        // takes writes quickly (see _local_fs.ts and FILE_CHUNK's figures).
        const buffer = new Uint8Array(FILE_CHUNK);
        for (;;) {
          const n = await transfer.read(buffer);
          if (n === null) break;
          progress.add(n);
          const chunk = buffer.subarray(0, n);
          await file.write(ascii ? ascii.push(chunk) : chunk);
        }
        if (ascii) await file.write(ascii.end());
      });
    } finally {
      await file.close();
    }
  }

  async #receive(
    remotePath: string,
    offset: number,
    options: FtpTransferOptions,
    loop: (
      transfer: DataTransfer,
      progress: Progress,
      ascii: FtpAsciiDecoder | undefined,
    ) => Promise<void>,
  ): Promise<FtpTransferResult> {
    const transfer = await this.#begin(`RETR ${remotePath}`, `download "${remotePath}"`, {
      ...options,
      offset,
    });
    const progress = new Progress(
      options.onProgress,
      transfer.size !== undefined ? transfer.size - offset : undefined,
    );
    try {
      await loop(transfer, progress, options.ascii ? new FtpAsciiDecoder() : undefined);
      await transfer.complete(false);
    } catch (error) {
      throw await transfer.failure(error);
    }
    return progress.finish();
  }

  /**
   * Uploads bytes, text, a stream or an (async) iterable of chunks (STOR;
   * APPE with `append`; REST + STOR with `offset`). Data goes out in writes
   * of at least 256 KiB.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ users: { a: "b" } });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * await client.upload("log.txt", "one\n");
   * await client.upload("log.txt", "two\n", { append: true });
   * assert.equal(await client.downloadText("log.txt"), "one\ntwo\n");
   * ```
   *
   * @param path The remote file.
   * @param source The content.
   * @param options Append, offset, ASCII mode, progress, signal.
   * @returns Bytes and rate.
   * @throws {FtpReplyError} When the server refuses.
   * @throws {FtpBusyError} When another transfer is running.
   */
  async upload(
    path: string,
    source: BodySource,
    options: FtpUploadOptions = {},
  ): Promise<FtpTransferResult> {
    return await this.#send(path, options, async (transfer, progress, ascii) => {
      const coalescer = new WriteCoalescer((bytes) => transfer.write(bytes), MIN_WRITE);
      for await (const chunk of bodyChunks(source)) {
        if (transfer.aborted) break;
        const wire = ascii ? ascii.push(chunk) : chunk;
        if (wire.byteLength >= MIN_WRITE) {
          // Large enough on its own: written as it is, without a copy.
          await coalescer.flush();
          await transfer.write(wire);
        } else {
          await coalescer.push(wire);
        }
        progress.add(chunk.byteLength);
      }
      await coalescer.flush();
    });
  }

  /**
   * Uploads a local file. The file is read in blocks into two reused
   * buffers, the next block read while the previous one is written straight
   * to the data connection: no allocation per block, no copy, no streams.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import { mkdtemp, rm, writeFile } from "node:fs/promises";
   * import { tmpdir } from "node:os";
   * import assert from "node:assert/strict";
   *
   * const dir = await mkdtemp(`${tmpdir()}/ftp-`);
   * await writeFile(`${dir}/a.txt`, "abc");
   * await using server = await FtpServer.start({ users: { a: "b" } });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * await client.uploadFrom(`${dir}/a.txt`, "a.txt");
   * assert.equal(await client.size("a.txt"), 3);
   * await rm(dir, { recursive: true });
   * ```
   *
   * @param localPath The local file.
   * @param remotePath The remote file.
   * @param options Append, offset (also skips that much of the local file), ASCII mode, progress, signal.
   * @returns Bytes and rate.
   */
  async uploadFrom(
    localPath: string,
    remotePath: string,
    options: FtpUploadOptions = {},
  ): Promise<FtpTransferResult> {
    this.#path(remotePath);
    this.#checkIdle(`upload "${remotePath}"`);
    const offset = options.offset ?? 0;
    const file = await openLocalReader(localPath, offset);
    try {
      const totalBytes = options.totalBytes ?? Math.max(0, file.size - offset);
      return await this.#send(
        remotePath,
        { ...options, totalBytes },
        async (transfer, progress, ascii) => {
          let current = new Uint8Array(UPLOAD_BLOCK);
          let spare = new Uint8Array(UPLOAD_BLOCK);
          let next: Promise<number> = file.readFull(current);
          try {
            for (;;) {
              const n = await next;
              if (n === 0 || transfer.aborted) break;
              const block = current.subarray(0, n);
              // Read ahead into the other buffer while this block is written
              // (the write goes first: a read from the page cache is synchronous).
              [current, spare] = [spare, current];
              const writing = transfer.write(ascii ? ascii.push(block) : block);
              next = file.readFull(current);
              await writing;
              progress.add(n);
            }
          } finally {
            // Never close the file under a read still in flight.
            await next.catch(() => 0);
          }
        },
      );
    } finally {
      await file.close();
    }
  }

  /** One upload: STOR (or APPE, or REST + STOR), the data loop, the final reply. */
  async #send(
    path: string,
    options: FtpUploadOptions,
    loop: (
      transfer: DataTransfer,
      progress: Progress,
      ascii: FtpAsciiEncoder | undefined,
    ) => Promise<void>,
  ): Promise<FtpTransferResult> {
    this.#path(path);
    const verb = options.append ? "APPE" : "STOR";
    const transfer = await this.#begin(`${verb} ${path}`, `upload "${path}"`, options);
    const progress = new Progress(options.onProgress, options.totalBytes);
    try {
      await loop(transfer, progress, options.ascii ? new FtpAsciiEncoder() : undefined);
      await transfer.complete(true);
    } catch (error) {
      throw await transfer.failure(error);
    }
    return progress.finish();
  }

  // ---- listings ----

  async #collect(command: string, what: string, options: CallOptions): Promise<string> {
    const limit = this.#options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES;
    const transfer = await this.#begin(command, what, options);
    const parts: Uint8Array[] = [];
    let total = 0;
    try {
      let buffer = new Uint8Array(64 * 1024);
      for (;;) {
        const n = await transfer.read(buffer);
        if (n === null) break;
        total += n;
        if (total > limit) {
          throw new LimitError(
            `Cannot ${what} (${command}): the listing is larger than maxListingBytes (${limit} bytes); the transfer was aborted`,
          );
        }
        // Small reads are copied out, so many tiny reads cannot pin many
        // mostly empty buffers.
        if (n * 2 >= buffer.byteLength) {
          parts.push(buffer.subarray(0, n));
          buffer = new Uint8Array(64 * 1024);
        } else {
          parts.push(buffer.slice(0, n));
        }
      }
      await transfer.complete(false);
    } catch (error) {
      throw await transfer.failure(error);
    }
    return decoder.decode(concatBytes(parts, total));
  }

  /**
   * Lists a directory as typed entries: MLSD (RFC 3659) where the server
   * offers it, else LIST parsed (Unix, DOS/Windows, EPLF).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/pub/a b.txt": "abc", "/pub/docs/x": "" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * const entries = await client.list("pub");
   * assert.deepEqual(entries.map((e) => [e.name, e.type, e.size]), [
   *   ["a b.txt", "file", 3],
   *   ["docs", "directory", undefined],
   * ]);
   * ```
   *
   * @param path The directory (the current one by default).
   * @param options The call's signal.
   * @returns The entries, without `.` and `..`.
   * @throws {FtpReplyError} When the server refuses.
   * @throws {LimitError} When the listing exceeds `maxListingBytes`.
   */
  async list(path = "", options: CallOptions = {}): Promise<FtpFileInfo[]> {
    this.#path(path);
    const what = `list "${path || "."}"`;
    if (this.#mlsd) {
      try {
        return parseMlsdList(await this.#collect(path ? `MLSD ${path}` : "MLSD", what, options));
      } catch (error) {
        // A server that announced MLST but refuses MLSD: fall back to LIST once.
        if (
          !(error instanceof FtpReplyError) || error.replyCode !== 500 && error.replyCode !== 502
        ) {
          throw error;
        }
        this.#mlsd = false;
      }
    }
    return await this.listRaw(path, options).then((text) =>
      parseList(text, { parsers: this.#options.listParsers })
    );
  }

  /**
   * The raw LIST output of a directory (for formats no parser knows).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "abc" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.match(await client.listRaw(), /a\.txt/);
   * ```
   *
   * @param path The directory (the current one by default).
   * @param options The call's signal.
   * @returns The text.
   */
  async listRaw(path = "", options: CallOptions = {}): Promise<string> {
    this.#path(path);
    return await this.#collect(path ? `LIST ${path}` : "LIST", `list "${path || "."}"`, options);
  }

  /**
   * The names in a directory (NLST). An empty directory gives `[]` (some
   * servers answer it with 450/550 "No files found").
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/a.txt": "", "/b.txt": "" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * assert.deepEqual(await client.listNames(), ["a.txt", "b.txt"]);
   * ```
   *
   * @param path The directory (the current one by default).
   * @param options The call's signal.
   * @returns The names as the server gives them.
   */
  async listNames(path = "", options: CallOptions = {}): Promise<string[]> {
    this.#path(path);
    try {
      const text = await this.#collect(
        path ? `NLST ${path}` : "NLST",
        `list names in "${path || "."}"`,
        options,
      );
      return text.split(/\r?\n/).filter((line) => line !== "");
    } catch (error) {
      if (error instanceof FtpReplyError && /no files/i.test(error.response)) return [];
      throw error;
    }
  }

  // ---- trees ----

  /**
   * Opens another connection with the same options (for parallel work).
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await using second = await client.clone();
   * assert.equal(await second.pwd(), "/");
   * ```
   *
   * @returns A new logged-in client.
   */
  clone(): Promise<FtpClient> {
    const { signal: _signal, ...options } = this.#options;
    return FtpClient.connect(options);
  }

  /**
   * Uploads a local directory tree (creating remote directories), optionally
   * over several connections.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
   * import { tmpdir } from "node:os";
   * import assert from "node:assert/strict";
   *
   * const dir = await mkdtemp(`${tmpdir()}/ftp-`);
   * await mkdir(`${dir}/sub`);
   * await writeFile(`${dir}/sub/a.txt`, "abc");
   * await using server = await FtpServer.start({ users: { a: "b" } });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * const result = await client.uploadDir(dir, "site", { concurrency: 2 });
   * assert.equal(result.files, 1);
   * assert.equal(await client.downloadText("site/sub/a.txt"), "abc");
   * await rm(dir, { recursive: true });
   * ```
   *
   * @param localDir The local directory.
   * @param remoteDir The remote directory (created when missing).
   * @param options Parallel connections, progress per file, signal.
   * @returns Counts and bytes.
   */
  async uploadDir(
    localDir: string,
    remoteDir: string,
    options: FtpTreeOptions = {},
  ): Promise<FtpTreeResult> {
    this.#path(remoteDir);
    this.#checkIdle(`upload "${localDir}"`);
    return await uploadTree(this, localDir, remoteDir, options);
  }

  /**
   * Downloads a remote directory tree. Entry names that could escape the
   * local directory (`..`, slashes, NUL) are refused; symbolic links are
   * skipped.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import { mkdtemp, readFile, rm } from "node:fs/promises";
   * import { tmpdir } from "node:os";
   * import assert from "node:assert/strict";
   *
   * const dir = await mkdtemp(`${tmpdir()}/ftp-`);
   * const fs = new FtpMemoryFileSystem({ "/site/a.txt": "a", "/site/sub/b.txt": "b" });
   * await using server = await FtpServer.start({ anonymous: true, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await client.downloadDir("site", `${dir}/copy`);
   * assert.equal(await readFile(`${dir}/copy/sub/b.txt`, "utf8"), "b");
   * await rm(dir, { recursive: true });
   * ```
   *
   * @param remoteDir The remote directory.
   * @param localDir The local directory (created when missing).
   * @param options Parallel connections, progress per file, signal.
   * @returns Counts and bytes.
   */
  async downloadDir(
    remoteDir: string,
    localDir: string,
    options: FtpTreeOptions = {},
  ): Promise<FtpTreeResult> {
    this.#path(remoteDir);
    this.#checkIdle(`download "${remoteDir}"`);
    return await downloadTree(this, remoteDir, localDir, options);
  }

  /**
   * Removes a remote directory and everything in it.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * const fs = new FtpMemoryFileSystem({ "/old/a.txt": "a", "/old/sub/b.txt": "b" });
   * await using server = await FtpServer.start({ users: { a: "b" }, fs });
   * await using client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port, user: "a", password: "b" });
   * await client.removeDir("old");
   * assert.equal(await fs.stat("/old"), null);
   * ```
   *
   * @param remoteDir The directory.
   * @param options Parallel connections, signal.
   * @returns Counts.
   */
  async removeDir(remoteDir: string, options: FtpTreeOptions = {}): Promise<FtpTreeResult> {
    this.#path(remoteDir);
    this.#checkIdle(`remove "${remoteDir}"`);
    return await removeTree(this, remoteDir, options);
  }

  // ---- lifecycle ----

  /**
   * Says goodbye (QUIT) and closes. A running transfer is dropped.
   *
   * @example Usage
   * ```ts
   * import { FtpClient, FtpServer } from "@portline/portline/ftp";
   * import assert from "node:assert/strict";
   *
   * await using server = await FtpServer.start({ anonymous: true });
   * const client = await FtpClient.connect({ hostname: "127.0.0.1", port: server.port });
   * await client.close();
   * assert.equal(client.closed, true);
   * ```
   */
  async close(): Promise<void> {
    if (this.#session.closed) return;
    if (this.#busy !== undefined) {
      this.#session.destroy();
      return;
    }
    try {
      await this.#session.run({}, () => this.#command("QUIT"));
    } catch {
      // Closing anyway.
    } finally {
      this.#session.destroy();
    }
  }

  /** Closes at once, without QUIT. */
  destroy(): void {
    this.#session.destroy();
  }

  /** Same as {@linkcode FtpClient.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
