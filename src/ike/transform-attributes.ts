/**
 * Reading the algorithms out of a transform's attributes, the same way for
 * phase 1 (RFC 2409 App. A) and ESP (RFC 2407 §4.5): only the attribute
 * numbers differ.
 */
import type { CipherAlgorithm } from '../crypto/cbc-cipher.js';
import { LIFE_TYPES } from '../wire/constants.js';
import type { TransformPayload } from '../wire/types.js';

/**
 * The transform's attribute of a type as a number; absent, or too long to be
 * one of the numbers negotiated here, reads as undefined.
 */
export function attributeReader(t: TransformPayload): (type: number) => number | undefined {
  return (type) => {
    const attr = t.attributes.find((a) => a.type === type);
    if (!attr) return undefined;
    if (typeof attr.value === 'number') return attr.value;
    if (attr.value.length > 6) return undefined;
    return attr.value.reduce((n, b) => n * 256 + b, 0);
  };
}

/** The name a table of assigned numbers gives `value`. */
export function nameOf<K extends string>(table: Record<K, number>, value: number | undefined): K | undefined {
  return (Object.keys(table) as K[]).find((k) => table[k] === value);
}

/** Key length in bytes: 3DES has one; AES says it in bits, and means 128 when it does not. */
export function cipherKeyLength(cipher: CipherAlgorithm, bits: number | undefined): number {
  return cipher === '3des-cbc' ? 24 : bits === undefined ? 16 : bits / 8;
}

/** RFC 2407 §4.5: 28800 s unless a lifetime in seconds is given; phase 1 takes the same default. */
export function lifetimeSeconds(lifeType: number | undefined, duration: number | undefined): number {
  return lifeType === LIFE_TYPES.SECONDS ? (duration ?? 28800) : 28800;
}
