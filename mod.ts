// Copyright 2026 the portline authors. MIT license.
/**
 * portline: Internet protocol clients for Deno and Node — SMTP, POP3, IMAP,
 * FTP, HTTP, NNTP, Telnet and Gopher — on one shared byte-level core.
 *
 * Each protocol has its own entry point (`@portline/portline/smtp`, …); this
 * module re-exports the core and every protocol.
 *
 * @example Reading a reply
 * ```ts
 * import { BufferedReader, memoryConn, readReply } from "@portline/portline";
 * import assert from "node:assert/strict";
 *
 * const reply = await readReply(new BufferedReader(memoryConn(["220 ready\r\n"])));
 * assert.equal(reply.code, 220);
 * ```
 *
 * @module
 */
export * from "./protocols/_core/mod.ts";
export * from "./protocols/mail/mod.ts";
export * from "./protocols/smtp/mod.ts";
export * from "./protocols/pop3/mod.ts";
export * from "./protocols/ftp/mod.ts";
export * from "./protocols/http/mod.ts";
