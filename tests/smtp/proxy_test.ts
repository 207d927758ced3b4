// Copyright 2026 the portline authors. MIT license.
// SMTP through a proxy: the connection is a CONNECT tunnel through an HTTP
// proxy or a SOCKS5 tunnel, with STARTTLS or implicit TLS end to end inside.
import assert from "../_assert.ts";
import { InvalidArgumentError } from "../../protocols/_core/mod.ts";
import { HttpProxyError, HttpTestServer } from "../../protocols/http/mod.ts";
import { SmtpClient, SmtpServer, SocksProxyError } from "../../protocols/smtp/mod.ts";
import { CA_CERT, SERVER_TLS } from "../_tls.ts";
import { SocksTestServer } from "../core/_socks_server.ts";

const body = "Subject: via proxy\r\n\r\nhello\r\n";

Deno.test("SmtpClient proxy: STARTTLS and AUTH inside a CONNECT tunnel (Basic proxy auth)", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  await using server = await SmtpServer.listen({ tls: SERVER_TLS, accounts: { ann: "pw" } });
  await using client = await SmtpClient.connect({
    hostname: "localhost",
    port: server.port,
    tls: { mode: "starttls", caCerts: [CA_CERT] },
    auth: { username: "ann", password: "pw" },
    proxy: `http://px:pw@127.0.0.1:${proxy.port}`,
  });
  assert.equal(client.secure, true);
  await client.sendMail({ from: "a@x.org", to: ["b@x.org"], body });
  assert.equal(server.transactions.length, 1);
  assert.equal(server.transactions[0]!.session.secure, true);
  assert.deepEqual(proxy.proxyLog, [`localhost:${server.port}`]);
});

Deno.test("SmtpClient proxy: implicit TLS inside the tunnel; refusals and bad options", async () => {
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  await using server = await SmtpServer.listen({ tls: SERVER_TLS, implicitTls: true });
  const base = {
    hostname: "localhost",
    port: server.port,
    tls: { mode: "implicit" as const, caCerts: [CA_CERT] },
    timeoutMs: 5000,
  };
  await using client = await SmtpClient.connect({
    ...base,
    proxy: `http://px:pw@127.0.0.1:${proxy.port}`,
  });
  assert.equal(client.secure, true);
  await client.sendMail({ from: "a@x.org", to: ["b@x.org"], body });
  await assert.rejects(
    SmtpClient.connect({ ...base, proxy: `http://px:wrong@127.0.0.1:${proxy.port}` }),
    (error: unknown) => error instanceof HttpProxyError && error.status === 407,
  );
  await assert.rejects(
    SmtpClient.connect({ path: "/tmp/lmtp.sock", lmtp: true, proxy: `http://127.0.0.1:1` }),
    InvalidArgumentError,
  );
  await assert.rejects(
    SmtpClient.connect({ ...base, proxy: "http://px:s3cret@[bad" }),
    (error: unknown) => error instanceof InvalidArgumentError && !/s3cret/.test(error.message),
  );
});

Deno.test("SmtpClient proxy: STARTTLS and AUTH inside a socks5h tunnel; a refusal is a SocksProxyError", async () => {
  await using proxy = await SocksTestServer.start({ users: { px: "pw" } });
  await using server = await SmtpServer.listen({ tls: SERVER_TLS, accounts: { ann: "pw" } });
  const base = {
    hostname: "localhost",
    port: server.port,
    tls: { mode: "starttls" as const, caCerts: [CA_CERT] },
    auth: { username: "ann", password: "pw" },
    timeoutMs: 5000,
  };
  {
    await using client = await SmtpClient.connect({
      ...base,
      proxy: proxy.url("socks5h", { username: "px", password: "pw" }),
    });
    assert.equal(client.secure, true);
    assert.equal(client.user, "ann");
    await client.sendMail({ from: "a@x.org", to: ["b@x.org"], body });
  }
  assert.equal(server.transactions.length, 1);
  assert.equal(server.transactions[0]!.session.secure, true);
  assert.deepEqual(
    proxy.requests.map((r) => [r.method, r.username, r.addressType, r.host, r.port]),
    [[2, "px", 3, "localhost", server.port]],
  );
  await using refusing = await SocksTestServer.start({ reply: 3 });
  await assert.rejects(
    SmtpClient.connect({ ...base, proxy: refusing.url("socks5h") }),
    (error: unknown) =>
      error instanceof SocksProxyError && error.reply === 3 &&
      /network unreachable/.test(error.message),
  );
});
