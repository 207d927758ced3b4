// Copyright 2026 the portline authors. MIT license.
/**
 * HTTP authentication (pure): challenge parsing (RFC 9110 §11), Basic
 * (RFC 7617) and Digest (RFC 7616: MD5, SHA-256, SHA-512-256, their -sess
 * variants, qop=auth, userhash).
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";

/** One challenge from `WWW-Authenticate` or `Proxy-Authenticate`. */
export interface HttpAuthChallenge {
  /** The scheme in lower case (`basic`, `digest`, `bearer`…). */
  scheme: string;
  /** The auth-params, names in lower case, quoted strings unescaped. */
  params: Record<string, string>;
  /** The token68 form, when the challenge used it. */
  token68?: string;
}

/** Credentials for Basic and Digest. */
export interface HttpCredentials {
  /** The user name. */
  username: string;
  /** The password. */
  password: string;
}

const TOKEN_CHARS = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses challenges; one header value may hold several, separated by commas
 * that also separate their parameters.
 *
 * @example Usage
 * ```ts
 * import { parseHttpAuthChallenges } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const [digest, basic] = parseHttpAuthChallenges(
 *   'Digest realm="a, b", nonce="n", qop="auth", Basic realm="x"',
 * );
 * assert.equal(digest!.params.realm, "a, b");
 * assert.equal(basic!.scheme, "basic");
 * ```
 *
 * @param value The header value(s), joined with commas.
 * @returns The challenges in order; malformed tails are ignored.
 */
