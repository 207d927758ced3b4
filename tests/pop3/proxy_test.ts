// Copyright 2026 the portline authors. MIT license.
// POP3 through an HTTP proxy: the connection is a CONNECT tunnel, with STLS
// or implicit TLS end to end inside it.
import assert from "../_assert.ts";
import { HttpProxyError, HttpTestServer } from "../../protocols/http/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { connectTo, startServer } from "./_helpers.ts";

Deno.test("Pop3Client proxy: STLS and login inside a CONNECT tunnel, implicit TLS too", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  const via = `http://px:pw@127.0.0.1:${proxy.port}`;
  for (const implicitTls of [false, true]) {
    await using fixture = await startServer({ tls: SERVER_TLS, implicitTls });
    const client = await connectTo(fixture.server, {
      proxy: via,
      tls: { mode: implicitTls ? "implicit" : "starttls", caCerts: [CA_CERT] },
    });
    try {
      assert.equal(client.secure, true);
      assert.equal((await client.stat()).count, 3);
      assert.equal(proxy.proxyLog.at(-1), `127.0.0.1:${fixture.server.addr.port}`);
    } finally {
      await client.close();
    }
  }
  assert.equal(proxy.proxyLog.length, 2);
});

Deno.test("Pop3Client proxy: a refusing proxy is an HttpProxyError", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  await using fixture = await startServer();
  await assert.rejects(
    connectTo(fixture.server, { proxy: `http://px:no@127.0.0.1:${proxy.port}` }),
    (error: unknown) => error instanceof HttpProxyError && error.status === 407,
  );
});
