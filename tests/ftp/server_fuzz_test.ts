// Copyright 2026 the portline authors. MIT license.
// The in-process FTP server against a hostile client over real loopback
// sockets: command sequences built from mutations of valid sessions (login,
// TLS negotiation, passive and active data connections, transfers, paths
// aiming outside the tree, over-long lines, commands out of order), sent
// whole, in random chunks or a byte at a time, with data connections used,
// closed early or never opened. Every reply is well formed until the server
// closes, every session ends within a bound, no path leaves the served tree
// (memory and directory-backed), the PASV/EPSV listeners of a session are
// closed when it ends, and a well-behaved FtpClient still works afterwards.
import assert from "../_assert.ts";
import { fuzzInputs, latin1, latin1Bytes, mutate, Random, SCALE } from "../_fuzz.ts";
import { randomChunks, within } from "../core/_chunks.ts";
import {
  BufferedReader,
  type Conn,
  connect,
  listen,
  type Listener,
  readReply,
} from "../../protocols/_core/mod.ts";
import {
  FtpClient,
  FtpDirectoryFileSystem,
  FtpMemoryFileSystem,
  FtpServer,
  type FtpServerFileSystem,
  parseEpsvReply,
  parsePasvReply,
  parsePortArgument,
} from "../../protocols/ftp/mod.ts";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { SERVER_TLS } from "./_setup.ts";
import { checkReplies } from "./_server_checks.ts";

const SECRET = "TOPSECRET-outside-the-tree";

const VALID_PATHS = ["a.txt", "/dir/b.txt", "dir", "/", ".", "new.txt", "d", "é.txt"];
const HOSTILE_PATHS = [
  "../outside/secret.txt",
  "../../outside/secret.txt",
  "/../outside/secret.txt",
  "..\\outside\\secret.txt",
  "dir/../../outside",
  "../outside",
  "../escape.txt",
  "a\0b",
  "a\rb",
  "x".repeat(300),
  "../" + "x/".repeat(40),
  "dir/./../dir/b.txt",
];

function path(random: Random): string {
  return random.next() < 0.6 ? random.pick(VALID_PATHS) : random.pick(HOSTILE_PATHS);
}

/** One random command line (no CRLF) after login; `activePort` is the test's own listener. */
function command(random: Random, activePort: number): string[] {
  const p = path(random);
  const dataCommand = () => {
    const open = random.pick(["PASV", "EPSV", "EPSV", "PORT", "EPRT", ""]);
    const setup = open === "PORT"
      ? [`PORT 127,0,0,1,${activePort >> 8},${activePort & 255}`]
      : open === "EPRT"
      ? [`EPRT |1|127.0.0.1|${activePort}|`]
      : open === ""
      ? []
      : [open];
    const rest = random.next() < 0.2
      ? [`REST ${random.pick(["0", "3", "99999999999999999999", "-1", "4294967296"])}`]
      : [];
    const verb = random.pick(["RETR", "STOR", "APPE", "STOU", "LIST", "NLST", "MLSD", "LIST -la"]);
    return [...setup, ...rest, `${verb} ${random.next() < 0.2 ? "" : p}`.trimEnd()];
  };
  switch (random.int(12)) {
    case 0:
    case 1:
    case 2:
      return dataCommand();
    case 3:
      return [
        random.pick(["RNFR a.txt", "RNFR dir", "RNFR /", `RNFR ${p}`]),
        `RNTO ${path(random)}`,
      ];
    case 4:
      return [
        random.pick([
          "PORT 10,0,0,1,0,21",
          "EPRT |2|::1|21|",
          "EPRT |1|192.168.1.1|80|",
          "PORT 127,0,0,1,300,1",
          "PORT 1,2,3",
          "EPRT |3|x|1|",
          "PORT 0,0,0,0,0,0",
          "EPRT |1|127.0.0.2|21|",
        ]),
      ];
    case 5:
      return [
        `${
          random.pick(["CWD", "MKD", "RMD", "DELE", "SIZE", "MDTM", "MLST", "STAT", "XCWD"])
        } ${p}`,
      ];
    case 6:
      return [
        `MFMT ${random.pick(["20240101000000", "99999999999999", "x", "20241301000000", ""])} ${p}`,
      ];
    default:
      return [
        random.pick([
          "FEAT",
          "OPTS UTF8 ON",
          "SYST",
          "TYPE A",
          "TYPE I",
          "TYPE X",
          "TYPE L 8",
          "MODE S",
          "MODE B",
          "STRU F",
          "STRU R",
          "EPSV ALL",
          "PWD",
          "CDUP",
          "CWD ..",
          "SITE CHMOD 777 a.txt",
          "SITE HELP",
          "SITE",
          "HELP",
          "STAT",
          "NOOP",
          "ABOR",
          "AUTH TLS",
          "AUTH X",
          "PBSZ 0",
          "PROT P",
          "PROT X",
          "ACCT x",
          "USER alice",
          "PASS secret",
          "ALLO 10",
          "XPWD",
          "",
          "NOPE",
        ]),
      ];
  }
}

