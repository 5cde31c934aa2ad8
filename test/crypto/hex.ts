/** Hex helpers for the crypto tests: vectors are written as hex in their sources. */
export const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
