/**
 * A fingerprint of what a profile asks of the DUT, so two runs can tell whether
 * they tested against the same expectations. It hashes the loaded profile
 * (defaults filled in, so two spellings of one profile agree), never the file
 * bytes, and leaves out the PSK and the file path: rotating a key or moving a
 * file does not change what the run means, and no secret reaches a report. The
 * fake peer's own settings (`peer`, e.g. socket buffers) are left out for the same reason.
 */
import { createHash } from 'node:crypto';
import type { DeviceProfile } from './device-profile.js';

/** JSON with object keys sorted at every level, keys in `omit` left out at every level: one text per value. */
export function canonicalJson(value: unknown, omit: ReadonlySet<string> = new Set()): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, omit)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !omit.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, omit)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The PSK sits at the top (`psk`) and again in a lab spec (`target.lab.psk`). */
const LEFT_OUT = new Set(['psk', 'file']);

/** `sha256:<hex>` of the profile's canonical content without any `psk`, the file path and the fake peer's settings. */
export function profileHash(profile: DeviceProfile): string {
  const { peer: _fakePeerSettings, ...askedOfDut } = profile;
  return `sha256:${createHash('sha256').update(canonicalJson(askedOfDut, LEFT_OUT)).digest('hex')}`;
}