/** The lines of one fuzzed session. */
function session(random: Random, activePort: number): string[] {
  const login = random.pick([
    ["USER alice", "PASS secret"],
    ["USER anonymous", "PASS me@example.com"],
    ["USER bob", "PASS pw", "ACCT acct"],
    ["USER alice", "PASS wrong"],
    ["PASS secret"],
    [],
  ]);
  const lines: string[] = [...login];
  const n = 1 + random.int(14);
  for (let i = 0; i < n; i++) lines.push(...command(random, activePort));
  const out: string[] = [];
  for (const line of lines) {
    const r = random.next();
    if (r < 0.2) out.push(mutate(random, line));
    else if (r < 0.23) out.push(random.text(random.int(60)));
    else out.push(line);
  }
  if (random.next() < 0.04) out.splice(random.int(out.length + 1), 0, "NOOP " + "y".repeat(9000));
  return out;
}

/**
 * Whether the server would read `line` as an active-mode address on this
 * machine other than the test's own listener (other servers run here: never
 * send the in-process server to them).
 */
function pointsElsewhere(line: string, activePort: number): boolean {
  const space = line.indexOf(" ");
  const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  if (verb !== "PORT" && verb !== "EPRT") return false;
  const address = parsePortArgument(space === -1 ? "" : line.slice(space + 1));
  return address !== null && address.port !== activePort;
}

/** The bytes to send: the lines as the server will split them, unsafe ones dropped. */
function wire(lines: string[], activePort: number): Uint8Array {
  const text = lines.join("\r\n") + "\r\n";
  const kept = text.split("\n").filter((line) =>
    !pointsElsewhere(line.replace(/\r$/, ""), activePort)
  );
  return latin1Bytes(kept.join("\n"));
}

async function drain(conn: Conn, seen: string[]): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (let n; (n = await conn.read(buffer)) !== null;) seen.push(latin1(buffer.subarray(0, n)));
  } catch {
    // A reset data connection is one of the outcomes.
  }
}

/** What the test does with a passive data port the server announced. */
async function useDataPort(random: Random, port: number, seen: string[]): Promise<void> {
  const how = random.pick(["drain", "send", "close", "none"]);
  if (how === "none") return;
  let conn: Conn;
  try {
    conn = await connect({ hostname: "127.0.0.1", port, timeoutMs: 2000 });
  } catch {
    return;
  }
  try {
    if (how === "send") await conn.write(random.bytes(random.int(3000)));
    // Always end what we send: a STOR whose data never ends waits for it as
    // long as the control connection stays open (closing that ends it).
    if (how !== "close") await conn.closeWrite();
    if (how !== "close") await drain(conn, seen);
  } catch {
    // The server may close first.
  } finally {
    conn.close();
  }
}

/** Accepts the server's active-mode connections: sends a few bytes, then reads to the end. */
async function serveActive(
  listener: Listener,
  random: Random,
  seen: string[],
  tasks: Promise<void>[],
) {
  for await (const conn of listener) {
    tasks.push((async () => {
      try {
        await conn.write(random.bytes(random.int(2000)));
        await conn.closeWrite();
      } catch {
        // The server may close first.
      }
      await drain(conn, seen);
      conn.close();
    })());
  }
}

interface SessionResult {
  replies: string[];
  passivePorts: number[];
  data: string[];
}

