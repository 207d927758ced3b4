// Copyright 2026 the portline authors. MIT license.
// The echo pair against a real peer: socat as the echo server our client
// talks to (started by scripts/interop/setup_10_socat.sh on port 17007), and
// socat as the client of our echo server.
import assert from "../_assert.ts";
import { echoOnce } from "../../examples/echo_client.ts";
import { startEchoServer } from "../../examples/echo_server.ts";

Deno.test("echo_client talks to socat's echo server", async () => {
  assert.equal(await echoOnce("127.0.0.1", 17007, "Hello, socat"), "Hello, socat");
});

Deno.test("socat as a client gets its bytes back from echo_server", async () => {
  const { listener, done } = startEchoServer(0);
  const { port } = listener.addr as Deno.NetAddr;
  const child = new Deno.Command("socat", {
    args: ["-t", "2", "-", `TCP:127.0.0.1:${port}`],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("line one\nline two\n"));
  await writer.close();
  const output = await child.output();
  assert.equal(new TextDecoder().decode(output.stdout), "line one\nline two\n");
  listener.close();
  await done;
});
