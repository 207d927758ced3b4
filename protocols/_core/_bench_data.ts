// Copyright 2026 the portline authors. MIT license.
// Input for the line-reader benchmarks: CRLF lines of mixed lengths (average
// about 80 bytes, printable ASCII with some UTF-8), cut into 64 KiB chunks.

/** The chunk size the reader is fed with, as a socket would. */
export const CHUNK_SIZE = 64 * 1024;

/**
 * Builds `totalBytes` of CRLF lines, cut into 64 KiB chunks.
 *
 * @param totalBytes How much data (64 MiB in the benchmarks).
 * @returns The chunks and the number of lines.
 */
export function makeLineData(totalBytes: number): { chunks: Uint8Array[]; lines: number } {
  const all = new Uint8Array(totalBytes);
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_";
  const utf8 = new TextEncoder().encode("ü€");
  let at = 0;
  let lines = 0;
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  while (at < totalBytes - 200) {
    // Lengths 0..158, mean ~79 bytes of content + CRLF.
    const length = Math.floor(random() * 159);
    for (let i = 0; i < length; i++) {
      all[at++] = alphabet.charCodeAt(Math.floor(random() * alphabet.length));
    }
    if (lines % 16 === 0) {
      all.set(utf8, at);
      at += utf8.byteLength;
    }
    all[at++] = 13;
    all[at++] = 10;
    lines++;
  }
  const data = all.subarray(0, at);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.byteLength; i += CHUNK_SIZE) {
    chunks.push(data.subarray(i, i + CHUNK_SIZE));
  }
  return { chunks, lines };
}
