/**
 * One traffic selector (RFC 7296 §3.13.1): type, IP protocol, selector length,
 * port range, address range. The address width follows the type; an unknown
 * type keeps whatever bytes its length announces, split in two halves.
 */
import { WireError } from '../../errors.js';
import { toCodec } from '../codec.js';
import { putBytes, putU16, putU8 } from '../wire-writer.js';
import { TS_TYPES } from './constants.js';
import type { TrafficSelector } from './types.js';

const FIXED = 8;

function addressWidth(tsType: number): number | undefined {
  if (tsType === TS_TYPES.TS_IPV4_ADDR_RANGE) return 4;
  if (tsType === TS_TYPES.TS_IPV6_ADDR_RANGE) return 16;
  return undefined;
}

export const trafficSelector = toCodec<TrafficSelector>({
  length: (ts) => FIXED + ts.startAddress.length + ts.endAddress.length,
  write(ts, buf, offset) {
    const width = addressWidth(ts.tsType);
    if (width !== undefined && (ts.startAddress.length !== width || ts.endAddress.length !== width)) {
      throw new WireError('ERR_WIRE_BAD_VALUE', offset + FIXED, `TS type ${ts.tsType} addresses must be ${width} bytes, got ${ts.startAddress.length} and ${ts.endAddress.length}`);
    }
    const length = FIXED + ts.startAddress.length + ts.endAddress.length;
    putU8(buf, offset, ts.tsType, 'TS type');
    putU8(buf, offset + 1, ts.ipProtocol, 'TS IP protocol');
    putU16(buf, offset + 2, ts.length ?? length, 'TS selector length');
    putU16(buf, offset + 4, ts.startPort, 'TS start port');
    putU16(buf, offset + 6, ts.endPort, 'TS end port');
    putBytes(buf, offset + FIXED, ts.startAddress);
    putBytes(buf, offset + FIXED + ts.startAddress.length, ts.endAddress);
    return offset + length;
  },
  read(r, offset, end) {
    const tsType = r.u8(offset, end, 'TS type');
    const length = r.u16(offset + 2, end, 'TS selector length');
    if (offset + length > end) r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `TS selector length ${length} runs past its payload`);
    const width = addressWidth(tsType);
    if (width === undefined ? length < FIXED || (length - FIXED) % 2 !== 0 : length !== FIXED + 2 * width) {
      r.fail('ERR_WIRE_BAD_LENGTH', offset + 2, `TS selector length ${length} does not fit type ${tsType}`);
    }
    const half = (length - FIXED) / 2;
    return {
      tsType,
      ipProtocol: r.u8(offset + 1, end, 'TS IP protocol'),
      length,
      startPort: r.u16(offset + 4, end, 'TS start port'),
      endPort: r.u16(offset + 6, end, 'TS end port'),
      startAddress: r.bytes(offset + FIXED, half, end, 'TS start address'),
      endAddress: r.bytes(offset + FIXED + half, half, end, 'TS end address'),
    };
  },
});
