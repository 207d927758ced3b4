// Copyright 2026 the portline authors. MIT license.
// A scripted hostile FTP server on loopback for the client fuzz and
// regression tests: fixed replies by command verb (fuzzed text included),
// passive data connections that carry the scripted data, plain success for
// everything else.
import { latin1Bytes } from "../_fuzz.ts";
import {
  BufferedReader,
  type Conn,
  listen,
  type Listener,
  memoryConn,
  readReply,
} from "../../protocols/_core/mod.ts";
import { FtpClient, parseEpsvReply, parsePasvReply } from "../../protocols/ftp/mod.ts";

/** What the hostile server says; everything else gets a plain success. */
export interface Script {
  /** Raw replies (CRLF included) by command verb. */
  replies?: Record<string, string>;
  /** The LIST/MLSD/RETR data. */
  data?: Uint8Array;
}

export const FEAT = "211-Features:\r\n SIZE\r\n MDTM\r\n211 End\r\n";

/**
 * Whether any reply in `raw` would send the client to a port other than the
 * test's own data port (the machine runs other servers: leave them alone).
 * It reads the replies with the core's reader, as the client does.
 */
async function pointsElsewhere(raw: string, dataPort: number): Promise<boolean> {
  const reader = new BufferedReader(memoryConn([latin1Bytes(raw)]), { maxLineBytes: 8192 });
  for (;;) {
    let text: string;
    try {
      text = (await readReply(reader, { maxLines: 10_000 })).lines.join(" ");
    } catch {
      return false;
    }
    for (const port of [parseEpsvReply(text), parsePasvReply(text)?.port]) {
      if (port != null && port !== dataPort) return true;
    }
  }
}

async function serveControl(conn: Conn, data: Listener, script: Script): Promise<void> {
  const reader = new BufferedReader(conn, { maxLineBytes: 8192 });
  const send = (raw: string) => conn.write(latin1Bytes(raw));
  const port = data.addr.port;
  const defaults: Record<string, string> = {
    USER: "331 password\r\n",
    PASS: "230 in\r\n",
    FEAT,
    PWD: '257 "/" is cwd\r\n',
    EPSV: `229 Entering Extended Passive Mode (|||${port}|)\r\n`,
    PASV: `227 Entering Passive Mode (127,0,0,1,${port >> 8},${port & 255})\r\n`,
    SIZE: "213 3\r\n",
    MDTM: "213 20240115103000\r\n",
    "150": "150 here it comes\r\n",
    "226": "226 done\r\n",
  };
  try {
    await send(script.replies?.["220"] ?? "220 hostile\r\n");
    for (;;) {
      const line = await reader.readLineOrNull();
      if (line === null) break;
      const verb = line.split(" ")[0]!.toUpperCase();
      if (verb === "QUIT") {
        await send("221 bye\r\n");
        break;
      }
      if (verb === "LIST" || verb === "MLSD" || verb === "RETR") {
        await send(script.replies?.["150"] ?? defaults["150"]!);
        // Passive mode: the client connected before it sent the command.
        const dataConn = await data.accept();
        if (dataConn) {
          await dataConn.write(script.data ?? new Uint8Array(0)).catch(() => {});
          dataConn.close();
        }
        await send(script.replies?.["226"] ?? defaults["226"]!);
        continue;
      }
      await send(script.replies?.[verb] ?? defaults[verb] ?? "200 ok\r\n");
    }
  } catch {
    // The client went away mid-write: nothing to do.
  } finally {
    conn.close();
  }
}

/**
 * Runs `fn` with a client logged in to a hostile server, then closes all.
 * Returns "skipped" (without running `fn`) when a scripted reply names a
 * port other than the server's data port.
 */
export async function withHostileServer(
  script: Script | ((dataPort: number) => Script),
  fn: (client: FtpClient) => Promise<void>,
  timeoutMs = 200,
): Promise<"ran" | "skipped"> {
  const control = await listen({ hostname: "127.0.0.1", port: 0 });
  const data = await listen({ hostname: "127.0.0.1", port: 0 });
  const resolved = typeof script === "function" ? script(data.addr.port) : script;
  const raws = Object.values(resolved.replies ?? {}).join("");
  if (await pointsElsewhere(raws, data.addr.port)) {
    control.close();
    data.close();
    return "skipped";
  }
  const served = (async () => {
    const conn = await control.accept();
    if (conn) await serveControl(conn, data, resolved);
  })();
  let client: FtpClient | undefined;
  try {
    client = await FtpClient.connect({
      hostname: "127.0.0.1",
      port: control.addr.port,
      user: "u",
      password: "p",
      timeoutMs,
    });
    await fn(client);
  } finally {
    client?.destroy();
    control.close();
    data.close();
    await served;
  }
  return "ran";
}
