// Copyright 2026 the portline authors. MIT license.
import assert from "../_assert.ts";
import {
  ConnectionClosedError,
  InvalidArgumentError,
  LimitError,
  TimeoutError,
  type TranscriptEntry,
} from "../../protocols/_core/mod.ts";
import {
  SmtpClient,
  SmtpExtensionError,
  SmtpRecipientsRefusedError,
  SmtpReplyError,
  SmtpServer,
  type SmtpServerOptions,
} from "../../protocols/smtp/mod.ts";
import { dec, enc, message, rawServer } from "./_helpers.ts";

async function withServer(
  options: SmtpServerOptions,
  fn: (server: SmtpServer, connect: (extra?: object) => Promise<SmtpClient>) => Promise<void>,
): Promise<void> {
  const server = await SmtpServer.listen(options);
  const clients: SmtpClient[] = [];
  try {
    await fn(server, async (extra = {}) => {
      const client = await SmtpClient.connect({ port: server.port, tls: "none", ...extra });
      clients.push(client);
      return client;
    });
  } finally {
    for (const client of clients) await client.close();
    await server.close();
  }
}

const mail = (to: string[] | string, body: unknown = "Subject: t\r\n\r\nhello\r\n") => ({
  from: "ann@example.org",
  to,
  body: body as string,
});

Deno.test("SmtpClient.sendMail() delivers to every recipient's mailbox", async () => {
  await withServer({}, async (server, connect) => {
    const client = await connect();
    const result = await client.sendMail(
      mail(["Bob@Example.org", "cy@example.org", "di@example.org"]),
    );
    assert.deepEqual(result.accepted, ["Bob@Example.org", "cy@example.org", "di@example.org"]);
    assert.deepEqual(result.rejected, []);
    assert.equal(result.replyCode, 250);
    assert.equal(result.enhancedCode, "2.0.0");
    for (const box of ["bob@example.org", "cy@example.org", "di@example.org"]) {
      const [stored] = await server.store.list(box);
      assert.equal(dec.decode(stored!.bytes), "Subject: t\r\n\r\nhello\r\n");
    }
  });
});

Deno.test("SmtpClient.sendMail() reports refused recipients and sends to the others", async () => {
  await withServer({
    hooks: {
      rcptTo: (to) =>
        to.startsWith("no")
          ? "550 5.1.1 No such user"
          : to.startsWith("busy")
          ? "450 4.2.1 Busy"
          : undefined,
    },
  }, async (server, connect) => {
    const client = await connect();
    const result = await client.sendMail(mail(["nobody@x.org", "bob@x.org", "busy@x.org"]));
    assert.deepEqual(result.accepted, ["bob@x.org"]);
    assert.deepEqual(
      result.rejected.map((r) => [r.address, r.replyCode, r.enhancedCode, r.transient]),
      [
        ["nobody@x.org", 550, "5.1.1", false],
        ["busy@x.org", 450, "4.2.1", true],
      ],
    );
    assert.deepEqual(server.transactions[0]!.to, ["bob@x.org"]);
  });
});

for (const pipelining of [true, false]) {
  for (const chunking of [true, false]) {
    const mode = `${pipelining ? "pipelined" : "lock-step"} ${chunking ? "BDAT" : "DATA"}`;
    Deno.test(`SmtpClient.sendMail() ${mode}: all refused throws and the session stays usable`, async () => {
      await withServer({
        extensions: { pipelining, chunking },
        hooks: { rcptTo: (to) => to.startsWith("no") ? "550 5.1.1 No such user" : undefined },
      }, async (server, connect) => {
        const client = await connect();
        const error = await client.sendMail(mail(["no1@x.org", "no2@x.org"])).catch((e) => e);
        assert.ok(error instanceof SmtpRecipientsRefusedError, String(error));
        assert.ok(error instanceof SmtpReplyError);
        assert.equal(error.replyCode, 550);
        assert.deepEqual(error.rejected.map((r) => r.address), ["no1@x.org", "no2@x.org"]);
        // The next message on the same connection goes through.
        const ok = await client.sendMail(mail(["yes@x.org"], message(600_000)));
        assert.deepEqual(ok.accepted, ["yes@x.org"]);
        assert.equal(server.transactions.length, 1);
        assert.equal(server.transactions[0]!.via, chunking ? "BDAT" : "DATA");
        assert.equal(dec.decode(server.transactions[0]!.bytes), message(600_000));
        if (chunking) assert.equal(server.transactions[0]!.chunks, 3);
      });
    });
  }
}

