// Copyright 2026 the portline authors. MIT license.
/**
 * `deno task demo`: each protocol's client against its in-process server, in
 * one run, on loopback only. The SMTP step delivers into a mail store that
 * the POP3 step reads back.
 *
 * @module
 */
import { MemoryMailStore } from "../protocols/mail/mod.ts";
import { startEchoServer } from "./echo_server.ts";
import { echoOnce } from "./echo_client.ts";
import { demoMail } from "./demo_mail.ts";
import { demoSmtp } from "./demo_smtp.ts";
import { demoPop3 } from "./demo_pop3.ts";
import { demoFtp } from "./demo_ftp.ts";
import { demoHttp } from "./demo_http.ts";

async function demoEcho(): Promise<void> {
  const { listener, done } = startEchoServer(0);
  const { port } = listener.addr as Deno.NetAddr;
  console.log(`echo server on 127.0.0.1:${port}`);
  console.log(`echo reply: ${JSON.stringify(await echoOnce("127.0.0.1", port, "Hello, world"))}`);
  listener.close();
  await done;
}

const store = new MemoryMailStore();

const steps: [string, () => Promise<void>][] = [
  ["echo", demoEcho],
  ["mail", demoMail],
  ["smtp", () => demoSmtp(store)],
  ["pop3", () => demoPop3(store, "bob@example.org")],
  ["ftp", demoFtp],
  ["http", demoHttp],
];

for (const [name, step] of steps) {
  console.log(`\n== ${name} ==`);
  await step();
}
