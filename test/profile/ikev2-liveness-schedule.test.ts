import { expect } from 'chai';
import { ciscoIkev2Liveness, libreswanLiveness, strongswanLiveness } from '../../src/profile/ikev2-liveness-schedule.js';

describe('IKEv2 liveness schedules from the vendors\' knobs', () => {
  it("strongSwan defaults: five retransmissions at 4 × 1.8^n, dead at 165.06 s (the table in strongSwan's retransmission docs: 4, 11, 24, 47, 89, giving up at 165 s)", () => {
    expect(strongswanLiveness()).to.deep.equal({ retransmits: [4, 11.2, 24.16, 47.488, 89.4784], deadAfterFirstProbe: 165.06112 });
  });

  it('strongSwan: retransmit_limit caps every wait; tries 0 gives up after the first timeout', () => {
    expect(strongswanLiveness({ timeout: 2, base: 2, tries: 3, limit: 5 })).to.deep.equal({ retransmits: [2, 6, 11], deadAfterFirstProbe: 16 });
    expect(strongswanLiveness({ tries: 0 })).to.deep.equal({ retransmits: [], deadAfterFirstProbe: 4 });
  });

  it('Libreswan defaults: retransmits at 0.5 · 2^k s, dead at 64 s (the measured "60 second timeout exceeded after 7 retransmits")', () => {
    expect(libreswanLiveness()).to.deep.equal({ retransmits: [0.5, 1, 2, 4, 8, 16, 32], deadAfterFirstProbe: 64 });
  });

  it('Libreswan: a timeout on a power of two ends there; an interval past the timeout never retransmits', () => {
    expect(libreswanLiveness({ interval: 1, timeout: 8 })).to.deep.equal({ retransmits: [1, 2, 4], deadAfterFirstProbe: 8 });
    expect(libreswanLiveness({ interval: 10, timeout: 5 })).to.deep.equal({ retransmits: [], deadAfterFirstProbe: 10 });
    expect(() => libreswanLiveness({ interval: 0 })).to.throw(RangeError);
  });

  it('Cisco IOS XE `crypto ikev2 dpd 10 2`: four retransmissions 2 s apart, dead 10 s after the first probe', () => {
    expect(ciscoIkev2Liveness({ retryInterval: 2 })).to.deep.equal({ retransmits: [2, 4, 6, 8], deadAfterFirstProbe: 10 });
    expect(ciscoIkev2Liveness({ retryInterval: 5, retransmissions: 2 })).to.deep.equal({ retransmits: [5, 10], deadAfterFirstProbe: 15 });
  });
});
