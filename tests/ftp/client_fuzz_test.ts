// Copyright 2026 the portline authors. MIT license.
// The client against a scripted hostile server over real loopback sockets:
// the replies to PWD, SIZE, MDTM, FEAT, EPSV, PASV and the transfer
// commands, and the LIST/MLSD data, are fuzzed. Every call resolves with a
// well-formed value or rejects with a typed error, within the client's
// timeout; a NOOP afterwards does too (the connection never hangs).
import assert from "../_assert.ts";
import { fuzzInputs, isExpectedError, latin1Bytes } from "../_fuzz.ts";
import { BufferedReader, memoryConn, readReply } from "../../protocols/_core/mod.ts";
import type { FtpClient } from "../../protocols/ftp/mod.ts";
import { checkEntry } from "./_fuzz_checks.ts";
import { FEAT, type Script, withHostileServer } from "./_hostile.ts";

/** One case: `call`, then NOOP; each resolves or rejects with a typed error. */
function hostileCase(
  script: Script | ((dataPort: number) => Script),
  call: (client: FtpClient) => Promise<void>,
): Promise<"ran" | "skipped"> {
  return withHostileServer(script, async (client) => {
    try {
      await call(client);
      await client.noop();
    } catch (error) {
      if (!isExpectedError(error)) throw error;
    }
  }).catch((error) => {
    // connect() itself may fail typed (a FEAT reply that breaks the session).
    if (isExpectedError(error)) return "ran";
    throw error;
  });
}

/**
 * Runs `count` fuzzed cases, 16 at a time, each bounded by a watchdog that
 * fails the test on a hang; checks that most cases ran (were not skipped).
 */
async function fuzzClient(
  name: string,
  seed: number,
  count: number,
  samples: readonly string[],
  run: (input: string) => Promise<"ran" | "skipped">,
): Promise<void> {
  const inputs = [...fuzzInputs(seed, count, samples)];
  let ran = 0;
  for (let i = 0; i < inputs.length; i += 16) {
    await Promise.all(
      inputs.slice(i, i + 16).map(async ({ input, index }) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hang = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("hung")), 5000);
        });
        try {
          if (await Promise.race([run(input), hang]) === "ran") ran++;
        } catch (error) {
          throw new Error(
            `${name}: seed ${seed}, input ${index} (${JSON.stringify(input.slice(0, 300))}) threw ${
              (error as Error)?.stack ?? error
            }`,
          );
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
  assert.ok(ran > count / 2, `${name}: only ${ran} of ${count} cases ran`);
}

/** The first line of the first reply in `raw`, as the client reads it. */
async function firstLine(raw: string): Promise<string | undefined> {
  const reader = new BufferedReader(memoryConn([latin1Bytes(raw)]), { maxLineBytes: 8192 });
  return (await readReply(reader, { maxLines: 10_000 }).catch(() => undefined))?.lines[0];
}

/** Some fuzzed reply text after a code, and a whole fuzzed reply. */
function reply(code: number, input: string): string {
  return input.length % 5 === 0 ? `${input}\r\n` : `${code} ${input}\r\n`;
}

Deno.test("FtpClient.pwd() fuzz: a string or a typed error, never a hang", async () => {
  const samples = ['"/home/a ""b""" is cwd', '"/"', "no path", '257-"/x"\r\n257 end'];
  await fuzzClient(
    "pwd",
    0x257,
    32,
    samples,
    (input) =>
      hostileCase({ replies: { PWD: reply(257, input) } }, async (client) => {
        assert.equal(typeof await client.pwd(), "string");
      }),
  );
});

Deno.test("FtpClient.size() and lastModified() fuzz: a byte count and a valid Date, or a typed error", async () => {
  const sizes = ["3", "0", "-1", "1e3", "0x10", " 12 ", "", "99999999999999999999", "12 bytes"];
  await fuzzClient("size", 0x213, 32, sizes, async (input) => {
    const raw = reply(213, input);
    const text = await firstLine(raw);
    return await hostileCase({ replies: { SIZE: raw } }, async (client) => {
      const size = await client.size("f");
      // Only a reply that is a decimal count gives a size.
      assert.ok(Number.isSafeInteger(size) && size >= 0, `size ${size}`);
      assert.equal(String(size), text?.trim().replace(/^0+(?=\d)/, ""), JSON.stringify(text));
    });
  });
  const times = ["20240115103000", "20240115103000.5", "20241301000000", "99999999999999"];
  await fuzzClient(
    "mdtm",
    0x3659,
    32,
    times,
    (input) =>
      hostileCase({ replies: { MDTM: reply(213, input) } }, async (client) => {
        const time = await client.lastModified("f");
        assert.ok(time instanceof Date && !Number.isNaN(time.getTime()));
      }),
  );
});

Deno.test("FtpClient.connect() fuzz: any FEAT reply, then a working listing or a typed error", async () => {
  const samples = [
    FEAT,
    "211-Features:\r\n MLST type*;size*;\r\n UTF8\r\n211 End\r\n",
    "502 no\r\n",
  ];
  await fuzzClient("feat", 0x211, 32, samples, (input) =>
    hostileCase({
      replies: { FEAT: input.endsWith("\r\n") ? input : `${input}\r\n` },
      data: latin1Bytes("type=file;size=3; a.txt\r\n-rw-r--r-- 1 0 0 3 Jan 15 10:30 a.txt\r\n"),
    }, async (client) => {
      for (const entry of await client.list()) checkEntry(entry, "list after FEAT");
    }));
});

