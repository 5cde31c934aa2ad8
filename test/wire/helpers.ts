/** Shared test helpers for the wire codec tests. */
import { expect } from 'chai';
import { WireError } from '../../src/errors.js';
import type { Codec } from '../../src/wire/index.js';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * decode(encode(x)) must equal `expected` (x with the computed fields filled
 * in), encodingLength must match the bytes, and re-encoding the decoded value
 * must give the same bytes.
 */
export function assertRoundTrip<T>(codec: Codec<T>, value: T, expected: T): Uint8Array {
  const bytes = codec.encode(value);
  expect(codec.encodingLength(value)).to.equal(bytes.length);
  const decoded = codec.decode(bytes);
  expect(decoded).to.deep.equal(expected);
  expect(toHex(codec.encode(decoded))).to.equal(toHex(bytes));
  return bytes;
}

/** Runs `fn`, expecting a WireError with `code` at byte `offset`. */
export function expectWireError(fn: () => unknown, code: string, offset: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a WireError').to.be.instanceOf(WireError);
  const err = caught as WireError;
  expect({ code: err.code, offset: err.offset }).to.deep.equal({ code, offset });
}
