// Copyright 2026 the portline authors. MIT license.
// Pop3Client against dovecot 2.3 (scripts/interop/setup_20_dovecot.sh):
// POP3 on 11110 (STLS), POP3S on 11995, user popuser/poppass. Each test
// seeds popuser's Maildir itself; the Maildir stores LF line ends and POP3
// sends CRLF, so files are compared after LF → CRLF.
import assert from "../_assert.ts";
import { LimitError } from "../../protocols/_core/mod.ts";
import { HttpTestServer } from "../../protocols/http/mod.ts";
import { join } from "node:path";
import { chown, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import {
  Pop3AuthenticationError,
  Pop3Client,
  type Pop3ConnectOptions,
  type Pop3Credentials,
} from "../../protocols/pop3/mod.ts";

const RUN = Deno.env.get("PORTLINE_INTEROP_DIR") ?? ".interop";
const CA = readFileSync(join(RUN, "certs", "ca.pem"), "utf8");
const MAIL = join(RUN, "mail");
const USER = "popuser";
const PASSWORD = "poppass";
const MAILDIR = join(MAIL, USER, "Maildir");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The seeded messages (LF line ends, as a Maildir holds them), by X-Seed. */
function seedMessages(): Map<string, string> {
  const five = "x".repeat(76) + "\n";
  const big = ["From: big@example.org", "Subject: five megabytes", "X-Seed: big", ""].join("\n") +
    "\n" + ".leading dot line\n" + five.repeat(Math.ceil(5_000_000 / five.length)) + ".\n..\nend\n";
  return new Map([
    [
      "plain",
      "From: a@example.org\nTo: popuser@portline.test\nSubject: plain\nX-Seed: plain\n\nhello\nsecond line\n",
    ],
    [
      "utf8",
      "From: =?utf-8?q?J=C3=B6rg?= <j@example.org>\nSubject: Grüße aus Köln ✓\nX-Seed: utf8\n" +
      "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" +
      "Schöne Grüße\n",
    ],
    ["dots", "Subject: dots\nX-Seed: dots\n\n.\n..\n.x\nmid.dle\n"],
    ["big", big],
    ["last", "Subject: last\nX-Seed: last\n\n" + "body line\n".repeat(50)],
  ]);
}

/** Replaces popuser's Maildir (index files included) with fresh messages. */
async function seed(): Promise<Map<string, string>> {
  const owner = await stat(MAIL);
  await rm(join(MAIL, USER), { recursive: true, force: true });
  for (
    const dir of [
      join(MAIL, USER),
      MAILDIR,
      ...["cur", "new", "tmp"].map((d) => join(MAILDIR, d)),
    ]
  ) {
    await mkdir(dir, { recursive: true });
    await chown(dir, owner.uid, owner.gid);
  }
  const messages = seedMessages();
  let i = 0;
  for (const text of messages.values()) {
    i++;
    const file = join(MAILDIR, "new", `${1_700_000_000 + i}.M${i}P1.portline`);
    await writeFile(file, text);
    await chown(file, owner.uid, owner.gid);
  }
  return messages;
}

/** The Maildir's files, by X-Seed, LF line ends. */
async function maildirFiles(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const dir of ["cur", "new"]) {
    for (const name of await readdir(join(MAILDIR, dir))) {
      const text = decoder.decode(await readFile(join(MAILDIR, dir, name)));
      const seed = /^X-Seed: (\S+)$/m.exec(text)?.[1];
      if (seed) found.set(seed, text);
    }
  }
  return found;
}

function crlf(text: string): string {
  return text.replaceAll("\n", "\r\n");
}

function connect(options: Partial<Pop3ConnectOptions> = {}, auth?: Pop3Credentials) {
  return Pop3Client.connect({
    hostname: "127.0.0.1",
    port: 11110,
    tls: { caCerts: [CA] },
    auth: auth ?? { username: USER, password: PASSWORD },
    timeoutMs: 10_000,
    ...options,
  });
}