Deno.test("SmtpClient.sendMail() refused sender: SmtpReplyError, RSET, next message works", async () => {
  await withServer({
    hooks: { mailFrom: (from) => from === "spam@x.org" ? "553 5.7.1 Sender rejected" : undefined },
  }, async (server, connect) => {
    const log: TranscriptEntry[] = [];
    const client = await connect({ onTranscript: (e: TranscriptEntry) => log.push(e) });
    const error = await client.sendMail({ ...mail(["a@x.org"]), from: "spam@x.org" }).catch((e) =>
      e
    );
    assert.ok(error instanceof SmtpReplyError);
    assert.equal(error.replyCode, 553);
    assert.equal(error.enhancedCode, "5.7.1");
    assert.equal(error.transient, false);
    assert.match(error.command!, /^MAIL FROM:<spam@x.org>/);
    assert.ok(log.some((e) => e.direction === "send" && e.line === "RSET"));
    await client.sendMail(mail(["a@x.org"]));
    assert.equal(server.transactions.length, 1);
  });
});

Deno.test("SmtpClient.sendMail() 4xx on DATA and on the final reply", async () => {
  for (const chunking of [false, true]) {
    let refuseData = true;
    let refuseMessage = true;
    await withServer({
      extensions: { chunking },
      hooks: {
        data: () => refuseData ? "451 4.3.0 Try again later" : undefined,
        message: () => refuseMessage ? "452 4.3.1 Insufficient storage" : undefined,
      },
    }, async (server, connect) => {
      const client = await connect();
      const first = await client.sendMail(mail(["a@x.org"])).catch((e) => e);
      assert.ok(first instanceof SmtpReplyError);
      assert.equal(first.replyCode, 451);
      assert.equal(first.transient, true);
      refuseData = false;
      const second = await client.sendMail(mail(["a@x.org"])).catch((e) => e);
      assert.ok(second instanceof SmtpReplyError);
      assert.equal(second.replyCode, 452);
      refuseMessage = false;
      await client.sendMail(mail(["a@x.org"]));
      assert.equal(server.transactions.length, 1);
    });
  }
});

Deno.test("SmtpClient.sendMail() dot-stuffs and normalises bare CR/LF (smuggling-safe)", async () => {
  for (const chunking of [false, true]) {
    await withServer({ extensions: { chunking } }, async (server, connect) => {
      const client = await connect();
      const body =
        "Subject: x\n\n.dot line\nbare lf\rbare cr\n.\nend\n.\r\nMAIL FROM:<evil@x>\r\n..two";
      await client.sendMail(mail(["a@x.org"], body));
      assert.equal(server.transactions.length, 1);
      assert.equal(
        dec.decode(server.transactions[0]!.bytes),
        "Subject: x\r\n\r\n.dot line\r\nbare lf\r\nbare cr\r\n.\r\nend\r\n.\r\nMAIL FROM:<evil@x>\r\n..two\r\n",
      );
    });
  }
});

Deno.test("SmtpClient.sendMail() streams a ReadableStream body with progress", async () => {
  await withServer({ extensions: { chunking: false } }, async (server, connect) => {
    const client = await connect();
    const text = message(1_000_000);
    const bytes = enc.encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.byteLength; at += 10_000) {
          controller.enqueue(bytes.slice(at, at + 10_000));
        }
        controller.close();
      },
    });
    const progress: number[] = [];
    const result = await client.sendMail(mail(["a@x.org"], stream), {
      onProgress: (n) => progress.push(n),
    });
    assert.equal(dec.decode(server.transactions[0]!.bytes), text);
    assert.equal(result.bytes, bytes.byteLength + 3);
    assert.ok(progress.length >= 3);
    assert.equal(progress.at(-1), result.bytes);
  });
});

Deno.test("SmtpClient.sendMail() accepts async iterables and byte bodies", async () => {
  await withServer({}, async (server, connect) => {
    const client = await connect();
    async function* parts() {
      yield enc.encode("Subject: it\r\n\r\n");
      yield enc.encode("line\r\n");
    }
    await client.sendMail(mail(["a@x.org"], parts()));
    await client.sendMail(mail(["a@x.org"], enc.encode("Subject: b\r\n\r\nbytes\r\n")));
    assert.deepEqual(server.transactions.map((t) => dec.decode(t.bytes)), [
      "Subject: it\r\n\r\nline\r\n",
      "Subject: b\r\n\r\nbytes\r\n",
    ]);
  });
});

