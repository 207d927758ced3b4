// Copyright 2026 the portline authors. MIT license.
/**
 * One control connection of the in-process {@linkcode FtpServer}: the command
 * loop, login, directory commands, and transfers over passive or active data
 * connections (plain or TLS).
 *
 * @module
 */
import { BufferedReader } from "../_core/buffered_reader.ts";
import type { Conn, Listener, ServerTlsOptions } from "../_core/transport.ts";
import { listen, startTlsServer } from "../_core/transport.ts";
// node:net in both runtimes: active-mode data connections may need a
// server-side TLS upgrade, which only node:net sockets support.
import { connectSocket } from "../_core/socket_connect.ts";
import { FtpAsciiDecoder, FtpAsciiEncoder } from "./ascii.ts";
import { formatFtpTime, type FtpAddress, parseFtpTime, parsePortArgument } from "./replies.ts";
import { type FtpServerFileSystem, resolveFtpPath } from "./server_fs.ts";
import { formatMlsdLine, formatUnixLine } from "./_server_format.ts";

/** What every session of one server shares. */
export interface ServerConfig {
  fs: FtpServerFileSystem;
  users: Record<string, string>;
  accounts: Record<string, string>;
  anonymous: boolean;
  tls: ServerTlsOptions | undefined;
  implicitTls: boolean;
  requireTls: boolean;
  requireTlsSessionReuse: boolean;
  disabled: Set<string>;
  dataTimeoutMs: number;
  maxUploadBytes: number;
  pasvAddress: string | undefined;
  greeting: string;
  onCommand: ((line: string) => void) | undefined;
}

/** An upload went past `maxUploadBytes`. */
class OverQuota extends Error {}

type TransferKind = "RETR" | "STOR" | "APPE" | "LIST" | "NLST" | "MLSD";

interface Transfer {
  aborted: boolean;
  data: Conn | undefined;
  listener: Listener | undefined;
  promise: Promise<void>;
  /** When a data byte last moved (the stall watch's clock). */
  movedAt: number;
}

const encoder = new TextEncoder();
// Commands allowed before login.
const PUBLIC = new Set([
  "USER",
  "PASS",
  "ACCT",
  "AUTH",
  "PBSZ",
  "PROT",
  "FEAT",
  "SYST",
  "NOOP",
  "QUIT",
  "HELP",
  "OPTS",
  "STAT",
]);

// Text echoed from the client (a verb, a path) may hold CR, LF or NUL, which
// must never reach a reply line: a bare CR or LF would end it early and let
// the rest pass for another reply.
const CONTROL_CHARS = /[\0\r\n]/g;

function plainHost(host: string): string {
  return host.replace(/^::ffff:(?=\d+\.)/i, "");
}

function quote(path: string): string {
  return `"${path.replaceAll('"', '""')}"`;
}

/** Runs one control connection until QUIT, EOF or the server closing. */
export class ServerSession {
  #conn: Conn;
  #reader: BufferedReader;
  readonly #config: ServerConfig;
  #pendingUser: string | undefined;
  #user: string | undefined;
  #anonymous = false;
  #awaitingAccount = false;
  #cwd = "/";
  #type: "A" | "I" = "A";
  #rest = 0;
  #renameFrom: string | undefined;
  #pbsz = false;
  #protect = false;
  #passive: Listener | undefined;
  #epsvAll = false;
  #active: FtpAddress | undefined;
  #transfer: Transfer | undefined;
  #closed = false;

  constructor(conn: Conn, config: ServerConfig) {
    this.#conn = conn;
    this.#config = config;
    this.#reader = new BufferedReader(conn, { maxLineBytes: 8192 });
  }

