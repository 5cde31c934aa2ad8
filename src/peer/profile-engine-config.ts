/**
 * The fake peer's engine configuration from a device profile: the profile's
 * IKE proposals (offered in order, accepted as responder), ESP with the same
 * cipher and integrity with and without PFS in the same group (the profile
 * names no ESP proposals, and a responder must take what the DUT offers:
 * Libreswan offers PFS by default, strongSwan does not), and the PSK.
 */
import type { DhGroup } from '../crypto/dh-group.js';
import type { HashAlgorithm } from '../crypto/hash-algorithm.js';
import type { Random } from '../events.js';
import type { EspProposal, IkeEngineConfig, Phase1Proposal } from '../ike/engine-config.js';
import type { DeviceProfile, IkeProposal } from '../profile/device-profile.js';

const CIPHERS: Record<IkeProposal['encryption'], Pick<Phase1Proposal, 'cipher' | 'keyLength'>> = {
  'aes-128': { cipher: 'aes-cbc', keyLength: 16 },
  'aes-192': { cipher: 'aes-cbc', keyLength: 24 },
  'aes-256': { cipher: 'aes-cbc', keyLength: 32 },
  '3des': { cipher: '3des-cbc', keyLength: 24 },
};

const HASHES: Record<IkeProposal['hash'], HashAlgorithm> = {
  md5: 'md5',
  sha1: 'sha1',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
};

// RFC 2409 §6.2 (group 2), RFC 3526 (5, 14, 15, 16).
const GROUPS: Record<IkeProposal['group'], DhGroup> = { modp1024: 2, modp1536: 5, modp2048: 14, modp3072: 15, modp4096: 16 };

export function engineConfigFromProfile(profile: DeviceProfile, random: Random): IkeEngineConfig {
  const proposals: Phase1Proposal[] = profile.ike.proposals.map((p) => ({
    ...CIPHERS[p.encryption],
    hash: HASHES[p.hash],
    group: GROUPS[p.group],
    lifetimeSeconds: profile.ike.lifetime.ike,
  }));
  const espProposals: EspProposal[] = proposals.flatMap((p) => {
    const esp: EspProposal = { cipher: p.cipher, keyLength: p.keyLength, integrity: p.hash, lifetimeSeconds: profile.ike.lifetime.ipsec };
    return [{ ...esp, pfsGroup: p.group }, esp];
  });
  const psk = new TextEncoder().encode(profile.psk.reveal());
  return { random, psk: () => psk, proposals, espProposals };
}