Deno.test("SmtpClient.sendMail() declares SIZE and checks the server's limit first", async () => {
  await withServer({ maxSize: 1000 }, async (server, connect) => {
    const client = await connect();
    assert.equal(client.extensions.maxSize, 1000);
    await assert.rejects(client.sendMail(mail(["a@x.org"], "x".repeat(2000))), LimitError);
    await client.sendMail(mail(["a@x.org"], "x".repeat(500)));
    assert.equal(server.transactions[0]!.mailParams.get("SIZE"), "500");
    // A stream larger than announced: the server refuses it after reading.
    const stream = new Blob(["y".repeat(3000)]).stream();
    const error = await client.sendMail(mail(["a@x.org"], stream)).catch((e) => e);
    assert.ok(error instanceof SmtpReplyError);
    assert.equal(error.replyCode, 552);
    await client.noop();
  });
});

Deno.test("SmtpClient.sendMail() sends DSN, 8BITMIME and SMTPUTF8 parameters", async () => {
  await withServer({}, async (server, connect) => {
    const client = await connect();
    await client.sendMail({
      from: "jörg@example.org",
      to: ["bob@example.org"],
      body: "Subject: grüße\r\n\r\nü\r\n",
      dsn: {
        notify: ["failure", "delay"],
        ret: "headers",
        envelopeId: "env+1",
        originalRecipient: true,
      },
    });
    const tx = server.transactions[0]!;
    assert.equal(tx.from, "jörg@example.org");
    assert.deepEqual(Object.fromEntries(tx.mailParams), {
      SIZE: "24",
      BODY: "8BITMIME",
      SMTPUTF8: "",
      RET: "HDRS",
      ENVID: "env+2B1",
    });
    assert.deepEqual(Object.fromEntries(tx.recipients[0]!.params), {
      NOTIFY: "FAILURE,DELAY",
      ORCPT: "rfc822;bob@example.org",
    });
  });
});

Deno.test("SmtpClient.sendMail() fails clearly when SMTPUTF8, 8BITMIME or DSN are not offered", async () => {
  await withServer(
    { extensions: { smtpUtf8: false, eightBitMime: false, dsn: false } },
    async (server, connect) => {
      const client = await connect();
      const cases = [
        { ...mail(["jörg@x.org"]) },
        { ...mail(["a@x.org"], "Subject: ü\r\n\r\n") },
        { ...mail(["a@x.org"]), dsn: { notify: "never" as const } },
      ];
      for (const each of cases) await assert.rejects(client.sendMail(each), SmtpExtensionError);
      assert.equal(server.transactions.length, 0);
      await client.sendMail(mail(["a@x.org"]));
    },
  );
});

Deno.test("SmtpClient refuses CR/LF injection in addresses before writing", async () => {
  await withServer({}, async (server, connect) => {
    const log: TranscriptEntry[] = [];
    const client = await connect({ onTranscript: (e: TranscriptEntry) => log.push(e) });
    const before = log.length;
    for (
      const bad of [
        { ...mail(["a@x.org>\r\nRCPT TO:<evil@x.org"]) },
        { ...mail(["a@x.org"]), from: "a@x.org>\r\nDATA" },
        { ...mail(["a@x.org\n"]) },
      ]
    ) {
      await assert.rejects(client.sendMail(bad), InvalidArgumentError);
    }
    await assert.rejects(client.vrfy("a\r\nDATA"), InvalidArgumentError);
    await assert.rejects(client.command("NOOP\r\nQUIT"), InvalidArgumentError);
    assert.equal(log.length, before);
    await client.sendMail(mail(["a@x.org"]));
    assert.equal(server.transactions.length, 1);
  });
});

Deno.test("SmtpClient: several messages over one connection with RSET between", async () => {
  await withServer({}, async (server, connect) => {
    const log: TranscriptEntry[] = [];
    const client = await connect({ onTranscript: (e: TranscriptEntry) => log.push(e) });
    for (let i = 0; i < 5; i++) {
      await client.sendMail(mail([`u${i}@x.org`], `Subject: ${i}\r\n\r\n${i}\r\n`));
    }
    assert.equal(server.transactions.length, 5);
    assert.equal(log.filter((e) => e.line === "RSET").length, 4);
  });
});

