// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import { startEchoServer } from "../../examples/echo_server.ts";
import { echoOnce } from "../../examples/echo_client.ts";

Deno.test("echo_client talks to echo_server, several clients at once", async () => {
  const { listener, done } = startEchoServer(0);
  const { port } = listener.addr as Deno.NetAddr;
  const replies = await Promise.all(
    ["Hello, world", "zwei", "drei 🎉"].map((m) => echoOnce("127.0.0.1", port, m)),
  );
  assert.deepEqual(replies, ["Hello, world", "zwei", "drei 🎉"]);
  listener.close();
  await done;
});

Deno.test("echo_server and echo_client run as programs", async () => {
  const deno = Deno.execPath();
  const server = new Deno.Command(deno, {
    args: ["run", "--allow-net", "examples/echo_server.ts", "0"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("\n")) banner += (await reader.read()).value ?? "";
  const port = banner.match(/:(\d+)/)![1]!;
  const client = await new Deno.Command(deno, {
    args: ["run", "--allow-net", "examples/echo_client.ts", "127.0.0.1", port, "ping"],
  }).output();
  assert.equal(new TextDecoder().decode(client.stdout).trim(), 'Received "ping"');
  server.kill();
  await reader.cancel();
  await server.status;
});
