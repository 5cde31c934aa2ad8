/** Proposal payload (RFC 2408 §3.5): its transforms follow it, chained by next-payload 3. */
import { chainLength, payloadElement, readChain, toCodec, writeChain } from './codec.js';
import { PAYLOAD_TYPES } from './constants.js';
import { transform } from './transform.js';
import type { ProposalPayload } from './types.js';
import { putBytes, putU8 } from './wire-writer.js';

export const proposal = toCodec(
  payloadElement<ProposalPayload>('proposal', {
    bodyLength: (p) => 4 + p.spi.length + chainLength(p.transforms, transform),
    writeBody(p, buf, offset) {
      putU8(buf, offset, p.proposalNumber, 'proposal number');
      putU8(buf, offset + 1, p.protocolId, 'proposal protocol id');
      putU8(buf, offset + 2, p.spiSize ?? p.spi.length, 'proposal SPI size');
      putU8(buf, offset + 3, p.transformCount ?? p.transforms.length, 'proposal transform count');
      putBytes(buf, offset + 4, p.spi);
      writeChain(p.transforms, transform, (next) => (next ? PAYLOAD_TYPES.TRANSFORM : 0), buf, offset + 4 + p.spi.length);
    },
    readBody(r, offset, end) {
      const spiSize = r.u8(offset + 2, end, 'proposal SPI size');
      return {
        proposalNumber: r.u8(offset, end, 'proposal number'),
        protocolId: r.u8(offset + 1, end, 'proposal protocol id'),
        spiSize,
        transformCount: r.u8(offset + 3, end, 'proposal transform count'),
        spi: r.bytes(offset + 4, spiSize, end, 'proposal SPI'),
        transforms: readChain(r, transform, offset + 4 + spiSize, end, 'transform'),
      };
    },
  }),
);