Deno.test("SmtpClient NOOP, RSET, VRFY, EXPN, HELP and QUIT", async () => {
  await withServer({ lists: { team: ["a@x.org", "b@x.org"] } }, async (_server, connect) => {
    const client = await connect();
    await client.noop();
    await client.rset();
    assert.equal((await client.vrfy("bob")).code, 252);
    assert.deepEqual(await client.expn("team"), ["<a@x.org>", "<b@x.org>"]);
    const error = await client.expn("nope").catch((e) => e);
    assert.ok(error instanceof SmtpReplyError);
    assert.equal(error.replyCode, 550);
    assert.match((await client.help()).join("\n"), /EHLO/);
    assert.equal((await client.command("XYZZY")).code, 500);
    await client.close();
    assert.equal(client.closed, true);
    await client.close();
    await assert.rejects(client.noop(), ConnectionClosedError);
  });
});

Deno.test("SmtpClient falls back to HELO when EHLO is refused", async () => {
  await withServer({ extensions: { ehlo: false } }, async (server, connect) => {
    const client = await connect();
    assert.equal(client.esmtp, false);
    assert.equal(client.extensions.pipelining, false);
    const result = await client.sendMail(mail(["a@x.org", "b@x.org"]));
    assert.equal(result.accepted.length, 2);
    assert.equal(server.transactions[0]!.via, "DATA");
    assert.equal(server.transactions[0]!.mailParams.size, 0);
  });
});

Deno.test("SmtpClient: connection dropped mid-DATA gives ConnectionClosedError", async () => {
  for (const chunking of [false, true]) {
    await withServer(
      { dropAfterBytes: 100_000, extensions: { chunking } },
      async (server, connect) => {
        const client = await connect();
        const error = await client.sendMail(mail(["a@x.org"], message(2_000_000))).catch((e) => e);
        assert.ok(error instanceof ConnectionClosedError, String(error));
        assert.equal(client.closed, true);
        assert.equal(server.transactions.length, 0);
      },
    );
  }
});

Deno.test("SmtpClient: timeoutMs bounds a silent server", async () => {
  const server = await rawServer(async (_conn, reader, write) => {
    await write("220 slow.test\r\n");
    await reader.readLine();
    // Never answers EHLO.
    await reader.readLineOrNull().catch(() => null);
  });
  try {
    await assert.rejects(
      SmtpClient.connect({ port: server.port, tls: "none", timeoutMs: 100 }),
      TimeoutError,
    );
  } finally {
    await server.close();
  }
});

Deno.test("SmtpClient: an AbortSignal stops a call and closes the connection", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  await withServer({ hooks: { data: async () => await held } }, async (_server, connect) => {
    const client = await connect();
    const controller = new AbortController();
    const sending = client.sendMail(mail(["a@x.org"]), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await assert.rejects(sending, /stop/);
    release();
    assert.equal(client.closed, true);
  });
});

Deno.test("SmtpClient: a server refusing the session (554 greeting)", async () => {
  const server = await rawServer(async (_conn, reader, write) => {
    await write("554 5.7.1 go away\r\n");
    await reader.readLineOrNull().catch(() => null);
  });
  try {
    const error = await SmtpClient.connect({ port: server.port, tls: "none" }).catch((e) => e);
    assert.ok(error instanceof SmtpReplyError);
    assert.equal(error.replyCode, 554);
  } finally {
    await server.close();
  }
});

Deno.test("SmtpClient.sendMessage() takes the envelope from the message", async () => {
  await withServer({}, async (server, connect) => {
    const client = await connect();
    const text = "From: ann@x.org\r\nTo: bob@x.org\r\nSubject: m\r\n\r\nhi\r\n";
    const msg = {
      envelope: () => ({ from: "ann@x.org", to: ["bob@x.org", "hidden@x.org"] }),
      needsSmtpUtf8: false,
      needs8BitMime: true,
      stream: () => new Blob([text]).stream(),
    };
    const result = await client.sendMessage(msg);
    assert.deepEqual(result.accepted, ["bob@x.org", "hidden@x.org"]);
    assert.equal(server.transactions[0]!.mailParams.get("BODY"), "8BITMIME");
    assert.equal(dec.decode(server.transactions[0]!.bytes), text);
    await client.sendMessage(msg, { to: ["other@x.org"] });
    assert.deepEqual(server.transactions[1]!.to, ["other@x.org"]);
  });
});
