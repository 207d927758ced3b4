// Copyright 2026 the portline authors. MIT license.
// The idle watch's pending read must not keep a program alive: a script that
// leaves its agent open ends as soon as its work is done. (Deno only: it runs
// a Deno subprocess; build_npm skips it under Node.)
import assert from "../_assert.ts";
import { HttpTestServer } from "../../protocols/http/mod.ts";

Deno.test("a program that leaves an HttpAgent with idle connections open still ends", async () => {
  await using server = await HttpTestServer.start();
  server.route("GET", "/", () => ({ body: "ok" }));
  const mod = new URL("../../protocols/http/mod.ts", import.meta.url).href;
  const script = `
    import { HttpAgent } from ${JSON.stringify(mod)};
    const agent = new HttpAgent({ proxy: null });
    console.log(await (await agent.fetch(${JSON.stringify(server.url)})).text());
    console.log(agent.stats.idle);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // The agent's idle timeout is 4 s: a program held open by its connection
  // would not end before the server (open all along) or that timer closed it.
  const killer = setTimeout(() => child.kill(), 3000);
  const out = await child.output();
  clearTimeout(killer);
  assert.equal(
    new TextDecoder().decode(out.stdout),
    "ok\n1\n",
    new TextDecoder().decode(out.stderr),
  );
  assert.equal(out.code, 0);
});
