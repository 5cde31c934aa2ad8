/**
 * `crypto ipsec transform-set NAME <transform>…` as the ESP proposals the fake peer
 * offers in Quick Mode. One transform set is one proposal: an ESP cipher and an
 * ESP integrity transform. Sets the fake peer cannot offer (the profile schema's
 * ESP ciphers are AES-CBC and 3DES with an HMAC) are left out with the reason.
 */
import type { EspProposalSpec } from '../profile/device-profile.js';
import type { TransformSet } from './ios-config.js';

const INTEGRITY: Record<string, EspProposalSpec['integrity']> = {
  'esp-md5-hmac': 'md5', 'esp-sha-hmac': 'sha1', 'esp-sha256-hmac': 'sha2-256', 'esp-sha384-hmac': 'sha2-384', 'esp-sha512-hmac': 'sha2-512',
};

export function espProposal(set: TransformSet): { proposal: EspProposalSpec } | { skipped: string } {
  let encryption: EspProposalSpec['encryption'] | undefined;
  let integrity: EspProposalSpec['integrity'] | undefined;
  const w = set.transforms;
  for (let i = 0; i < w.length; i++) {
    const t = w[i]!;
    if (t === 'esp-aes') {
      // esp-aes [128 | 192 | 256]: 128 when the key size is absent.
      const bits = w[i + 1] === '128' || w[i + 1] === '192' || w[i + 1] === '256' ? w[++i] : '128';
      encryption = `aes-${bits}` as EspProposalSpec['encryption'];
    } else if (t === 'esp-3des') encryption = '3des';
    else if (INTEGRITY[t]) integrity = INTEGRITY[t];
    else if (t === 'esp-des' || t === 'esp-null' || t === 'esp-seal') return { skipped: `${t} (the fake peer offers AES-CBC or 3DES)` };
    else if (t.startsWith('esp-gcm') || t.startsWith('esp-gmac')) return { skipped: `${t} (combined-mode ESP is not among the fake peer's ciphers)` };
    else if (t.startsWith('ah-')) return { skipped: `${t} (AH: the fake peer negotiates ESP only)` };
    else if (t.startsWith('comp-')) continue; // IPComp is negotiated beside ESP; declining it leaves the ESP proposal intact.
    else return { skipped: `unknown transform '${t}'` };
  }
  if (!encryption) return { skipped: 'no ESP cipher' };
  if (!integrity) return { skipped: 'no ESP integrity transform (the profile needs one)' };
  return { proposal: { encryption, integrity } };
}
