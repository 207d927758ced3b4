// Copyright 2026 the portline authors. MIT license.
// Consumer smoke test, run from a project that installed the packed tarball:
//   node smoke.mjs <subpath>...      (e.g. "." "./core" "./smtp")
// Imports every subpath as ESM and as CommonJS, checks that both expose the
// same names, that error classes keep `instanceof` across the two copies
// (Symbol.for brands), and that Buffers work where bytes are taken.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(import.meta.url);
const subpaths = process.argv.slice(2);
const specifier = (s) => (s === "." ? "portline" : `portline/${s.slice(2)}`);
const pkg = JSON.parse(
  readFileSync(new URL("./node_modules/portline/package.json", import.meta.url)),
);
assert.deepEqual(Object.keys(pkg.exports).filter((k) => k !== "./package.json"), subpaths);
assert.equal(pkg.dependencies, undefined, "the package has no runtime dependencies");

const esmCore = await import("portline/core");
const cjsCore = require("portline/core");
assert.notEqual(esmCore.PortlineError, cjsCore.PortlineError, "two copies are loaded");

for (const subpath of subpaths) {
  const spec = specifier(subpath);
  const esm = await import(spec);
  const cjs = require(spec);
  assert.match(require.resolve(spec), /\/script\//);
  assert.deepEqual(Object.keys(esm).sort(), Object.keys(cjs).sort(), `${spec}: same exports`);
  let branded = 0;
  for (const [name, value] of Object.entries(esm)) {
    if (typeof value !== "function" || typeof value.brand !== "string") continue;
    let error;
    try {
      error = new value("smoke");
    } catch {
      continue; // a constructor that needs more than a message
    }
    const twin = new cjs[name]("smoke");
    assert.ok(error instanceof cjs[name], `${spec}: ESM ${name} instanceof CommonJS ${name}`);
    assert.ok(twin instanceof value, `${spec}: CommonJS ${name} instanceof ESM ${name}`);
    assert.ok(error instanceof cjsCore.PortlineError && twin instanceof esmCore.PortlineError);
    assert.ok(error instanceof Error);
    branded++;
  }
  console.log(
    `ok ${spec}: ${Object.keys(esm).length} exports as ESM and CommonJS, ${branded} branded errors`,
  );
}
assert.ok(!(new esmCore.TimeoutError("x") instanceof cjsCore.TlsError));

// Buffers as bytes, and a real socket through the Node transport (TLS too).
const { BufferedReader, connect, listen, memoryConn, readReply, startTls, startTlsServer } =
  esmCore;
const reply = await readReply(new BufferedReader(memoryConn([Buffer.from("220 ready\r\n")])));
assert.equal(reply.code, 220);

const certs = (name) => readFileSync(new URL(`./certs/${name}`, import.meta.url), "utf8");
const serverTls = { cert: certs("cert.pem"), key: certs("key.pem") };
const listener = await listen({ port: 0 });
const served = (async () => {
  const plain = await listener.accept();
  const reader = new BufferedReader(plain);
  assert.equal(await reader.readLine(), "STARTTLS");
  await plain.write(Buffer.from("220 go ahead\r\n"));
  const secure = await startTlsServer(plain, serverTls);
  await secure.write(Buffer.from(`echo ${await new BufferedReader(secure).readLine()}\r\n`));
  secure.close();
})();
const plain = await cjsCore.connect({ hostname: "127.0.0.1", port: listener.addr.port });
await plain.write(Buffer.from("STARTTLS\r\n"));
const go = Buffer.alloc(14);
assert.equal(await plain.read(go), 14);
const secure = await startTls(plain, { hostname: "localhost", caCerts: [certs("ca.pem")] });
await secure.write(Buffer.from("over tls\r\n"));
assert.equal(await new BufferedReader(secure).readLine(), "echo over tls");
secure.close();
await served;
listener.close();
await assert.rejects(
  connect({ hostname: "127.0.0.1", port: listener.addr.port }),
  cjsCore.ConnectError,
);
assert.equal(typeof globalThis.Deno, "undefined", "the library defines no Deno global");
console.log(
  "ok core: Buffer bytes, STARTTLS through the Node transport, ConnectError across copies",
);