/** Message number → X-Seed, via TOP n 0. */
async function seedsById(client: Pop3Client): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  for (const { id } of await client.list()) {
    const header = decoder.decode(await client.topBytes(id, 0));
    map.set(id, /^X-Seed: (\S+)\r$/m.exec(header)![1]!);
  }
  return map;
}

Deno.test("dovecot: Pop3Client logs in every way dovecot offers", async () => {
  const seeded = await seed();
  const ways: { name: string; options?: Partial<Pop3ConnectOptions>; auth: Pop3Credentials }[] = [
    {
      name: "USER/PASS, plaintext",
      options: { tls: "none" },
      auth: { username: USER, password: PASSWORD, method: "user" },
    },
    { name: "USER/PASS over STLS", auth: { username: USER, password: PASSWORD, method: "user" } },
    {
      name: "APOP",
      options: { tls: "none" },
      auth: { username: USER, password: PASSWORD, method: "apop" },
    },
    {
      name: "auto over POP3S",
      options: { port: 11995, tls: { mode: "implicit", caCerts: [CA] } },
      auth: { username: USER, password: PASSWORD },
    },
  ];
  for (const mechanism of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]) {
    ways.push({
      name: `AUTH ${mechanism}`,
      auth: { username: USER, password: PASSWORD, mechanism },
    });
  }
  for (const way of ways) {
    const lines: string[] = [];
    const client = await connect(
      { ...way.options, onTranscript: (e) => lines.push(`${e.direction} ${e.line}`) },
      way.auth,
    );
    assert.equal(client.state, "transaction", way.name);
    assert.equal(client.secure, way.options?.tls !== "none", way.name);
    assert.equal((await client.stat()).count, seeded.size, way.name);
    await client.close();
    assert.ok(
      !lines.some((line) => line.includes(PASSWORD)),
      `password in transcript: ${way.name}`,
    );
  }
});

Deno.test("dovecot: CAPA and the greeting's APOP timestamp", async () => {
  const bare = await Pop3Client.connect({ hostname: "127.0.0.1", port: 11110, tls: "none" });
  assert.match(bare.apopTimestamp ?? "", /^<.+@.+>$/);
  const capa = bare.capabilities;
  for (
    const name of ["TOP", "UIDL", "PIPELINING", "STLS", "USER", "RESP-CODES", "AUTH-RESP-CODE"]
  ) {
    assert.ok(capa.has(name), name);
  }
  assert.ok(capa.sasl.includes("DIGEST-MD5"));
  await bare.close();
});

Deno.test("dovecot: a wrong password is [AUTH] and the session stays usable", async () => {
  await seed();
  const bare = await Pop3Client.connect({
    hostname: "127.0.0.1",
    port: 11110,
    tls: { caCerts: [CA] },
  });
  await assert.rejects(
    bare.login({ username: USER, password: "wrong", method: "user" }),
    (e: unknown) => e instanceof Pop3AuthenticationError && e.responseCode === "AUTH",
  );
  await bare.login({ username: USER, password: PASSWORD });
  assert.equal(bare.state, "transaction");
  await bare.close();
});

