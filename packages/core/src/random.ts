/**
 * A seeded PRNG returning floats in [0, 1): the same seed always gives the same sequence.
 * The seed is taken as an unsigned 32-bit integer. Not for cryptography.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32-style: a Weyl sequence step, then an xorshift-multiply finaliser.
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * A random id. Given `random`, a deterministic 16-hex-character id drawn from it (for seeded
 * tests); otherwise `crypto.randomUUID()`, or a UUID-shaped id from `Math.random` where that is
 * missing (insecure browser contexts, old runtimes).
 */
export function randomId(random?: () => number): string {
  if (random !== undefined) return hex(random, 16);
  const crypto = globalThis.crypto as Crypto | undefined;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const digits = hex(Math.random, 32);
  const variant = ((Number.parseInt(digits[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(13, 16)}-${variant}${digits.slice(17, 20)}-${digits.slice(20)}`;
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) {
    // `& 0xffff` keeps four digits even if a custom source returns exactly 1.
    out += (Math.floor(random() * 0x1_0000) & 0xffff).toString(16).padStart(4, '0');
  }
  return out.slice(0, length);
}
