/**
 * A UUID derived from a stable key (name-based, SHA-1, like RFC 9562 v5), so recomputing the same facts gives
 * the same gap and reminder ids and writes become idempotent.
 *
 * SHA-1 is computed here rather than with node:crypto: the keys are short (one or two 64-byte blocks) and a
 * recompute hashes a dozen per student, where crossing into native code and allocating Buffers cost more
 * than the hashing. stable-id.spec.ts checks it against node:crypto.
 */
export function stableId(key: string): string {
  const [h0, h1, h2, h3] = sha1(utf8(key));
  const version = (h1 & 0xffff0fff) | 0x00005000; // byte 6: version 5
  const variant = (h2 & 0x3fffffff) | 0x80000000; // byte 8: RFC 4122 variant
  const hex1 = hex8(version);
  const hex2 = hex8(variant);
  return `${hex8(h0)}-${hex1.slice(0, 4)}-${hex1.slice(4)}-${hex2.slice(0, 4)}-${hex2.slice(4)}${hex8(h3)}`;
}

const hex8 = (word: number) => (word >>> 0).toString(16).padStart(8, '0');

/** The key's UTF-8 bytes, ASCII without a detour through Buffer. */
function utf8(key: string): Uint8Array {
  const bytes = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return new TextEncoder().encode(key);
    bytes[i] = code;
  }
  return bytes;
}

const W = new Int32Array(80);

/** SHA-1 (FIPS 180-4) of `message`: the five 32-bit words of the digest. */
function sha1(message: Uint8Array): [number, number, number, number, number] {
  const blocks = Math.ceil((message.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);

  let [h0, h1, h2, h3, h4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let t = 0; t < 16; t++) W[t] = view.getInt32(offset + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
      W[t] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = [h0, h1, h2, h3, h4];
    for (let t = 0; t < 80; t++) {
      const f =
        t < 20
          ? ((b & c) | (~b & d)) + 0x5a827999
          : t < 40
            ? (b ^ c ^ d) + 0x6ed9eba1
            : t < 60
              ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
              : (b ^ c ^ d) + 0xca62c1d6;
      const next = (((a << 5) | (a >>> 27)) + f + e + W[t]) | 0;
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
  return [h0, h1, h2, h3, h4];
}
