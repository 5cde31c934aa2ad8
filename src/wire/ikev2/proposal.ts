/** IKEv2 proposal substructure (RFC 7296 §3.3.1): transforms follow, chained by Last Substruc 3. */
import { chainLength, payloadElement, readChain, toCodec, writeChain } from '../codec.js';
import { putBytes, putU8 } from '../wire-writer.js';
import { ikev2Transform } from './transform.js';
import type { Ikev2Proposal } from './types.js';

/** RFC 7296 §3.3.1/§3.3.2: "Last Substruc" is 0 for the last, 2 before another proposal, 3 before another transform. */
export const MORE_PROPOSALS = 2;
export const MORE_TRANSFORMS = 3;

export const ikev2Proposal = toCodec(
  payloadElement<Ikev2Proposal>('proposal', {
    bodyLength: (p) => 4 + p.spi.length + chainLength(p.transforms, ikev2Transform),
    writeBody(p, buf, offset) {
      putU8(buf, offset, p.proposalNumber, 'proposal number');
      putU8(buf, offset + 1, p.protocolId, 'proposal protocol id');
      putU8(buf, offset + 2, p.spiSize ?? p.spi.length, 'proposal SPI size');
      putU8(buf, offset + 3, p.transformCount ?? p.transforms.length, 'proposal transform count');
      putBytes(buf, offset + 4, p.spi);
      writeChain(p.transforms, ikev2Transform, (next) => (next ? MORE_TRANSFORMS : 0), buf, offset + 4 + p.spi.length);
    },
    readBody(r, offset, end) {
      const spiSize = r.u8(offset + 2, end, 'proposal SPI size');
      return {
        proposalNumber: r.u8(offset, end, 'proposal number'),
        protocolId: r.u8(offset + 1, end, 'proposal protocol id'),
        spiSize,
        transformCount: r.u8(offset + 3, end, 'proposal transform count'),
        spi: r.bytes(offset + 4, spiSize, end, 'proposal SPI'),
        transforms: readChain(r, ikev2Transform, offset + 4 + spiSize, end, 'transform'),
      };
    },
  }),
);
