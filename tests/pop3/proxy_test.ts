// Copyright 2026 the portline authors. MIT license.
// POP3 through a proxy: the connection is a CONNECT tunnel through an HTTP
// proxy or a SOCKS5 tunnel, with STLS or implicit TLS end to end inside.
import assert from "../_assert.ts";
import { HttpProxyError, HttpTestServer } from "../../protocols/http/mod.ts";
import { SocksProxyError } from "../../protocols/pop3/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { SocksTestServer } from "../core/_socks_server.ts";
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

Deno.test("Pop3Client proxy: STLS and implicit TLS inside socks5 tunnels; refused credentials are a SocksProxyError", async () => {
  await using proxy = await SocksTestServer.start({ users: { px: "pw" } });
  const via = proxy.url("socks5", { username: "px", password: "pw" });
  for (const implicitTls of [false, true]) {
    await using fixture = await startServer({ tls: SERVER_TLS, implicitTls });
    const client = await connectTo(fixture.server, {
      proxy: via,
      tls: { mode: implicitTls ? "implicit" : "starttls", caCerts: [CA_CERT] },
    });
    try {
      assert.equal(client.secure, true);
      assert.equal((await client.stat()).count, 3);
      const request = proxy.requests.at(-1)!;
      assert.deepEqual(
        [request.username, request.addressType, request.host, request.port],
        ["px", 1, "127.0.0.1", fixture.server.addr.port],
      );
    } finally {
      await client.close();
    }
  }
  assert.equal(proxy.requests.length, 2);
  await using fixture = await startServer();
  await assert.rejects(
    connectTo(fixture.server, { proxy: proxy.url("socks5", { username: "px", password: "no" }) }),
    (error: unknown) =>
      error instanceof SocksProxyError && /refused the user name/.test(error.message),
  );
});
