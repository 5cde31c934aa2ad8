import { expect } from 'chai';
import { saListingsFromWhack } from '../../src/lab/libreswan.js';
import { saListingsFromSwanctl } from '../../src/lab/strongswan.js';
import { parseViciRaw } from '../../src/lab/vici-text.js';

// Captured 2026-11-28 from strongSwan 5.9.8 `swanctl --list-sas --raw` in a lab namespace (IKEv1 PSK, peer: Libreswan 4.10).
const SWANCTL_RAW = `list-sa event {dut1 {uniqueid=1 version=1 state=ESTABLISHED local-host=203.0.113.66 local-port=500 local-id=203.0.113.66 remote-host=203.0.113.65 remote-port=500 remote-id=203.0.113.65 initiator-spi=c2f5bb63585f5980 responder-spi=2cc0bb007fdc1f42 encr-alg=AES_CBC encr-keysize=128 integ-alg=HMAC_SHA1_96 prf-alg=PRF_HMAC_SHA1 dh-group=MODP_2048 established=0 rekey-time=10623 child-sas {net-1 {name=net uniqueid=1 reqid=1 state=INSTALLED mode=TUNNEL protocol=ESP spi-in=cee57995 spi-out=94739044 encr-alg=AES_CBC encr-keysize=128 integ-alg=HMAC_SHA1_96 dh-group=MODP_2048 bytes-in=0 packets-in=0 bytes-out=0 packets-out=0 rekey-time=3247 life-time=3960 install-time=0 local-ts=[203.0.113.66/32] remote-ts=[203.0.113.65/32]}}}}
list-sas reply {}
`;

// Captured 2026-11-28 from Libreswan 4.10 `whack --showstates` (initiator, peer: strongSwan 5.9.8).
const WHACK_SHOWSTATES = `000 #1: "peer1":500 STATE_MAIN_I4 (IKE SA established); REPLACE in 9849s; newest; lastdpd=-1s(seq in:0 out:0); idle;
000 #2: "peer1":500 STATE_QUICK_I2 (IPsec SA established); REPLACE in 2870s; newest; eroute owner; ISAKMP SA #1; idle;
000 #2: "peer1" esp.c8192b6e@203.0.113.66 esp.4a41badd@203.0.113.65 tun.0@203.0.113.66 tun.0@203.0.113.65 Traffic: ESPin=0B ESPmax=2^63B
`;

describe('lab daemon status parsers', () => {
  it('reads nested vici sections and lists', () => {
    const v = parseViciRaw('a {b=1 c=[x y] d {e=2}} f=3');
    expect(v).to.deep.equal({ a: { b: '1', c: ['x', 'y'], d: { e: '2' } }, f: '3' });
  });

  it('strongSwan: one established IKE SA with its installed child and SPIs', () => {
    const [sa] = saListingsFromSwanctl(SWANCTL_RAW, []);
    expect(sa).to.deep.equal({
      conn: 'dut1',
      ike: { state: 'ESTABLISHED', peer: '203.0.113.65', established: true },
      children: [{ name: 'net', state: 'INSTALLED', installed: true, spis: ['cee57995', '94739044'] }],
    });
    expect(saListingsFromSwanctl('list-sas reply {}\n', [])).to.deep.equal([]);
  });

  it('Libreswan: IKE SA and IPsec SA by connection, peer from the rendered connection', () => {
    const [sa] = saListingsFromWhack(WHACK_SHOWSTATES, [{ name: 'peer1', local: '203.0.113.65', remote: '203.0.113.66' }]);
    expect(sa.ike).to.deep.equal({ state: 'STATE_MAIN_I4', peer: '203.0.113.66', established: true });
    // esp.c8192b6e@203.0.113.66 is the SPI at the peer: outbound.
    expect(sa.children).to.deep.equal([{ name: '#2', state: 'STATE_QUICK_I2', installed: true, spis: ['4a41badd', 'c8192b6e'] }]);
    expect(saListingsFromWhack('', [])).to.deep.equal([]);
  });
});