Deno.test("dovecot: LIST, UIDL, TOP and RETR match the Maildir files", async () => {
  await seed();
  const files = await maildirFiles();
  const client = await connect();
  const seeds = await seedsById(client);
  assert.equal(seeds.size, files.size);
  const list = await client.list();
  const uidl = await client.uidl();
  assert.equal(new Set(uidl.map((u) => u.uid)).size, uidl.length);
  for (const { uid } of uidl) assert.match(uid, /^[0-9a-fA-F]{16}$/);
  for (const { id, size } of list) {
    const file = files.get(seeds.get(id)!)!;
    const wire = crlf(file);
    assert.equal(size, encoder.encode(wire).byteLength, `LIST ${id}`);
    assert.deepEqual(await client.listOne(id), { id, size });
    assert.deepEqual(await client.uidlOne(id), uidl.find((u) => u.id === id));
    const header = wire.slice(0, wire.indexOf("\r\n\r\n") + 4);
    assert.equal(decoder.decode(await client.topBytes(id, 0)), header, `TOP ${id} 0`);
    // TOP n 2: the header and the first two body lines, dot-unstuffed.
    const bodyLines = (wire.slice(header.length).match(/[^\n]*\n/g) ?? []).slice(0, 2);
    assert.equal(
      decoder.decode(await client.topBytes(id, 2)),
      header + bodyLines.join(""),
      `TOP ${id} 2`,
    );
    if (seeds.get(id) === "big") {
      // 5 MB: stream it and compare as it arrives.
      const expected = encoder.encode(wire);
      let at = 0;
      let equal = true;
      for await (const chunk of await client.retrieve(id)) {
        for (let i = 0; i < chunk.byteLength && equal; i++) equal = chunk[i] === expected[at + i];
        at += chunk.byteLength;
      }
      assert.ok(equal, "5 MB message differs");
      assert.equal(at, expected.byteLength);
    } else {
      assert.equal(await client.retrieveText(id), wire, `RETR ${id}`);
    }
  }
  const utf8Id = [...seeds].find(([, seed]) => seed === "utf8")![0];
  const mail = await client.retrieveParsed(utf8Id);
  assert.equal(mail.subject, "Grüße aus Köln ✓");
  assert.equal(mail.from[0]!.name, "Jörg");
  assert.equal(mail.text, "Schöne Grüße\n");
  await client.close();
});

Deno.test("dovecot: pipelined RETR of every message", async () => {
  const seeded = await seed();
  const client = await connect();
  assert.ok(client.capabilities.pipelining);
  const ids = (await client.list()).map((e) => e.id);
  const seeds = await seedsById(client);
  let count = 0;
  for await (const { id, bytes } of client.retrieveMany([...ids, ...ids])) {
    assert.equal(decoder.decode(bytes), crlf(seeded.get(seeds.get(id)!)!));
    count++;
  }
  assert.equal(count, ids.length * 2);
  await client.noop();
  await client.close();
});

Deno.test("dovecot: DELE + QUIT removes exactly those; RSET keeps them", async () => {
  await seed();
  const first = await connect();
  const seeds = await seedsById(first);
  const doomed = [...seeds].filter(([, seed]) => seed === "plain" || seed === "dots");
  await first.deleteMany(doomed.map(([id]) => id));
  assert.equal((await first.stat()).count, seeds.size - 2);
  await first.reset();
  assert.equal((await first.stat()).count, seeds.size);
  await first.close();
  assert.equal((await maildirFiles()).size, seeds.size);

  const second = await connect();
  const again = await seedsById(second);
  const gone = [...again].filter(([, seed]) => seed === "plain" || seed === "dots");
  for (const [id] of gone) await second.delete(id);
  // Dropping the connection commits nothing.
  second.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await maildirFiles()).size, seeds.size);

  const third = await connect();
  const now = await seedsById(third);
  const remove = [...now].filter(([, seed]) => seed === "plain" || seed === "dots");
  await third.deleteMany(remove.map(([id]) => id));
  assert.deepEqual(await third.quit(), remove.map(([id]) => id).sort((a, b) => a - b));
  const left = await maildirFiles();
  assert.deepEqual([...left.keys()].sort(), ["big", "last", "utf8"]);

  const fourth = await connect();
  assert.deepEqual([...(await seedsById(fourth)).values()].sort(), ["big", "last", "utf8"]);
  await fourth.close();
});

Deno.test("dovecot: popuser2 has its own empty maildrop", async () => {
  const client = await connect({}, { username: "popuser2", password: "poppass2" });
  assert.equal((await client.stat()).count, 0);
  await client.close();
});