  /** Closes everything at once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#passive?.close();
    const transfer = this.#transfer;
    if (transfer) {
      transfer.aborted = true;
      transfer.data?.close();
      transfer.listener?.close();
    }
    this.#conn.close();
  }

  /** The command loop. */
  async run(): Promise<void> {
    try {
      if (this.#config.implicitTls && this.#config.tls) {
        this.#conn = await startTlsServer(this.#conn, this.#config.tls);
        this.#reader.conn = this.#conn;
      }
      await this.#reply(220, this.#config.greeting);
      while (!this.#closed) {
        const line = await this.#reader.readLineOrNull();
        if (line === null) break;
        const space = line.indexOf(" ");
        const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
        const arg = space === -1 ? "" : line.slice(space + 1);
        this.#config.onCommand?.(verb === "PASS" ? "PASS ****" : line);
        if (verb === "ABOR") {
          await this.#abort();
          continue;
        }
        if (this.#transfer) await this.#transfer.promise;
        if (!(await this.#dispatch(verb, arg))) break;
      }
    } catch {
      // A broken control connection ends the session.
    } finally {
      this.close();
      await this.#transfer?.promise;
    }
  }

  async #write(text: string): Promise<void> {
    if (this.#closed) return;
    await this.#conn.write(encoder.encode(text));
  }

  #reply(code: number, text: string | readonly string[]): Promise<void> {
    const lines = (typeof text === "string" ? [text] : text).map((line) =>
      line.replace(CONTROL_CHARS, " ")
    );
    if (lines.length === 1) return this.#write(`${code} ${lines[0]}\r\n`);
    const body = lines.slice(1, -1).map((line) => ` ${line}\r\n`).join("");
    return this.#write(`${code}-${lines[0]}\r\n${body}${code} ${lines[lines.length - 1]}\r\n`);
  }

  #path(arg: string): string {
    // A name holding CR, LF or NUL could not be listed or echoed intact.
    if (/[\0\r\n]/.test(arg)) throw new Error("Invalid character in path");
    return resolveFtpPath(this.#cwd, arg);
  }

  /**
   * A path that names something inside the tree, never the root itself: RMD
   * of an empty root would remove the served directory, and a rename to "/"
   * made a nameless entry in the memory tree.
   */
  #notRoot(arg: string): string {
    const path = this.#path(arg);
    if (path === "/") throw new Error("Cannot remove or rename the root directory");
    return path;
  }

  #features(): string[] {
    const all = [
      "EPRT",
      "EPSV",
      "PASV",
      "SIZE",
      "MDTM",
      "MFMT",
      "REST STREAM",
      "MLST type*;size*;modify*;perm*;UNIX.mode*;",
      "UTF8",
      "TVFS",
    ];
    if (this.#config.tls) all.push("AUTH TLS", "PBSZ", "PROT");
    return all.filter((feature) => !this.#config.disabled.has(feature.split(" ")[0]!));
  }

  /** Handles one command; false ends the session. */
  async #dispatch(verb: string, arg: string): Promise<boolean> {
    if (this.#config.disabled.has(verb)) {
      await this.#reply(502, `${verb} not implemented`);
      return true;
    }
    if (!this.#user && !PUBLIC.has(verb)) {
      await this.#reply(530, "Please login with USER and PASS");
      return true;
    }
    try {
      return await this.#handle(verb, arg);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.#reply(550, message.replace(/[\r\n]+/g, " "));
      return true;
    }
  }

  async #handle(verb: string, arg: string): Promise<boolean> {
    const fs = this.#config.fs;
    switch (verb) {
      case "USER":
        return await this.#userCommand(arg);
      case "PASS":
        return await this.#passCommand(arg);
      case "ACCT":
        if (this.#awaitingAccount && this.#pendingUser !== undefined) {
          if (this.#config.accounts[this.#pendingUser] === arg) {
            this.#login(this.#pendingUser, false);
            await this.#reply(230, "Login successful");
          } else await this.#reply(530, "Login incorrect");
        } else await this.#reply(202, "ACCT not needed");
        return true;
      case "AUTH":
        return await this.#authCommand(arg);
      case "PBSZ":
        if (!this.#conn.secure) return this.#reply(503, "PBSZ needs a secure connection"), true;
        this.#pbsz = true;
        await this.#reply(200, "PBSZ=0");
        return true;
      case "PROT": {
        const level = arg.toUpperCase();
        if (!this.#conn.secure || !this.#pbsz) await this.#reply(503, "PROT needs PBSZ first");
        else if (level === "P" || level === "C") {
          this.#protect = level === "P";
          await this.#reply(200, `Protection level set to ${level}`);
        } else await this.#reply(536, "PROT level not supported");
        return true;
      }
      case "FEAT":
        await this.#reply(211, ["Features:", ...this.#features(), "End"]);
        return true;
      case "OPTS":
        await this.#reply(200, "OK");
        return true;
      case "SYST":
        await this.#reply(215, "UNIX Type: L8");
        return true;
      case "NOOP":
        await this.#reply(200, "NOOP ok");
        return true;
      case "HELP":
        await this.#reply(214, [
          "The following commands are recognized.",
          "ABOR ACCT APPE AUTH CDUP CWD DELE EPRT EPSV FEAT HELP LIST MDTM MFMT MKD MLSD MLST",
          "MODE NLST NOOP OPTS PASS PASV PBSZ PORT PROT PWD QUIT REST RETR RMD RNFR RNTO",
          "SITE SIZE STAT STOR STRU SYST TYPE USER",
          "Help OK",
        ]);
        return true;
      case "STAT":
        return await this.#statCommand(arg);
      case "QUIT":
        await this.#reply(221, "Goodbye");
        return false;
      case "TYPE": {
        const type = arg.toUpperCase().split(" ")[0];
        if (type === "A" || type === "I" || type === "L") {
          this.#type = type === "A" ? "A" : "I";
          await this.#reply(200, `Switching to ${type === "A" ? "ASCII" : "Binary"} mode`);
        } else await this.#reply(504, "Unsupported type");
        return true;
      }
      case "MODE":
        await this.#reply(arg.toUpperCase() === "S" ? 200 : 504, "Mode");
        return true;
      case "STRU":
        await this.#reply(arg.toUpperCase() === "F" ? 200 : 504, "Structure");
        return true;
      case "ALLO":
        await this.#reply(202, "ALLO not needed");
        return true;
      case "PWD":
      case "XPWD":
        await this.#reply(257, `${quote(this.#cwd)} is the current directory`);
        return true;
      case "CWD":
      case "XCWD": {
        const path = this.#path(arg);
        if ((await fs.stat(path))?.type !== "directory") {
          await this.#reply(550, "Failed to change directory");
        } else {
          this.#cwd = path;
          await this.#reply(250, "Directory successfully changed");
        }
        return true;
      }
      case "CDUP":
      case "XCUP":
        this.#cwd = this.#path("..");
        await this.#reply(250, "Directory successfully changed");
        return true;
      case "MKD":
      case "XMKD":
        this.#writable();
        await fs.mkdir(this.#path(arg));
        await this.#reply(257, `${quote(this.#path(arg))} created`);
        return true;
      case "RMD":
      case "XRMD":
        this.#writable();
        await fs.rmdir(this.#notRoot(arg));
        await this.#reply(250, "Remove directory operation successful");
        return true;
      case "DELE":
        this.#writable();
        await fs.remove(this.#notRoot(arg));
        await this.#reply(250, "Delete operation successful");
        return true;
      case "RNFR":
        this.#writable();
        if (!(await fs.stat(this.#notRoot(arg)))) throw new Error("RNFR command failed");
        this.#renameFrom = this.#path(arg);
        await this.#reply(350, "Ready for RNTO");
        return true;
      case "RNTO": {
        const from = this.#renameFrom;
        this.#renameFrom = undefined;
        if (from === undefined) return this.#reply(503, "RNFR required first"), true;
        await fs.rename(from, this.#notRoot(arg));
        await this.#reply(250, "Rename successful");
        return true;
      }
      case "SIZE": {
        const entry = await fs.stat(this.#path(arg));
        if (entry?.type !== "file") await this.#reply(550, "Could not get file size");
        else await this.#reply(213, String(entry.size));
        return true;
      }
      case "MDTM": {
        const entry = await fs.stat(this.#path(arg));
        if (!entry) await this.#reply(550, "Could not get file modification time");
        else await this.#reply(213, formatFtpTime(entry.modifiedAt));
        return true;
      }
      case "MFMT": {
        this.#writable();
        const space = arg.indexOf(" ");
        const time = parseFtpTime(arg.slice(0, space));
        if (space === -1 || !time) return this.#reply(501, "Bad MFMT arguments"), true;
        const path = this.#path(arg.slice(space + 1));
        await fs.setModified(path, time);
        await this.#reply(213, `Modify=${formatFtpTime(time)}; ${arg.slice(space + 1)}`);
        return true;
      }
      case "SITE": {
        const sub = arg.split(" ")[0]!.toUpperCase();
        if (sub === "CHMOD") await this.#reply(200, "SITE CHMOD command ok");
        else if (sub === "HELP") await this.#reply(214, "CHMOD HELP");
        else await this.#reply(500, "Unknown SITE command");
        return true;
      }
      case "REST":
        if (!/^\d+$/.test(arg)) return this.#reply(501, "Bad REST offset"), true;
        this.#rest = Number(arg);
        await this.#reply(350, `Restart position accepted (${arg})`);
        return true;
      case "PASV":
      case "EPSV":
        return await this.#passiveCommand(verb, arg);
      case "PORT":
      case "EPRT": {
        // RFC 2428: after EPSV ALL only EPSV may set up a data connection.
        if (this.#epsvAll) return this.#reply(503, `${verb} not allowed after EPSV ALL`), true;
        const address = parsePortArgument(arg);
        const client = plainHost(this.#conn.remoteAddr.hostname);
        if (!address || plainHost(address.host) !== client) {
          await this.#reply(500, "Illegal PORT command");
        } else {
          this.#passive?.close();
          this.#passive = undefined;
          this.#active = address;
          await this.#reply(200, `${verb} command successful`);
        }
        return true;
      }
      case "MLST": {
        const path = this.#path(arg);
        const entry = await fs.stat(path);
        if (!entry) return this.#reply(550, "No such file or directory"), true;
        await this.#reply(250, [
          `Listing ${arg || path}`,
          formatMlsdLine(entry, path, !this.#anonymous),
          "End",
        ]);
        return true;
      }
      case "RETR":
      case "STOR":
      case "APPE":
      case "LIST":
      case "NLST":
      case "MLSD":
        await this.#startTransfer(verb, arg);
        return true;
      default:
        await this.#reply(502, `${verb} not implemented`);
        return true;
    }
  }

  #writable(): void {
    if (this.#anonymous) throw new Error("Permission denied");
  }

  #login(user: string, anonymous: boolean): void {
    this.#user = user;
    this.#anonymous = anonymous;
    this.#pendingUser = undefined;
    this.#awaitingAccount = false;
  }

  async #userCommand(name: string): Promise<boolean> {
    if (this.#config.requireTls && !this.#conn.secure) {
      await this.#reply(530, "Non-anonymous sessions must use encryption");
      return true;
    }
    this.#user = undefined;
    this.#pendingUser = name;
    const anonymous = name === "anonymous" || name === "ftp";
    await this.#reply(
      331,
      anonymous ? "Anonymous login ok, send your email as password" : "Please specify the password",
    );
    return true;
  }

  async #passCommand(password: string): Promise<boolean> {
    const name = this.#pendingUser;
    if (name === undefined) return this.#reply(503, "Login with USER first"), true;
    if ((name === "anonymous" || name === "ftp") && this.#config.anonymous) {
      this.#login(name, true);
      await this.#reply(230, "Login successful");
    } else if (Object.hasOwn(this.#config.users, name) && this.#config.users[name] === password) {
      if (Object.hasOwn(this.#config.accounts, name)) {
        this.#awaitingAccount = true;
        await this.#reply(332, "Need account for login");
      } else {
        this.#login(name, false);
        await this.#reply(230, "Login successful");
      }
    } else {
      this.#pendingUser = undefined;
      await this.#reply(530, "Login incorrect");
    }
    return true;
  }

  async #authCommand(arg: string): Promise<boolean> {
    const tls = this.#config.tls;
    if (!tls) return this.#reply(502, "AUTH not supported"), true;
    if (!/^(TLS|SSL|TLS-C)$/i.test(arg)) return this.#reply(504, "Unknown AUTH type"), true;
    if (this.#conn.secure) return this.#reply(503, "Already secure"), true;
    await this.#reply(234, "Proceed with negotiation");
    if (this.#reader.buffered > 0) return false; // plaintext injected after AUTH
    this.#conn = await startTlsServer(this.#conn, tls);
    this.#reader.conn = this.#conn;
    return true;
  }

  async #statCommand(arg: string): Promise<boolean> {
    if (arg === "") {
      await this.#reply(211, [
        "FTP server status:",
        `Logged in as ${this.#user ?? "nobody"}`,
        `TYPE: ${this.#type === "A" ? "ASCII" : "BINARY"}`,
        `Control connection is ${this.#conn.secure ? "encrypted" : "plain text"}`,
        "End of status",
      ]);
      return true;
    }
    if (!this.#user) return this.#reply(530, "Please login with USER and PASS"), true;
    const lines = await this.#listing("LIST", arg);
    await this.#reply(213, ["Status follows:", ...lines, "End of status"]);
    return true;
  }

  async #passiveCommand(verb: string, arg: string): Promise<boolean> {
    if (verb === "EPSV" && arg.toUpperCase() === "ALL") {
      this.#epsvAll = true;
      await this.#reply(200, "EPSV ALL ok");
      return true;
    }
    if (verb === "PASV" && this.#epsvAll) {
      await this.#reply(503, "PASV not allowed after EPSV ALL");
      return true;
    }
    this.#passive?.close();
    this.#active = undefined;
    const host = plainHost(this.#conn.localAddr.hostname);
    this.#passive = await listen({ hostname: host, port: 0 });
    const port = this.#passive.addr.port;
    if (verb === "EPSV") {
      await this.#reply(229, `Entering Extended Passive Mode (|||${port}|)`);
    } else {
      const h = (this.#config.pasvAddress ?? host).replaceAll(".", ",");
      await this.#reply(227, `Entering Passive Mode (${h},${port >> 8},${port & 255}).`);
    }
    return true;
  }

  async #listing(kind: "LIST" | "NLST" | "MLSD", arg: string): Promise<string[]> {
    const fs = this.#config.fs;
    // Options such as "-la" are accepted and ignored (many clients send them).
    const target = arg.split(" ").filter((part) => !part.startsWith("-")).join(" ");
    const path = this.#path(target);
    const entry = await fs.stat(path);
    if (!entry) throw new Error("No such file or directory");
    if (kind === "MLSD" && entry.type !== "directory") throw new Error("Not a directory");
    const entries = entry.type === "directory" ? await fs.list(path) : [entry];
    const now = new Date();
    const prefix = target === "" ? "" : target.replace(/\/+$/, "") + "/";
    return entries.map((e) =>
      kind === "LIST"
        ? formatUnixLine(e, now)
        : kind === "NLST"
        ? (entry.type === "directory" ? prefix + e.name : target)
        : formatMlsdLine(e, e.name, !this.#anonymous)
    );
  }

  async #startTransfer(kind: TransferKind, arg: string): Promise<void> {
    const passive = this.#passive;
    const active = this.#active;
    this.#passive = undefined;
    this.#active = undefined;
    const offset = this.#rest;
    this.#rest = 0;
    if (!passive && !active) {
      await this.#reply(425, "Use PORT or PASV first");
      return;
    }
    // Check the request before opening the data connection.
    let lines: string[] | undefined;
    let size = 0;
    try {
      if (kind === "RETR") {
        const entry = await this.#config.fs.stat(this.#path(arg));
        if (entry?.type !== "file") throw new Error("Failed to open file");
        size = entry.size;
      } else if (kind === "STOR" || kind === "APPE") {
        this.#writable();
        const path = this.#path(arg);
        // A REST offset resumes an upload inside what is there: past the end
        // it would make a sparse file of any size on a directory tree.
        if (kind === "STOR" && offset > 0) {
          const entry = await this.#config.fs.stat(path);
          if (entry?.type !== "file" || offset > entry.size) {
            throw new Error("Restart offset beyond end of file");
          }
        }
      } else {
        lines = await this.#listing(kind, arg);
      }
    } catch (error) {
      passive?.close();
      await this.#reply(550, error instanceof Error ? error.message : String(error));
      return;
    }
    const transfer: Transfer = {
      aborted: false,
      data: undefined,
      listener: passive,
      promise: Promise.resolve(),
      movedAt: Date.now(),
    };
    this.#transfer = transfer;
    transfer.promise = this.#runTransfer(transfer, kind, arg, offset, size, lines, active)
      .catch(() => {})
      .finally(() => {
        transfer.data?.close();
        passive?.close();
        if (this.#transfer === transfer) this.#transfer = undefined;
      });
  }

  async #openData(transfer: Transfer, active: FtpAddress | undefined): Promise<Conn | undefined> {
    const timeoutMs = this.#config.dataTimeoutMs;
    if (active) {
      return await connectSocket({ hostname: active.host, port: active.port, timeoutMs })
        .catch(() => undefined);
    }
    const listener = transfer.listener!;
    const client = plainHost(this.#conn.remoteAddr.hostname);
    const timer = setTimeout(() => listener.close(), timeoutMs);
    try {
      for (;;) {
        const conn = await listener.accept();
        if (!conn) return undefined;
        // Only the control connection's host may connect (no data theft).
        if (plainHost(conn.remoteAddr.hostname) === client) return conn;
        conn.close();
      }
    } finally {
      clearTimeout(timer);
      listener.close();
    }
  }

  async #runTransfer(
    transfer: Transfer,
    kind: TransferKind,
    arg: string,
    offset: number,
    size: number,
    lines: string[] | undefined,
    active: FtpAddress | undefined,
  ): Promise<void> {
    let data = await this.#openData(transfer, active);
    if (!data || transfer.aborted) {
      data?.close();
      await this.#reply(425, "Failed to establish connection");
      return;
    }
    transfer.data = data;
    const mode = this.#type === "A" ? "ASCII" : "BINARY";
    const what = kind === "RETR"
      ? `${arg} (${size} bytes)`
      : kind === "STOR" || kind === "APPE"
      ? arg
      : "directory listing";
    await this.#reply(150, `Opening ${mode} mode data connection for ${what}`);
    if (this.#protect && this.#config.tls) {
      try {
        data = await startTlsServer(data, this.#config.tls);
      } catch {
        await this.#reply(522, "SSL connection failed");
        return;
      }
      transfer.data = data;
      if (this.#config.requireTlsSessionReuse && !data.tlsSessionReused?.()) {
        data.close();
        await this.#reply(
          425,
          "Unable to build data connection: Operation not permitted (TLS session of data connection not resumed)",
        );
        return;
      }
    }
    let ok = true;
    let overQuota = false;
    // A transfer that moves no byte for dataTimeoutMs is aborted (426), as
    // vsftpd's data_connection_timeout does: a client that stops reading or
    // sending must not hold the session (QUIT included) for ever.
    const timeoutMs = this.#config.dataTimeoutMs;
    const stalled = data;
    transfer.movedAt = Date.now();
    const watch = setInterval(() => {
      if (Date.now() - transfer.movedAt <= timeoutMs) return;
      // As an ABOR: a closed data connection reads as the end of an upload.
      transfer.aborted = true;
      stalled.close();
    }, Math.max(10, Math.min(1000, timeoutMs / 4)));
    try {
      if (kind === "STOR" || kind === "APPE") {
        await this.#receive(data, this.#path(arg), kind === "APPE", offset, transfer);
      } else {
        await this.#send(
          data,
          kind === "RETR" ? this.#path(arg) : undefined,
          lines,
          offset,
          transfer,
        );
        await data.closeWrite().catch(() => {});
      }
    } catch (error) {
      ok = false;
      overQuota = error instanceof OverQuota;
    } finally {
      clearInterval(watch);
    }
    data.close();
    if (overQuota) await this.#reply(552, "Exceeded storage allocation; transfer aborted");
    else if (!ok || transfer.aborted) await this.#reply(426, "Connection closed; transfer aborted");
    else await this.#reply(226, "Transfer complete");
  }

  async #send(
    data: Conn,
    path: string | undefined,
    lines: string[] | undefined,
    offset: number,
    transfer: Transfer,
  ): Promise<void> {
    const ascii = this.#type === "A" ? new FtpAsciiEncoder() : undefined;
    if (lines) {
      await data.write(encoder.encode(lines.map((line) => line + "\r\n").join("")));
      return;
    }
    for await (const chunk of this.#config.fs.read(path!, offset)) {
      await data.write(ascii ? ascii.push(chunk) : chunk);
      transfer.movedAt = Date.now();
    }
  }

  async #receive(
    data: Conn,
    path: string,
    append: boolean,
    offset: number,
    transfer: Transfer,
  ): Promise<void> {
    const writer = await this.#config.fs.write(path, { append, offset });
    const ascii = this.#type === "A" ? new FtpAsciiDecoder() : undefined;
    const buffer = new Uint8Array(256 * 1024);
    let received = 0;
    try {
      for (;;) {
        const n = await data.read(buffer);
        if (n === null) break;
        transfer.movedAt = Date.now();
        received += n;
        if (received > this.#config.maxUploadBytes) throw new OverQuota();
        const chunk = buffer.subarray(0, n);
        await writer.write(ascii ? ascii.push(chunk) : chunk);
      }
      if (ascii) await writer.write(ascii.end());
    } finally {
      await writer.close();
    }
    if (transfer.aborted) throw new Error("aborted");
  }

  async #abort(): Promise<void> {
    const transfer = this.#transfer;
    if (!transfer) {
      await this.#reply(225, "No transfer to ABOR");
      return;
    }
    transfer.aborted = true;
    transfer.data?.close();
    transfer.listener?.close();
    await transfer.promise;
    await this.#reply(226, "ABOR successful");
  }
}