/** Runs one fuzzed session; resolves once the server has closed the control connection. */
async function runSession(port: number, seed: number, index: number): Promise<SessionResult> {
  const random = new Random(seed * 1000 + index);
  const activeListener = await listen({ hostname: "127.0.0.1", port: 0 });
  const activePort = activeListener.addr.port;
  const data: string[] = [];
  const tasks: Promise<void>[] = [];
  const accepting = serveActive(activeListener, random, data, tasks).catch(() => {});
  const control = await connect({ hostname: "127.0.0.1", port });
  const lines = session(random, activePort);
  const bytes = wire([...lines, "QUIT"], activePort);
  const where = `seed ${seed}, session ${index} (${JSON.stringify(lines).slice(0, 400)})`;
  const passivePorts: number[] = [];
  let raw = "";
  const reading = (async () => {
    const buffer = new Uint8Array(16 * 1024);
    let scanned = 0;
    try {
      for (let n; (n = await control.read(buffer)) !== null;) {
        raw += latin1(buffer.subarray(0, n));
        for (let end; (end = raw.indexOf("\r\n", scanned)) !== -1; scanned = end + 2) {
          const line = raw.slice(scanned, end);
          const dataPort = line.startsWith("227 ")
            ? parsePasvReply(line)?.port
            : line.startsWith("229 ")
            ? parseEpsvReply(line)
            : null;
          if (dataPort != null) {
            passivePorts.push(dataPort);
            tasks.push(useDataPort(random, dataPort, data));
          }
        }
      }
    } catch {
      // The server may reset the connection after an over-long line.
    }
  })();
  try {
    const mode = random.int(3);
    const chunks = mode === 0
      ? [bytes]
      : mode === 1
      ? randomChunks(random, bytes, 12)
      : Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    for (const chunk of chunks) await control.write(chunk);
  } catch {
    // The server may close first (QUIT, an over-long line, a failed AUTH TLS).
  }
  await within(8000, `${where}: the server never closed the session`, reading);
  control.close();
  activeListener.close();
  await accepting;
  await within(8000, `${where}: a data connection hung`, Promise.all(tasks));
  return { replies: checkReplies(raw, where), passivePorts, data };
}

/** Whether something still listens on `port` (a leaked PASV/EPSV listener). */
/** Whether `port` is listening in each of three probes 50 ms apart. */
async function stillListening(port: number): Promise<boolean> {
  for (let probe = 0; probe < 3; probe++) {
    if (probe > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!(await listening(port))) return false;
  }
  return true;
}

async function listening(port: number): Promise<boolean> {
  try {
    const conn = await connect({ hostname: "127.0.0.1", port, timeoutMs: 2000 });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

async function fuzzServer(
  fs: FtpServerFileSystem,
  seed: number,
  count: number,
): Promise<SessionResult[]> {
  const server = await FtpServer.start({
    fs,
    users: { alice: "secret", bob: "pw" },
    accounts: { bob: "acct" },
    anonymous: true,
    tls: SERVER_TLS,
    dataTimeoutMs: 150,
  });
  const results: SessionResult[] = [];
  try {
    const total = count * SCALE;
    for (let start = 0; start < total; start += 4) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 4); i++) {
        batch.push(runSession(server.port, seed, i));
      }
      const ended = await Promise.all(batch);
      results.push(...ended);
      // These sessions have ended: none of their passive listeners may be
      // left open. Checked at once (under --parallel another test may later
      // listen on a released port number), and only a port that stays open
      // across a few probes counts (the server closes listeners as it tidies up).
      for (const port of ended.flatMap((result) => result.passivePorts)) {
        assert.equal(await stillListening(port), false, `PASV/EPSV port ${port} still listening`);
      }
    }
    // A well-behaved client still works.
    await using client = await FtpClient.connect({
      hostname: "127.0.0.1",
      port: server.port,
      user: "alice",
      password: "secret",
      timeoutMs: 5000,
    });
    await client.upload("/after.txt", "still works");
    assert.equal(await client.downloadText("/after.txt"), "still works");
    assert.ok((await client.list("/")).some((entry) => entry.name === "after.txt"));
  } finally {
    await server.close();
  }
  return results;
}

function initialFiles(): Record<string, string> {
  return { "/a.txt": "hello\r\nworld\n", "/dir/b.txt": "bbb", "/é.txt": "utf8" };
}

