/**
 * What the fake peer offered, in the words a router's configuration uses, for
 * refusal messages: "aes-cbc-256/sha256/group 14", "10.2.0.0/16".
 */
import type { Identification } from '../wire/identification.js';
import type { EspProposal, Phase1Proposal } from './engine-config.js';

const cipherText = (cipher: string, keyLength: number): string => (cipher === 'aes-cbc' ? `aes-cbc-${keyLength * 8}` : cipher);

export function describePhase1Proposals(proposals: readonly Phase1Proposal[]): string {
  const each = proposals.map((p) => `${cipherText(p.cipher, p.keyLength)}/${p.hash}/group ${p.group}/lifetime ${p.lifetimeSeconds} s`);
  return `IKE proposal${each.length === 1 ? '' : 's'} ${each.join(', ')}`;
}

export function describeEspProposals(proposals: readonly EspProposal[]): string {
  const each = proposals.map((p) => `${cipherText(p.cipher, p.keyLength)}/${p.integrity}`);
  return `ESP proposal${each.length === 1 ? '' : 's'} ${each.join(', ')}`;
}

/** Prefix notation for an IPv4 subnet whose mask is contiguous (the only kind a profile can write). */
function maskBits(mask: string): number {
  return mask.split('.').reduce((bits, octet) => bits + (Number(octet).toString(2).match(/1/g)?.length ?? 0), 0);
}

export function describeIdentification(id: Identification): string {
  switch (id.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return id.address;
    case 'ipv4-subnet':
      return `${id.address}/${maskBits(id.mask)}`;
    case 'ipv6-subnet':
      return `${id.address} mask ${id.mask}`;
    case 'ipv4-range':
    case 'ipv6-range':
      return `${id.from}-${id.to}`;
    case 'fqdn':
    case 'user-fqdn':
      return id.name;
    default:
      return id.type;
  }
}
