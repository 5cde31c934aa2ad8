/**
 * IKEv1 Diffie-Hellman groups: MODP 2 (RFC 2409 §6.2), 5, 14, 15, 16 (RFC 3526) and
 * ECP 19, 20 (RFC 5903). Private keys are drawn from the injected Random so a seeded
 * run reproduces every KE payload.
 */
import { createDiffieHellman, createECDH, getDiffieHellman, type DiffieHellman, type ECDH } from 'node:crypto';
import type { Random } from '../events.js';
import { CryptoError } from '../errors.js';
import { asBytes, leftPad } from './bytes.js';

export type DhGroup = 2 | 5 | 14 | 15 | 16 | 19 | 20;

export interface DhKeyPair {
  group: DhGroup;
  /** Left-padded to dhPublicLength(group); ECP is x‖y without the 0x04 prefix (RFC 5903 §7). */
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

type GroupSpec =
  | { kind: 'modp'; nodeName: string; length: number; privateLength: number }
  | { kind: 'ecp'; curve: string; length: number };

/**
 * MODP private exponents are shorter than the modulus, as RFC 3526 §8 allows: its table's
 * upper exponent size for each group (240/320/420/480 bits); group 2 gets 256 bits.
 * Full-length exponents would only make handshakes slower.
 */
const GROUPS: Record<DhGroup, GroupSpec> = {
  2: { kind: 'modp', nodeName: 'modp2', length: 128, privateLength: 32 },
  5: { kind: 'modp', nodeName: 'modp5', length: 192, privateLength: 30 },
  14: { kind: 'modp', nodeName: 'modp14', length: 256, privateLength: 40 },
  15: { kind: 'modp', nodeName: 'modp15', length: 384, privateLength: 53 },
  16: { kind: 'modp', nodeName: 'modp16', length: 512, privateLength: 60 },
  // RFC 5903 §3: the public value is the point's x‖y, each coordinate the field size.
  19: { kind: 'ecp', curve: 'prime256v1', length: 64 },
  20: { kind: 'ecp', curve: 'secp384r1', length: 96 },
};

/** A seeded Random may hand out an unusable key (zero, or ≥ the curve order); redraw a few times. */
const PRIVATE_KEY_ATTEMPTS = 4;

/** Per MODP group: p, and p-1 as big-endian bytes of the modulus length (the bound of the range check). */
const primes = new Map<DhGroup, { p: Buffer; pMinus1: Uint8Array }>();

/**
 * The Node object that made each pair, kept so the shared secret reuses it instead of
 * building a second one from the private key. A WeakMap rather than a field: the pair
 * stays plain bytes (comparable, printable), and a pair rebuilt from its bytes alone
 * still works, through the slower path.
 */
const agreements = new WeakMap<DhKeyPair, DiffieHellman | ECDH>();

function spec(group: DhGroup): GroupSpec {
  if (!Object.hasOwn(GROUPS, group)) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported DH group ${String(group)}`);
  }
  return GROUPS[group];
}

function prime(group: DhGroup, nodeName: string): { p: Buffer; pMinus1: Uint8Array } {
  let known = primes.get(group);
  if (known === undefined) {
    const p = getDiffieHellman(nodeName).getPrime();
    const pMinus1 = Uint8Array.from(p);
    // p is odd, so p-1 only clears the last bit.
    pMinus1[pMinus1.length - 1] &= 0xfe;
    known = { p, pMinus1 };
    primes.set(group, known);
  }
  return known;
}

/** Big-endian comparison of two values of the same length. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** y ≤ 1: every byte zero but the last, and that one 0 or 1. */
function atMostOne(y: Uint8Array): boolean {
  for (let i = 0; i < y.length - 1; i++) if (y[i] !== 0) return false;
  return y[y.length - 1] < 2;
}

export function dhPublicLength(group: DhGroup): number {
  return spec(group).length;
}

function modp(group: DhGroup, nodeName: string, privateKey: Uint8Array) {
  // Generator 2 for every MODP group (RFC 2409 §6.2, RFC 3526 §2–§5).
  const dh = createDiffieHellman(prime(group, nodeName).p, 2);
  dh.setPrivateKey(privateKey);
  return dh;
}

function ecdh(curve: string, privateKey: Uint8Array) {
  const ec = createECDH(curve);
  try {
    ec.setPrivateKey(privateKey);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `not a valid ${curve} private key`, { cause });
  }
  return ec;
}

export function createDhKeyPair(group: DhGroup, random: Random): DhKeyPair {
  const s = spec(group);
  for (let attempt = 0; attempt < PRIVATE_KEY_ATTEMPTS; attempt++) {
    if (s.kind === 'modp') {
      const privateKey = random.bytes(s.privateLength);
      // x = 0 or 1 gives the public value 1 or g, which any peer rejects.
      if (atMostOne(privateKey)) continue;
      const dh = modp(group, s.nodeName, privateKey);
      const pair = { group, publicKey: leftPad(dh.generateKeys(), s.length), privateKey };
      agreements.set(pair, dh);
      return pair;
    }
    const privateKey = random.bytes(s.length / 2);
    let ec;
    try {
      ec = ecdh(s.curve, privateKey);
    } catch {
      continue;
    }
    // Drop the 0x04 uncompressed-point prefix (RFC 5903 §7).
    const pair = { group, publicKey: asBytes(ec.getPublicKey().subarray(1)), privateKey };
    agreements.set(pair, ec);
    return pair;
  }
  throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `random source gave no usable group ${group} private key in ${PRIVATE_KEY_ATTEMPTS} draws`);
}

/** g^xy: MODP left-padded to the modulus length (RFC 2409 §5); ECP the x coordinate (RFC 5903 §9). */
export function dhSharedSecret(pair: DhKeyPair, peerPublic: Uint8Array): Uint8Array {
  const s = spec(pair.group);
  if (peerPublic.length !== s.length) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `group ${pair.group} public value of ${peerPublic.length} bytes (must be ${s.length})`);
  }
  if (s.kind === 'modp') {
    const { pMinus1 } = prime(pair.group, s.nodeName);
    // Reject the small-subgroup values 0, 1 and p-1, and anything ≥ p (NIST SP 800-56A §5.6.2.3.1).
    if (atMostOne(peerPublic) || compareBytes(peerPublic, pMinus1) >= 0) {
      throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `group ${pair.group} public value out of range (1 < y < p-1)`);
    }
    const dh = (agreements.get(pair) as DiffieHellman | undefined) ?? modp(pair.group, s.nodeName, pair.privateKey);
    return leftPad(dh.computeSecret(peerPublic), s.length);
  }
  const ec = (agreements.get(pair) as ECDH | undefined) ?? ecdh(s.curve, pair.privateKey);
  const point = new Uint8Array(1 + peerPublic.length);
  point[0] = 0x04;
  point.set(peerPublic, 1);
  try {
    return leftPad(ec.computeSecret(point), s.length / 2);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_INPUT', `group ${pair.group} public value is not a point on ${s.curve}`, { cause });
  }
}
