/**
 * A UUID derived from a stable key (name-based, SHA-1, like RFC 9562 v5), so recomputing the same facts gives
 * the same gap and reminder ids and writes become idempotent.
 *
 * SHA-1 is computed here rather than with node:crypto: the keys are short (one or two 64-byte blocks) and a
 * recompute hashes a dozen per student, where crossing into native code and allocating Buffers cost more
 * than the hashing. stable-id.spec.ts checks it against node:crypto.
 */
export function stableId(key: string): string {
  sha1(utf8(key));
  const version = (DIGEST[1] & 0xffff0fff) | 0x00005000; // byte 6: version 5
  const variant = (DIGEST[2] & 0x3fffffff) | 0x80000000; // byte 8: RFC 4122 variant
  return `${hex(DIGEST[0])}-${hex16(version >>> 16)}-${hex16(version)}-${hex16(variant >>> 16)}-${hex16(variant)}${hex(DIGEST[3])}`;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hex16 = (half: number) => BYTE_HEX[(half >>> 8) & 0xff] + BYTE_HEX[half & 0xff];
const hex = (word: number) => hex16(word >>> 16) + hex16(word);

let buffer = new Uint8Array(256);

/**
 * Puts the key's UTF-8 bytes at the start of `buffer` (reused between calls, with room for SHA-1's padding)
 * and returns their number; ASCII without a detour through TextEncoder.
 */
function utf8(key: string): number {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) > 0x7f) {
      const bytes = new TextEncoder().encode(key);
      if (buffer.length < bytes.length + 72) buffer = new Uint8Array(bytes.length * 2 + 72);
      buffer.set(bytes);
      return bytes.length;
    }
  }
  if (buffer.length < key.length + 72) buffer = new Uint8Array(key.length * 2 + 72);
  for (let i = 0; i < key.length; i++) buffer[i] = key.charCodeAt(i);
  return key.length;
}

const W = new Int32Array(80);
/** The last digest's five 32-bit words (no array per call). */
const DIGEST = new Int32Array(5);

/** SHA-1 (FIPS 180-4) of the first `length` bytes of `buffer`, into DIGEST; pads `buffer` in place. */
function sha1(length: number): void {
  const padded = Math.ceil((length + 9) / 64) * 64;
  const bytes = buffer;
  bytes[length] = 0x80; // padding: a 1 bit, zeros, then the length in bits (below)
  bytes.fill(0, length + 1, padded);
  const bits = length * 8;
  // Plain locals, not destructured arrays: an array per block (and per digest) was 40 % of the hashing time.
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let offset = 0; offset < padded; offset += 64) {
    for (let t = 0, i = offset; t < 16; t++, i += 4) {
      W[t] = (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    }
    if (offset === padded - 64) {
      W[14] = Math.floor(bits / 0x100000000);
      W[15] = bits | 0;
    }
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
      W[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // The four rounds of 20 steps, each its own loop (no per-step branch on the round).
    for (let t = 0; t < 20; t++) {
      const next = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + W[t] + 0x5a827999) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 20; t < 40; t++) {
      const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + W[t] + 0x6ed9eba1) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 40; t < 60; t++) {
      const next = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + W[t] + 0x8f1bbcdc) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 60; t < 80; t++) {
      const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + W[t] + 0xca62c1d6) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  DIGEST[0] = h0;
  DIGEST[1] = h1;
  DIGEST[2] = h2;
  DIGEST[3] = h3;
  DIGEST[4] = h4;
}
