/**
 * The fake peer's IKEv2 engine configuration from an `ike.version: 2` profile: its
 * ikev2_proposals and ikev2_esp_proposals in the engine's transform names, the PSK, and the one CHILD_SA's
 * traffic selectors (the profile's first, or the lab's subnets, as for IKEv1).
 */
import type { DhGroup } from '../crypto/dh-group.js';
import type { Random } from '../events.js';
import type { Ikev2EngineConfig, Ikev2EspProposal, Ikev2IkeProposal, Ikev2Selector } from '../ike/v2/ikev2-config.js';
import type { DeviceProfile, Ikev2EspProposalSpec, Ikev2Proposal } from '../profile/device-profile.js';
import { profileSelectors } from './engine-config.js';

const INTEGRITY = { 'hmac-sha1-96': 'hmac-sha1-96', 'hmac-sha2-256-128': 'hmac-sha256-128' } as const;
const PRF = { 'hmac-sha1': 'hmac-sha1', 'hmac-sha2-256': 'hmac-sha256' } as const;
// RFC 3526 group 14, RFC 5903 groups 19 and 20.
const GROUP: Record<Ikev2Proposal['group'][number], DhGroup> = { modp2048: 14, ecp256: 19, ecp384: 20 };
/** What the fake peer waits before retransmitting its own requests; short, so a lost request does not outlast a scenario. */
const PEER_RETRANSMIT_MS = [2000, 4000, 8000];

/** One engine proposal per combination: the engine offers single-transform proposals in preference order. */
function ikeProposals(p: Ikev2Proposal): Ikev2IkeProposal[] {
  const integrities = p.integrity.length > 0 ? p.integrity.map((i) => INTEGRITY[i]) : [undefined];
  return p.encryption.flatMap((encryption) => integrities.flatMap((integrity) => p.prf.flatMap((prf) => p.group.map((group) => ({
    encryption, ...(integrity ? { integrity } : {}), prf: PRF[prf], group: GROUP[group],
  })))));
}

function childProposals(p: Ikev2EspProposalSpec): Ikev2EspProposal[] {
  const integrities = p.integrity.length > 0 ? p.integrity.map((i) => INTEGRITY[i]) : [undefined];
  return p.encryption.flatMap((encryption) => integrities.map((integrity) => ({ encryption, ...(integrity ? { integrity } : {}) })));
}

const selector = (side: string): Ikev2Selector => ({ prefix: side });

/**
 * `liveness: 'owner'`: the DUT's liveness requests are held for the fake peer, which answers them
 * as its behaviour says (late, under another message ID, never); a peer that lost its state
 * answers with INVALID_IKE_SPI (RFC 7296 §2.21.4).
 */
export function ikev2EngineConfigFor(profile: DeviceProfile, random: Random): Ikev2EngineConfig {
  const psk = new TextEncoder().encode(profile.psk.reveal());
  const [ts] = profileSelectors(profile);
  return {
    random,
    psk: () => psk,
    proposals: profile.ike.ikev2Proposals.flatMap(ikeProposals),
    childProposals: profile.ike.ikev2EspProposals.flatMap(childProposals),
    // Host to host between the IKE endpoints when the profile names no networks.
    trafficSelectors: ts ? { local: selector(ts.local), remote: selector(ts.remote) } : { local: { prefix: '0.0.0.0/0' }, remote: { prefix: '0.0.0.0/0' } },
    retransmitMs: PEER_RETRANSMIT_MS,
    liveness: 'owner',
    answerUnknownSpi: true,
  };
}