Deno.test('dovecot: tls "starttls" and "implicit" both encrypt', async () => {
  await seed();
  const lines: string[] = [];
  const stls = await connect({
    tls: { mode: "starttls", caCerts: [CA] },
    onTranscript: (e) => lines.push(`${e.direction} ${e.line}`),
  });
  assert.equal(stls.secure, true);
  const upgrade = lines.indexOf("send STLS");
  assert.ok(upgrade > 0);
  assert.ok(lines.findIndex((line) => /^send (USER|AUTH|APOP)/.test(line)) > upgrade);
  await stls.close();
  const implicit = await connect({ port: 11995, tls: { mode: "implicit", caCerts: [CA] } });
  assert.equal(implicit.secure, true);
  await implicit.close();
});

Deno.test("dovecot: RETR over maxBytes is a LimitError, drained, and the session goes on", async () => {
  await seed();
  const client = await connect();
  const seeds = await seedsById(client);
  const big = [...seeds].find(([, seed]) => seed === "big")![0];
  const plain = [...seeds].find(([, seed]) => seed === "plain")![0];
  // Dovecot announces the size: over the limit, so the body is drained.
  await assert.rejects(
    client.retrieveBytes(big, { maxBytes: 1_000_000 }),
    (e: unknown) => e instanceof LimitError && e.message.includes(`RETR ${big}`),
  );
  assert.equal(client.state, "transaction");
  assert.match(await client.retrieveText(plain), /X-Seed: plain/);
  await assert.rejects(client.uidl({ maxBytes: 10 }), LimitError);
  assert.equal((await client.uidl()).length, seeds.size);
  await client.close();
});

Deno.test("examples/pop3_fetch.ts saves every message and deletes at QUIT", async () => {
  const seeded = await seed();
  const out = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "examples/pop3_fetch.ts",
        "--host",
        "localhost",
        "--tls",
        "starttls",
        "--port",
        "11110",
        "--ca",
        join(RUN, "certs", "ca.pem"),
        "--out",
        out,
        "--delete",
      ],
      cwd: new URL("../../", import.meta.url),
      env: { POP3_USER: USER, POP3_PASSWORD: PASSWORD, NO_COLOR: "1" },
    }).output();
    assert.equal(code, 0, decoder.decode(stderr));
    const text = decoder.decode(stdout);
    assert.match(text, /^logged in to localhost \(TLS\)$/m);
    assert.match(
      text,
      new RegExp(`^${seeded.size} new message\\(s\\), ${seeded.size} marked`, "m"),
    );
    const saved = new Map<string, string>();
    for (const name of await readdir(out)) {
      if (!name.endsWith(".eml")) continue;
      const body = decoder.decode(await readFile(join(out, name)));
      saved.set(/^X-Seed: (\S+)\r$/m.exec(body)![1]!, body);
    }
    assert.deepEqual([...saved.keys()].sort(), [...seeded.keys()].sort());
    for (const [seed, body] of seeded) assert.equal(saved.get(seed), crlf(body), seed);
    // QUIT committed the deletions.
    assert.equal((await maildirFiles()).size, 0);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

Deno.test("dovecot through an HTTP proxy: STLS on 11110 and POP3S on 11995", async () => {
  const messages = await seed();
  await using proxy = await HttpTestServer.start({ proxy: { username: "px", password: "pw" } });
  const via = `http://px:pw@127.0.0.1:${proxy.port}`;
  for (const extra of [{}, { port: 11995, tls: { mode: "implicit" as const, caCerts: [CA] } }]) {
    const client = await connect({ ...extra, proxy: via });
    try {
      assert.equal(client.secure, true);
      assert.equal((await client.stat()).count, messages.size);
    } finally {
      await client.close();
    }
  }
  assert.deepEqual(proxy.proxyLog, ["127.0.0.1:11110", "127.0.0.1:11995"]);
});
