// Copyright 2026 the portline authors. MIT license.
/**
 * An in-process FTP/FTPS server over an in-memory or directory-backed file
 * tree: for tests, demos and users' own tests.
 *
 * @module
 */
import type { Listener, ServerTlsOptions } from "../_core/transport.ts";
import { listen } from "../_core/transport.ts";
import { type ConnectionLoop, serveConnections } from "../_core/serve.ts";
import { FtpMemoryFileSystem, type FtpServerFileSystem } from "./server_fs.ts";
import { ServerSession } from "./_server_session.ts";

/** Options of {@linkcode FtpServer.start}. */
export interface FtpServerOptions {
  /** The address to bind. @default {"127.0.0.1"} */
  hostname?: string;
  /** The port; 0 picks a free one. @default {0} */
  port?: number;
  /** The file tree served. @default {a new empty FtpMemoryFileSystem} */
  fs?: FtpServerFileSystem;
  /** Accounts: user name to password. */
  users?: Record<string, string>;
  /** Users who must also send ACCT (user name to account), answered with 332 after PASS. */
  accounts?: Record<string, string>;
  /** Allow `anonymous`/`ftp` logins, read-only. @default {false} */
  anonymous?: boolean;
  /** Certificate and key: enables AUTH TLS, PBSZ and PROT. */
  tls?: ServerTlsOptions;
  /** Implicit FTPS: TLS from the first byte (needs `tls`). @default {false} */
  implicitTls?: boolean;
  /** Refuse USER on a plain control connection. @default {false} */
  requireTls?: boolean;
  /**
   * Refuse encrypted data connections that do not resume the control
   * connection's TLS session (like proftpd's default and vsftpd's
   * `require_ssl_reuse=YES`): the transfer fails with `425`.
   *
   * @default {false}
   */
  requireTlsSessionReuse?: boolean;
  /** The IPv4 address to announce in PASV replies (like vsftpd's `pasv_address`). @default {the control connection's local address} */
  pasvAddress?: string;
  /** Commands to answer with 502 and leave out of FEAT, e.g. `["EPSV", "MLSD"]`. */
  disabledCommands?: string[];
  /**
   * The most bytes one STOR or APPE may write (bytes received, before ASCII
   * conversion); past it the data connection is closed and the command
   * answered `552 Exceeded storage allocation`, like a server over quota.
   *
   * @default {Infinity}
   */
  maxUploadBytes?: number;
  /**
   * How long to wait for a data connection, and how long a transfer may
   * move no byte before it is aborted (426), in milliseconds.
   *
   * @default {10000}
   */
  dataTimeoutMs?: number;
  /** Called with each command received (passwords masked). */
  onCommand?: (line: string) => void;
}

/**
 * An FTP server in the current process. It speaks passive (EPSV, PASV) and
 * active (EPRT, PORT) modes, AUTH TLS with PBSZ/PROT P, implicit TLS, MLSD,
 * MLST, LIST, NLST, REST, SIZE, MDTM, MFMT, APPE, RNFR/RNTO, MKD/RMD/DELE,
 * ABOR, FEAT and TYPE A conversion; active-mode addresses other than the
 * client's own are refused (no FTP bounce).
 *
 * @example Usage
 * ```ts
 * import { FtpClient, FtpMemoryFileSystem, FtpServer } from "@portline/portline/ftp";
 * import assert from "node:assert/strict";
 *
 * const fs = new FtpMemoryFileSystem({ "/hello.txt": "hi" });
 * await using server = await FtpServer.start({ fs, users: { alice: "secret" } });
 * await using client = await FtpClient.connect({
 *   hostname: "127.0.0.1",
 *   port: server.port,
 *   user: "alice",
 *   password: "secret",
 * });
 * assert.equal(await client.downloadText("hello.txt"), "hi");
 * ```
 */
export class FtpServer {
  readonly #listener: Listener;
  readonly #loop: ConnectionLoop;
  /** The file tree served. */
  readonly fs: FtpServerFileSystem;

  private constructor(listener: Listener, options: FtpServerOptions) {
    this.#listener = listener;
    this.fs = options.fs ?? new FtpMemoryFileSystem();
    if (options.implicitTls && !options.tls) {
      throw new TypeError("Cannot start an implicit FTPS server: no tls certificate given");
    }
    const config = {
      fs: this.fs,
      users: options.users ?? {},
      accounts: options.accounts ?? {},
      anonymous: options.anonymous ?? false,
      tls: options.tls,
      implicitTls: options.implicitTls ?? false,
      requireTls: options.requireTls ?? false,
      requireTlsSessionReuse: options.requireTlsSessionReuse ?? false,
      disabled: new Set((options.disabledCommands ?? []).map((c) => c.toUpperCase())),
      dataTimeoutMs: options.dataTimeoutMs ?? 10_000,
      maxUploadBytes: options.maxUploadBytes ?? Infinity,
      pasvAddress: options.pasvAddress,
      greeting: "portline FTP server ready",
      onCommand: options.onCommand,
    };
    this.#loop = serveConnections(listener, (conn) => new ServerSession(conn, config));
  }

  /**
   * Starts a server.
   *
   * @param options Address, file tree, accounts, TLS and switches.
   * @returns The running server.
   */
  static async start(options: FtpServerOptions = {}): Promise<FtpServer> {
    const listener = await listen({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
    });
    try {
      return new FtpServer(listener, options);
    } catch (error) {
      listener.close();
      throw error;
    }
  }

  /** The bound address. */
  get hostname(): string {
    return this.#listener.addr.hostname;
  }

  /** The bound port. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Stops listening, closes every session and waits for them to end. */
  async close(): Promise<void> {
    await this.#loop.close();
  }

  /** Same as {@linkcode FtpServer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
