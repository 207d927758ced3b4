// Copyright 2026 the portline authors. MIT license.
// The TlsOptions that Deno.startTls lacks: clientCert (mutual TLS) and
// insecureSkipVerify, through the transport every protocol uses (the Deno
// one under `deno test`, the Node one in the npm build's run under Node).
import assert from "../_assert.ts";
import * as tls from "node:tls";
import * as net from "node:net";
import process from "node:process";
import {
  BufferedReader,
  type ClientCertificate,
  connect,
  PortlineError,
  startTls,
  TlsError,
} from "../../protocols/_core/mod.ts";
import { CA_CERT, SERVER_CERT, SERVER_KEY, SERVER_TLS } from "../_tls.ts";

const IS_DENO = "deno" in process.versions;
// The test leaf is valid for client authentication too.
const CLIENT_CERT: ClientCertificate = { certChain: SERVER_CERT, privateKey: SERVER_KEY };

/**
 * A TLS server that requires a client certificate signed by the test CA and
 * answers `hello <subject CN>` to a verified client. With `startTls`, it first
 * reads `STARTTLS` in clear and answers `220 go ahead`.
 */
async function mutualTlsServer(
  options: { startTls?: boolean } = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const context = tls.createSecureContext({ ...SERVER_TLS, ca: [CA_CERT] });
  const greet = (secure: tls.TLSSocket) => {
    secure.on("error", () => {});
    sockets.add(secure);
    const cn = secure.getPeerCertificate().subject?.CN;
    secure.end(`hello ${cn}\r\n`);
  };
  const verify = { requestCert: true, rejectUnauthorized: true };
  const server = options.startTls
    ? net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.once("data", () => {
        socket.write("220 go ahead\r\n", () => {
          const secure = new tls.TLSSocket(socket, {
            isServer: true,
            secureContext: context,
            ...verify,
          });
          secure.once("secure", () => greet(secure));
          secure.on("error", () => secure.destroy());
        });
      });
    })
    : tls.createServer({ ...SERVER_TLS, ca: [CA_CERT], ...verify }, greet);
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

Deno.test("connect() presents tls.clientCert to a server that requires one (mutual TLS)", async () => {
  const server = await mutualTlsServer();
  try {
    const conn = await connect({
      hostname: "localhost",
      port: server.port,
      tls: { caCerts: [CA_CERT], clientCert: CLIENT_CERT },
    });
    try {
      assert.equal(conn.secure, true);
      assert.equal(await new BufferedReader(conn).readLine(), "hello localhost");
    } finally {
      conn.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("connect() without tls.clientCert is refused by a server that requires one", async () => {
  const server = await mutualTlsServer();
  try {
    // TLS 1.3 finishes the client's handshake before the server checks the
    // certificate: the refusal arrives as an alert (handshake or first read).
    const outcome = await (async () => {
      const conn = await connect({
        hostname: "localhost",
        port: server.port,
        tls: { caCerts: [CA_CERT] },
      });
      try {
        return await new BufferedReader(conn).readLine();
      } finally {
        conn.close();
      }
    })().catch((error) => error);
    assert.ok(outcome instanceof PortlineError, `refused, got ${String(outcome)}`);
  } finally {
    await server.close();
  }
});

Deno.test("connect() with tls.insecureSkipVerify accepts a certificate nobody trusts", async () => {
  const server = tls.createServer(SERVER_TLS, (socket) => {
    socket.on("error", () => {});
    socket.end("unverified\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    // Without the test CA the certificate is refused…
    await assert.rejects(connect({ hostname: "127.0.0.1", port, tls: true }), TlsError);
    // …and accepted when verification is skipped on purpose, even by a wrong name.
    const conn = await connect({
      hostname: "127.0.0.1",
      port,
      tls: { insecureSkipVerify: true, serverName: "wrong.example" },
    });
    try {
      assert.equal(await new BufferedReader(conn).readLine(), "unverified");
    } finally {
      conn.close();
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

Deno.test(
  "startTls() with tls.clientCert: mutual TLS under Node, a TlsError naming the limit under Deno",
  async () => {
    const server = await mutualTlsServer({ startTls: true });
    try {
      const plain = await connect({ hostname: "127.0.0.1", port: server.port });
      await plain.write(new TextEncoder().encode("STARTTLS\r\n"));
      const reader = new BufferedReader(plain);
      assert.equal(await reader.readLine(), "220 go ahead");
      assert.equal(reader.buffered, 0);
      const upgrading = startTls(plain, {
        hostname: "localhost",
        caCerts: [CA_CERT],
        clientCert: CLIENT_CERT,
      });
      if (IS_DENO) {
        // Deno.startTls cannot present a client certificate: say so, do not
        // silently connect without it.
        await assert.rejects(upgrading, (error: unknown) => {
          assert.ok(error instanceof TlsError);
          assert.match(error.message, /clientCert/);
          return true;
        });
        plain.close();
      } else {
        const secure = await upgrading;
        try {
          assert.equal(await new BufferedReader(secure).readLine(), "hello localhost");
        } finally {
          secure.close();
        }
      }
    } finally {
      await server.close();
    }
  },
);