Deno.test("FtpClient greeting and MLST fuzz: connect() and stat() resolve or reject typed", async () => {
  const greetings = ["220 Welcome", "220-Hello\r\n220 there", "120 wait\r\n220 ready", "421 busy"];
  await fuzzClient(
    "greeting",
    0x220,
    32,
    greetings,
    (input) =>
      hostileCase({ replies: { "220": `${input}\r\n` } }, async (client) => {
        assert.equal(typeof await client.pwd(), "string");
      }),
  );
  const mlst = "211-Features:\r\n MLST type*;size*;modify*;\r\n211 End\r\n";
  const stats = [
    "250-Listing /f\r\n type=file;size=3;modify=20240115103000; /f\r\n250 End",
    "250-Listing .\r\n type=cdir;perm=el; .\r\n250 End",
    "250 type=file; f",
  ];
  await fuzzClient(
    "mlst",
    0x250,
    32,
    stats,
    (input) =>
      hostileCase({ replies: { FEAT: mlst, MLST: `${input}\r\n` } }, async (client) => {
        checkEntry(await client.stat("/f"), "MLST", true);
      }),
  );
});

Deno.test("FtpClient EPSV/PASV fuzz: a data connection or a typed error", async () => {
  await fuzzClient("epsv", 0x229, 32, [
    "Entering Extended Passive Mode (|||{port}|)",
    "Entering Extended Passive Mode (!!!{port}!) now",
    "(|||0|)",
  ], (input) =>
    hostileCase(
      (port) => ({
        replies: { EPSV: reply(229, input.replaceAll("{port}", String(port))) },
        data: latin1Bytes("-rw-r--r-- 1 0 0 3 Jan 15 10:30 a.txt\r\n"),
      }),
      async (client) => {
        assert.equal(typeof await client.listRaw(), "string");
      },
    ));
  await fuzzClient(
    "pasv",
    0x227,
    32,
    ["(127,0,0,1,{p1},{p2})", "=10,0,0,1,{p1},{p2}"],
    (input) =>
      hostileCase(
        (port) => ({
          replies: {
            EPSV: "500 no EPSV\r\n",
            PASV: reply(
              227,
              input.replaceAll("{p1}", String(port >> 8)).replaceAll("{p2}", String(port & 255)),
            ),
          },
          data: latin1Bytes("-rw-r--r-- 1 0 0 3 Jan 15 10:30 a.txt\r\n"),
        }),
        async (client) => {
          assert.equal(typeof await client.listRaw(), "string");
        },
      ),
  );
});

const LISTING = [
  "total 8",
  "drwxr-xr-x 2 0 0 4096 Jan 15 10:30 docs",
  "lrwxrwxrwx 1 0 0 7 Jan 15  2023 latest -> docs",
  "crw-rw-rw- 1 0 0 1, 3 Feb 29 10:30 null",
  "01-15-24  10:30PM       <DIR>          My Docs",
  "+i8388621.44468,m839956783,r,s10376,\tRFCEPLF",
].join("\r\n") + "\r\n";
const MLSD = [
  "type=cdir; .",
  "type=dir;modify=20240115103000; docs",
  "type=file;size=12;UNIX.mode=0644; my file;1.txt",
  "type=OS.unix=slink:/etc; link",
].join("\r\n") + "\r\n";

Deno.test("FtpClient.list() fuzz: fuzzed LIST and MLSD data give well-formed entries", async () => {
  await fuzzClient(
    "list",
    0x11,
    48,
    [LISTING],
    (input) =>
      hostileCase({ data: latin1Bytes(input) }, async (client) => {
        for (const entry of await client.list()) checkEntry(entry, "LIST");
      }),
  );
  const mlst = "211-Features:\r\n MLST type*;size*;modify*;\r\n211 End\r\n";
  await fuzzClient(
    "mlsd",
    0x3659,
    48,
    [MLSD],
    (input) =>
      hostileCase({ replies: { FEAT: mlst }, data: latin1Bytes(input) }, async (client) => {
        for (const entry of await client.list()) checkEntry(entry, "MLSD");
      }),
  );
});

Deno.test("FtpClient transfer replies fuzz: fuzzed 150 and 226 replies resolve or reject typed", async () => {
  const preliminary = [
    "150 Opening BINARY mode data connection for f (3 bytes)",
    "125 Data connection already open; transfer starting",
    "150 (99999999999999999999999 bytes)",
    "226 nothing to send",
  ];
  await fuzzClient(
    "150",
    0x150,
    32,
    preliminary,
    (input) =>
      hostileCase({ replies: { "150": reply(150, input) }, data: latin1Bytes("abc") }, async (
        client,
      ) => {
        assert.ok((await client.downloadBytes("f", { maxBytes: 10 })) instanceof Uint8Array);
      }),
  );
  const final = ["226 Transfer complete", "250 ok", "451 aborted", "226-one\r\n226 two"];
  await fuzzClient(
    "226",
    0x226,
    32,
    final,
    (input) =>
      hostileCase({ replies: { "226": reply(226, input) }, data: latin1Bytes(LISTING) }, async (
        client,
      ) => {
        for (const entry of await client.list()) checkEntry(entry, "LIST");
      }),
  );
});
