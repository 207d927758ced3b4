// Copyright 2026 the portline authors. MIT license.
/**
 * POP3: a client (RFC 1939) with CAPA and PIPELINING (RFC 2449), response
 * codes (RFC 3206), STLS (RFC 2595) or implicit TLS (RFC 8314), APOP, SASL
 * (RFC 5034: SCRAM, CRAM-MD5, PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) and UTF8
 * (RFC 6856); messages stream out of RETR without sitting in memory. Plus
 * an in-process server over a `MailStore`, and the pure parsers both use.
 *
 * Deletion is only committed at QUIT: `delete()` marks, `close()` commits,
 * `destroy()` (or a dropped connection) leaves every message in place.
 *
 * @example Fetch, then delete, over the in-process server
 * ```ts
 * import { Pop3Client, Pop3Server } from "@portline/portline/pop3";
 * import { MemoryMailStore } from "@portline/portline/mail";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryMailStore();
 * await store.deliver("ann", new TextEncoder().encode("Subject: hi\r\n\r\n..dot\r\n"));
 * await using server = await Pop3Server.listen({ store, accounts: { ann: "pw" } });
 * {
 *   await using client = await Pop3Client.connect({
 *     hostname: "127.0.0.1",
 *     port: server.addr.port,
 *     auth: { username: "ann", password: "pw" },
 *   });
 *   const [entry] = await client.uidl();
 *   assert.equal(await client.retrieveText(entry!.id), "Subject: hi\r\n\r\n..dot\r\n");
 *   await client.delete(entry!.id);
 * } // QUIT: committed
 * assert.equal((await store.list("ann")).length, 0);
 * ```
 *
 * @module
 */
export * from "./client.ts";
export * from "./server.ts";
export * from "./errors.ts";
export * from "./response.ts";
export * from "./capabilities.ts";
export * from "./listing.ts";
export * from "./apop.ts";
export * from "./command.ts";
export * from "./login.ts";
// The core error a SOCKS proxy gives, re-exported so the client's errors can be caught from here.
export { SocksProxyError, type SocksProxyErrorOptions } from "../_core/errors.ts";
