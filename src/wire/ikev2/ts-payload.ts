/** TSi/TSr (RFC 7296 §3.13): number of selectors, 3 reserved bytes, the selectors back to back. */
import { WireError } from '../../errors.js';
import { toCodec } from '../codec.js';
import { putU16, putU8 } from '../wire-writer.js';
import { ikev2PayloadElement } from './generic-payload.js';
import { trafficSelector } from './traffic-selector.js';
import type { Ikev2TsPayload, TrafficSelector } from './types.js';

function tsPayload(kind: Ikev2TsPayload['kind'], what: string) {
  return toCodec(
    ikev2PayloadElement<Ikev2TsPayload>(what, {
      bodyLength: (p) => 4 + p.selectors.reduce((sum, ts) => sum + trafficSelector.length(ts), 0),
      writeBody(p, buf, offset) {
        const reserved = p.reserved2 ?? 0;
        if (!Number.isInteger(reserved) || reserved < 0 || reserved > 0xffffff) throw new WireError('ERR_WIRE_BAD_VALUE', offset + 1, `${what} reserved ${reserved} does not fit in 24 bits`);
        putU8(buf, offset, p.tsCount ?? p.selectors.length, `${what} selector count`);
        putU8(buf, offset + 1, reserved >>> 16, `${what} reserved`);
        putU16(buf, offset + 2, reserved & 0xffff, `${what} reserved`);
        p.selectors.reduce((at, ts) => trafficSelector.write(ts, buf, at), offset + 4);
      },
      readBody(r, offset, end) {
        const tsCount = r.u8(offset, end, `${what} selector count`);
        const reserved2 = r.u8(offset + 1, end, `${what} reserved`) * 0x10000 + r.u16(offset + 2, end, `${what} reserved`);
        const selectors: TrafficSelector[] = [];
        let at = offset + 4;
        for (let i = 0; i < tsCount; i++) {
          const ts = trafficSelector.read(r, at, end);
          selectors.push(ts);
          at += ts.length as number;
        }
        if (at < end) r.fail('ERR_WIRE_TRAILING_BYTES', at, `${end - at} byte(s) after the ${tsCount} selector(s) of ${what}`);
        return { kind, tsCount, reserved2, selectors };
      },
    }),
  );
}

export const tsiPayload = tsPayload('tsi', 'TSi');
export const tsrPayload = tsPayload('tsr', 'TSr');