export function parseHttpAuthChallenges(value: string): HttpAuthChallenge[] {
  const out: HttpAuthChallenge[] = [];
  let i = 0;
  const n = value.length;
  const skipWs = () => {
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && TOKEN_CHARS.test(value[i]!)) i++;
    return value.slice(start, i);
  };
  let current: HttpAuthChallenge | undefined;
  while (i < n) {
    skipWs();
    if (value[i] === ",") {
      i++;
      continue;
    }
    const start = i;
    const word = token();
    if (word.length === 0) {
      i++;
      continue;
    }
    skipWs();
    if (value[i] === "=" && current) {
      // auth-param, or a token68 ending with '='.
      const save = i;
      i++;
      skipWs();
      let paramValue: string;
      if (value[i] === '"') {
        i++;
        let text = "";
        while (i < n && value[i] !== '"') {
          if (value[i] === "\\" && i + 1 < n) i++;
          text += value[i];
          i++;
        }
        i++;
        paramValue = text;
      } else {
        const vStart = i;
        while (i < n && value[i] !== "," && value[i] !== " " && value[i] !== "\t") i++;
        paramValue = value.slice(vStart, i);
        if (paramValue.length === 0 || paramValue.startsWith("=")) {
          // token68 like "abc==".
          i = save;
          while (i < n && value[i] === "=") i++;
          current.token68 = value.slice(start, i);
          continue;
        }
      }
      // Defined, not assigned: a parameter named __proto__ stays a
      // parameter under Node (an assignment would hit the accessor).
      Object.defineProperty(current.params, word.toLowerCase(), {
        value: paramValue,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    // A new challenge: scheme, then maybe a token68.
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
    const afterScheme = i;
    const t68Start = i;
    while (i < n && /[A-Za-z0-9\-._~+/]/.test(value[i]!)) i++;
    if (i > t68Start) {
      let j = i;
      while (j < n && value[j] === "=") j++;
      let k = j;
      while (k < n && (value[k] === " " || value[k] === "\t")) k++;
      if (k >= n || value[k] === ",") {
        current.token68 = value.slice(t68Start, j);
        i = j;
        continue;
      }
      i = afterScheme;
    }
  }
  return out;
}

/**
 * Builds a Basic `Authorization` value (UTF-8 credentials, RFC 7617).
 *
 * @example Usage
 * ```ts
 * import { httpBasicAuthorization } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * assert.equal(httpBasicAuthorization({ username: "Aladdin", password: "open sesame" }),
 *   "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
 * ```
 *
 * @param credentials User name and password.
 * @returns The header value.
 */
export function httpBasicAuthorization(credentials: HttpCredentials): string {
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

// A Map, not an object literal: the algorithm comes from the server, and
// `"constructor" in {...}` is true (createHash(Object) threw a TypeError).
const DIGEST_HASHES = new Map<string, string>([
  ["md5", "md5"],
  ["sha-256", "sha256"],
  ["sha-512-256", "sha512-256"],
]);

/**
 * The qop to answer a Digest challenge with: `"auth"` when offered (or
 * `null` when the challenge has no qop, RFC 2069 style), `"auth-int"` when it
 * is the only one and the body is known, `undefined` when it cannot be
 * answered (unknown algorithm or qop, or auth-int over a streamed body).
 */
function digestQop(
  challenge: HttpAuthChallenge,
  bodyKnown: boolean,
): "auth" | "auth-int" | null | undefined {
  const algorithm = (challenge.params.algorithm ?? "MD5").toLowerCase().replace(/-sess$/, "");
  if (!DIGEST_HASHES.has(algorithm) || challenge.params.nonce === undefined) return undefined;
  const qop = challenge.params.qop;
  if (qop === undefined) return null;
  const offered = qop.split(",").map((q) => q.trim().toLowerCase());
  if (offered.includes("auth")) return "auth";
  if (offered.includes("auth-int") && bodyKnown) return "auth-int";
  return undefined;
}

/**
 * Picks the strongest challenge this client can answer: Digest SHA-512-256,
 * SHA-256, MD5, then Basic. A Digest challenge offering only
 * `qop="auth-int"` counts when the request body is known (`bodyKnown`, the
 * default: no body, or one held in memory), since its hash covers the body.
 *
 * @example Usage
 * ```ts
 * import { chooseHttpAuthChallenge, parseHttpAuthChallenges } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const chosen = chooseHttpAuthChallenge(parseHttpAuthChallenges(
 *   'Basic realm="r", Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"',
 * ));
 * assert.equal(chosen?.scheme, "digest");
 * ```
 *
 * @param challenges The parsed challenges.
 * @param bodyKnown Whether the request body's bytes are at hand (for auth-int).
 * @returns The challenge to answer, or `undefined`.
 */
export function chooseHttpAuthChallenge(
  challenges: readonly HttpAuthChallenge[],
  bodyKnown = true,
): HttpAuthChallenge | undefined {
  const rank = (c: HttpAuthChallenge): number => {
    if (c.scheme === "basic") return 1;
    if (c.scheme !== "digest" || digestQop(c, bodyKnown) === undefined) return 0;
    const algorithm = (c.params.algorithm ?? "MD5").toLowerCase().replace(/-sess$/, "");
    return algorithm === "sha-512-256" ? 4 : algorithm === "sha-256" ? 3 : 2;
  };
  let best: HttpAuthChallenge | undefined;
  for (const c of challenges) {
    if (rank(c) > 0 && (best === undefined || rank(c) > rank(best))) best = c;
  }
  return best;
}

/** What a Digest response is computed over. */
export interface HttpDigestRequest extends HttpCredentials {
  /** The request method. */
  method: string;
  /** The request target as sent (`/path?query`). */
  uri: string;
  /** The client nonce; random by default. */
  cnonce?: string;
  /**
   * The nonce count.
   *
   * @default {1}
   */
  nc?: number;
  /**
   * The request body, for `qop="auth-int"` (whose hash covers it); absent
   * means an empty body.
   */
  body?: Uint8Array;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, "\\$&")}"`;
}

const utf8Encoder = new TextEncoder();

/** RFC 8187 value characters (attr-char); every other byte is %XX. */
const ATTR_CHAR = /[!#$&+\-.^_`|~0-9A-Za-z]/;

/** Bytes as an RFC 8187 ext-value's percent-encoded part. */
function extValue(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Answers a Digest challenge (RFC 7616 §3.4).
 *
 * @example RFC 7616 §3.9.1 (SHA-256)
 * ```ts
 * import { httpDigestAuthorization, parseHttpAuthChallenges } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const [challenge] = parseHttpAuthChallenges(
 *   'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
 *     'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
 *     'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
 * );
 * const value = httpDigestAuthorization(challenge!, {
 *   username: "Mufasa",
 *   password: "Circle of Life",
 *   method: "GET",
 *   uri: "/dir/index.html",
 *   cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
 * });
 * assert.match(value, /response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"/);
 * ```
 *
 * @param challenge A Digest challenge.
 * @param request Credentials, method, URI, and optionally cnonce and nc.
 * @returns The `Authorization` value.
 * @throws {TypeError} When the algorithm or qop is not supported.
 */
export function httpDigestAuthorization(
  challenge: HttpAuthChallenge,
  request: HttpDigestRequest,
): string {
  const p = challenge.params;
  const algorithmName = p.algorithm ?? "MD5";
  const lowerAlgorithm = algorithmName.toLowerCase();
  const sess = lowerAlgorithm.endsWith("-sess");
  const hashName = DIGEST_HASHES.get(sess ? lowerAlgorithm.slice(0, -5) : lowerAlgorithm);
  const qop = digestQop(challenge, true);
  if (hashName === undefined || qop === undefined) {
    throw new TypeError(
      `Cannot answer Digest challenge: unsupported algorithm ${algorithmName} or qop ${p.qop}`,
    );
  }
  // Hashed as bytes: the challenge's values (realm, nonce) are header text,
  // one character per byte as received, so they go in as those bytes; the
  // caller's username and password as UTF-8 (RFC 7616 §3.4.4).
  const h = (...parts: (string | Uint8Array)[]) => {
    const hash = createHash(hashName);
    for (const part of parts) {
      if (typeof part === "string") hash.update(part, "latin1");
      else hash.update(part);
    }
    return hash.digest("hex");
  };
  const user = utf8Encoder.encode(request.username);
  const realm = p.realm ?? "";
  const nonce = p.nonce!;
  const cnonce = request.cnonce ?? randomBytes(16).toString("hex");
  const nc = (request.nc ?? 1).toString(16).padStart(8, "0");
  const userhash = p.userhash?.toLowerCase() === "true";
  let ha1 = h(user, `:${realm}:`, utf8Encoder.encode(request.password));
  if (sess) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  // RFC 7616 §3.4.3: auth-int adds the hash of the entity body to A2.
  const ha2 = qop === "auth-int"
    ? h(
      `${request.method}:${request.uri}:${
        createHash(hashName).update(request.body ?? new Uint8Array()).digest("hex")
      }`,
    )
    : h(`${request.method}:${request.uri}`);
  const response = qop
    ? h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(`${ha1}:${nonce}:${ha2}`);
  // A name that is not printable ASCII cannot stand in a quoted string:
  // hashed (userhash) or sent as username* (RFC 8187 UTF-8 ext-value).
  const fields = [
    userhash
      ? `username=${quote(h(user, `:${realm}`))}`
      : /^[\x20-\x7e]*$/.test(request.username)
      ? `username=${quote(request.username)}`
      : `username*=UTF-8''${extValue(user)}`,
    `realm=${quote(realm)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${algorithmName}`,
    `nonce=${quote(nonce)}`,
  ];
  if (qop) fields.push(`nc=${nc}`, `cnonce=${quote(cnonce)}`, `qop=${qop}`);
  fields.push(`response=${quote(response)}`);
  if (p.opaque !== undefined) fields.push(`opaque=${quote(p.opaque)}`);
  if (userhash) fields.push("userhash=true");
  return `Digest ${fields.join(", ")}`;
}

/**
 * Answers a challenge with the chosen scheme.
 *
 * @example Usage
 * ```ts
 * import { httpAuthorization, parseHttpAuthChallenges } from "@portline/portline/http";
 * import assert from "node:assert/strict";
 *
 * const [basic] = parseHttpAuthChallenges('Basic realm="r"');
 * const value = httpAuthorization(basic!, { username: "u", password: "p", method: "GET", uri: "/" });
 * assert.equal(value, "Basic dTpw");
 * ```
 *
 * @param challenge A Basic or Digest challenge.
 * @param request Credentials, method and URI.
 * @returns The `Authorization` value.
 */
export function httpAuthorization(
  challenge: HttpAuthChallenge,
  request: HttpDigestRequest,
): string {
  return challenge.scheme === "digest"
    ? httpDigestAuthorization(challenge, request)
    : httpBasicAuthorization(request);
}
