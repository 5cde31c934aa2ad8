/**
 * Each Quick Mode child carries its ESP SA per direction (RFC 2409 §5.5): what one
 * engine seals outbound, the other opens inbound, with and without PFS.
 */
import { expect } from 'chai';
import { openEsp, sealEsp } from '../../src/crypto/esp-protection.js';
import type { IkeEngineConfig } from '../../src/ike/index.js';
import { baseConfig, EnginePair } from './engine-pair.js';

const spiOf = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getUint32(0);

describe('Quick Mode children carry their ESP SAs', () => {
  const cases: [string, Partial<IkeEngineConfig>][] = [
    ['AES-CBC-128 + HMAC-SHA1-96, no PFS', {}],
    ['AES-CBC-256 + HMAC-SHA-256-128, PFS group 14', { espProposals: [{ cipher: 'aes-cbc', keyLength: 32, integrity: 'sha256', pfsGroup: 14, lifetimeSeconds: 3600 }] }],
  ];
  for (const [name, config] of cases) {
    it(`${name}: a's outbound SA is b's inbound, keyed by b's SPI, and a packet sealed by one opens at the other`, () => {
      const pair = new EnginePair(baseConfig('esp-a', config), baseConfig('esp-b', config));
      pair.initiate(true);
      const full = pair.a.list()[0];
      const a = pair.a.get(full)!.children[0];
      const b = pair.b.get(full)!.children[0];
      expect(a.esp, 'initiator ESP SAs').to.not.equal(undefined);
      expect(a.esp!.outbound).to.deep.equal(b.esp!.inbound);
      expect(a.esp!.inbound).to.deep.equal(b.esp!.outbound);
      expect(a.esp!.outbound.spi).to.equal(spiOf(b.inboundSpi));
      expect(a.esp!.inbound.keys.encryption).to.not.deep.equal(a.esp!.outbound.keys.encryption);
      const packet = sealEsp(a.esp!.outbound, 1, new Uint8Array(16).fill(7), { nextHeader: 4, data: Uint8Array.of(0x45, 0, 0, 20) });
      expect(Array.from(openEsp(b.esp!.inbound, packet).plaintext.data)).to.deep.equal([0x45, 0, 0, 20]);
    });
  }

  it('a transform ESP protection does not implement (3DES) leaves the child without ESP SAs', () => {
    const config: Partial<IkeEngineConfig> = { espProposals: [{ cipher: '3des-cbc', keyLength: 24, integrity: 'sha1', lifetimeSeconds: 3600 }] };
    const pair = new EnginePair(baseConfig('3des-a', config), baseConfig('3des-b', config));
    pair.initiate(true);
    const child = pair.a.get(pair.a.list()[0])!.children[0];
    expect(child.proposal.cipher).to.equal('3des-cbc');
    expect(child.esp).to.equal(undefined);
  });
});
