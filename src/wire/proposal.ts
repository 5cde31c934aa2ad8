/** Proposal payload (RFC 2408 §3.5): its transforms follow it, chained by next-payload 3; IKEv2's has the same layout. */
import { chainLength, payloadElement, readChain, toCodec, writeChain, type Codec, type Element } from './codec.js';
import { PAYLOAD_TYPES } from './constants.js';
import { transform } from './transform.js';
import type { PayloadOverrides, ProposalFields, TransformPayload } from './types.js';
import { putBytes, putU8 } from './wire-writer.js';

/** The proposal substructure around a transform codec; `moreTransforms` links each transform to the next. */
export function proposalCodec<T extends PayloadOverrides>(transformElement: Element<T>, moreTransforms: number): Codec<ProposalFields<T>> & Element<ProposalFields<T>> {
  return toCodec(
    payloadElement<ProposalFields<T>>('proposal', {
      bodyLength: (p) => 4 + p.spi.length + chainLength(p.transforms, transformElement),
      writeBody(p, buf, offset) {
        putU8(buf, offset, p.proposalNumber, 'proposal number');
        putU8(buf, offset + 1, p.protocolId, 'proposal protocol id');
        putU8(buf, offset + 2, p.spiSize ?? p.spi.length, 'proposal SPI size');
        putU8(buf, offset + 3, p.transformCount ?? p.transforms.length, 'proposal transform count');
        putBytes(buf, offset + 4, p.spi);
        writeChain(p.transforms, transformElement, (next) => (next ? moreTransforms : 0), buf, offset + 4 + p.spi.length);
      },
      readBody(r, offset, end) {
        const spiSize = r.u8(offset + 2, end, 'proposal SPI size');
        return {
          proposalNumber: r.u8(offset, end, 'proposal number'),
          protocolId: r.u8(offset + 1, end, 'proposal protocol id'),
          spiSize,
          transformCount: r.u8(offset + 3, end, 'proposal transform count'),
          spi: r.bytes(offset + 4, spiSize, end, 'proposal SPI'),
          transforms: readChain(r, transformElement, offset + 4 + spiSize, end, 'transform'),
        };
      },
    }),
  );
}

export const proposal = proposalCodec<TransformPayload>(transform, PAYLOAD_TYPES.TRANSFORM);
