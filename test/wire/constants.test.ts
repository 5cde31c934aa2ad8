import { expect } from 'chai';
import { EXCHANGE_TYPES, NOTIFY_TYPES, PAYLOAD_TYPES, DH_GROUPS, nameOf, valueOf } from '../../src/wire/index.js';

describe('wire constants', () => {
  it('maps values to names and back (RFC 2408 §3.1, RFC 3706 §5.3)', () => {
    expect(nameOf(EXCHANGE_TYPES, 2)).to.equal('MAIN_MODE');
    expect(nameOf(EXCHANGE_TYPES, 32)).to.equal('QUICK_MODE');
    expect(nameOf(NOTIFY_TYPES, 36136)).to.equal('R_U_THERE');
    expect(nameOf(NOTIFY_TYPES, 36137)).to.equal('R_U_THERE_ACK');
    expect(nameOf(NOTIFY_TYPES, 24578)).to.equal('INITIAL_CONTACT');
    expect(nameOf(PAYLOAD_TYPES, 13)).to.equal('VENDOR_ID');
    expect(valueOf(DH_GROUPS, 'MODP2048')).to.equal(14);
  });

  it('names values outside a table UNKNOWN(n) and unknown names undefined', () => {
    expect(nameOf(NOTIFY_TYPES, 1234)).to.equal('UNKNOWN(1234)');
    expect(valueOf(NOTIFY_TYPES, 'NOT_A_NOTIFY')).to.equal(undefined);
    expect(valueOf(NOTIFY_TYPES, 'toString')).to.equal(undefined);
  });

  it('never gives two names the same value within a table', () => {
    for (const table of [EXCHANGE_TYPES, NOTIFY_TYPES, PAYLOAD_TYPES, DH_GROUPS]) {
      const values = Object.values(table);
      expect(new Set(values).size).to.equal(values.length);
    }
  });
});
