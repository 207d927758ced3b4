// Copyright 2026 the portline authors. MIT license.
/**
 * `deno task demo`: each protocol's client against its in-process server, in
 * one run, on loopback only.
 *
 * @module
 */
import { startEchoServer } from "./echo_server.ts";
import { echoOnce } from "./echo_client.ts";

async function demoEcho(): Promise<void> {
  const { listener, done } = startEchoServer(0);
  const { port } = listener.addr as Deno.NetAddr;
  console.log(`echo server on 127.0.0.1:${port}`);
  console.log(`echo reply: ${JSON.stringify(await echoOnce("127.0.0.1", port, "Hello, world"))}`);
  listener.close();
  await done;
}

const steps: [string, () => Promise<void>][] = [
  ["echo", demoEcho],
];

for (const [name, step] of steps) {
  console.log(`\n== ${name} ==`);
  await step();
}
