/**
 * SA payload (RFC 2408 §3.4): DOI and situation, then proposals chained by
 * next-payload 2. The situation is read as the 4-byte IPsec DOI bitmap
 * (RFC 2407 §4.2); only SIT_IDENTITY_ONLY is used by the stacks we meet.
 */
import { chainLength, payloadElement, readChain, toCodec, writeChain } from './codec.js';
import { PAYLOAD_TYPES } from './constants.js';
import { proposal } from './proposal.js';
import type { SaPayload } from './types.js';
import { putU32 } from './wire-writer.js';

export const saPayload = toCodec(
  payloadElement<SaPayload>('SA', {
    bodyLength: (sa) => 8 + chainLength(sa.proposals, proposal),
    writeBody(sa, buf, offset) {
      putU32(buf, offset, sa.doi, 'SA DOI');
      putU32(buf, offset + 4, sa.situation, 'SA situation');
      writeChain(sa.proposals, proposal, (next) => (next ? PAYLOAD_TYPES.PROPOSAL : 0), buf, offset + 8);
    },
    readBody: (r, offset, end) => ({
      kind: 'sa' as const,
      doi: r.u32(offset, end, 'SA DOI'),
      situation: r.u32(offset + 4, end, 'SA situation'),
      proposals: readChain(r, proposal, offset + 8, end, 'proposal'),
    }),
  }),
);