Deno.test("FtpServer fuzz (memory tree): well-formed replies, no hang, no leak, still serving", async () => {
  const fs = new FtpMemoryFileSystem(initialFiles());
  const results = await within(30_000, "memory fuzz", fuzzServer(fs, 1, 48));
  assert.ok(results.some((r) => r.replies.some((line) => line.startsWith("226 "))));
  assert.ok(results.some((r) => r.replies.some((line) => line.startsWith("230 "))));
  // The tree holds no entry without a name or with a slash in it.
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.list(dir)) {
      assert.ok(entry.name !== "" && !entry.name.includes("/"), `bad name in ${dir}`);
      if (entry.type === "directory") {
        await walk(dir === "/" ? `/${entry.name}` : `${dir}/${entry.name}`);
      }
    }
  };
  await walk("/");
});

Deno.test("FtpServer fuzz (directory tree): nothing outside the served directory is touched", async () => {
  const base = await mkdtemp(`${tmpdir()}/portline-ftp-fuzz-`);
  try {
    const served = `${base}/served`;
    await mkdir(`${served}/dir`, { recursive: true });
    await mkdir(`${base}/outside`);
    for (const [name, content] of Object.entries(initialFiles())) {
      await writeFile(served + name, content);
    }
    await writeFile(`${base}/outside/secret.txt`, SECRET);
    const results = await within(
      30_000,
      "directory fuzz",
      fuzzServer(new FtpDirectoryFileSystem(served), 2, 32),
    );
    assert.deepEqual((await readdir(base)).sort(), ["outside", "served"]);
    // Uploads grow the tree by what was sent, no more (a REST offset past the
    // end of a file must not make it huge).
    const sizes = async (dir: string): Promise<number> => {
      let total = 0;
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const at = `${dir}/${entry.name}`;
        total += entry.isDirectory() ? await sizes(at) : (await stat(at)).size;
      }
      return total;
    };
    assert.ok(await sizes(served) < 4_000_000, "the served tree grew past what was uploaded");
    assert.deepEqual(await readdir(`${base}/outside`), ["secret.txt"]);
    assert.equal(await readFile(`${base}/outside/secret.txt`, "utf8"), SECRET);
    for (const result of results) {
      assert.ok(!result.data.join("").includes(SECRET), "a secret read through a data connection");
      for (const reply of result.replies) {
        assert.ok(!reply.includes(base), `a local path in a reply: ${reply}`);
      }
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

Deno.test("FtpServer PORT/EPRT fuzz: only the client's own address is accepted (no FTP bounce)", async () => {
  const server = await FtpServer.start({ users: { alice: "secret" } });
  const control = await connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const reader = new BufferedReader(control, { maxLineBytes: 8192 });
    const send = async (line: string) => {
      await control.write(latin1Bytes(line + "\r\n"));
      return await readReply(reader);
    };
    assert.equal((await readReply(reader)).code, 220);
    await send("USER alice");
    assert.equal((await send("PASS secret")).code, 230);
    const samples = [
      "PORT 127,0,0,1,4,1",
      "PORT 10,0,0,1,0,21",
      "PORT 127,0,0,2,0,21",
      "EPRT |1|127.0.0.1|1025|",
      "EPRT |1|192.168.0.1|21|",
      "EPRT |2|::ffff:127.0.0.1|1025|",
      "EPRT |2|::1|21|",
      "EPRT |2|::ffff:10.0.0.1|21|",
    ];
    let accepted = 0;
    for (const { input } of fuzzInputs(3, 300, samples, 40)) {
      // One command per line: what the server reads is the input up to CR/LF.
      const line = input.split(/\r?\n/)[0]!;
      const space = line.indexOf(" ");
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
      const reply = await send(line);
      if (verb !== "PORT" && verb !== "EPRT") continue;
      const address = parsePortArgument(space === -1 ? "" : line.slice(space + 1));
      const own = address !== null &&
        address.host.replace(/^::ffff:(?=\d+\.)/i, "") === "127.0.0.1";
      if (reply.code < 300) accepted++;
      assert.equal(reply.code < 300, own, `${JSON.stringify(line)} got ${reply.code}`);
    }
    assert.ok(accepted > 0);
    assert.equal((await send("NOOP")).code, 200);
  } finally {
    control.close();
    await server.close();
  }
});
