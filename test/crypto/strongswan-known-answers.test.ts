/**
 * Known answers from a real IKEv1 exchange between two strongSwan 5.9.8 charon instances
 * (test/fixtures/crypto/strongswan-5.9.8-main-mode-*.json, made by
 * capture-strongswan-main-mode.sh). Inputs come from the captured datagrams; every
 * expected value is one charon logged at `ike = 4` / `chd = 4`.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Through the package index: this is the surface src/ike codes against.
import {
  cipherBlockSize,
  decryptCbc,
  deriveSkeyids,
  dhPublicLength,
  hashI,
  hashR,
  ikev1EncryptionKey,
  phase1Iv,
  phase2Iv,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  quickModeKeymat,
  skeyidPreSharedKey,
  type CipherAlgorithm,
  type DhGroup,
  type HashAlgorithm,
} from '../../src/crypto/index.js';
import { fromHex, text, toHex } from './hex.js';
import { HEADER_LENGTH, PAYLOAD, firstProposalSpi, onlyPayload, readHeader, walkPayloads } from './isakmp-walk.js';

interface Fixture {
  source: { daemon: string; captured: string; how: string; script: string };
  proposal: { ike: string; esp: string };
  psk: string;
  logged: Record<string, string[]>;
  packets: { from: 'initiator' | 'responder'; hex: string }[];
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/crypto');

/** strongSwan proposal keywords (swanctl.conf(5)) in the terms of src/crypto. */
const CIPHERS: Record<string, { alg: CipherAlgorithm; keyLength: number }> = {
  aes128: { alg: 'aes-cbc', keyLength: 16 },
  aes192: { alg: 'aes-cbc', keyLength: 24 },
  aes256: { alg: 'aes-cbc', keyLength: 32 },
  '3des': { alg: '3des-cbc', keyLength: 24 },
};
const HASHES: Record<string, { alg: HashAlgorithm; integrityKeyLength: number }> = {
  sha1: { alg: 'sha1', integrityKeyLength: 20 },
  sha256: { alg: 'sha256', integrityKeyLength: 32 },
  sha384: { alg: 'sha384', integrityKeyLength: 48 },
};
const GROUPS: Record<string, DhGroup> = { modp1536: 5, modp2048: 14, ecp256: 19, ecp384: 20 };
const ESP_PROTOCOL = 3; // RFC 2407 §4.4.1 PROTO_IPSEC_ESP

function parseProposal(ike: string, esp: string) {
  const [cipher, hashName, groupName] = ike.split('-');
  const [espCipher, espHash, pfsGroup] = esp.split('-');
  return {
    cipher: CIPHERS[cipher],
    hash: HASHES[hashName].alg,
    group: GROUPS[groupName],
    espKeyLength: CIPHERS[espCipher].keyLength + HASHES[espHash].integrityKeyLength,
    pfs: pfsGroup !== undefined,
  };
}

const lastBlock = (ciphertext: Uint8Array, blockSize: number): Uint8Array => ciphertext.slice(ciphertext.length - blockSize);

const fixtureFiles = readdirSync(FIXTURES).filter((f) => /^strongswan-5\.9\.8-main-mode-.*\.json$/.test(f));

describe('crypto: known answers from strongSwan 5.9.8 (IKEv1 Main Mode PSK + Quick Mode)', () => {
  it('has fixtures for at least two proposal sets', () => {
    expect(fixtureFiles.length).to.be.at.least(2);
  });

  for (const file of fixtureFiles) {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
    const { cipher, hash, group, espKeyLength, pfs } = parseProposal(fixture.proposal.ike, fixture.proposal.esp);
    const prf = hash; // RFC 2409 §4: no PRF negotiated, so HMAC of the negotiated hash
    const blockSize = cipherBlockSize(cipher.alg);
    const logged = (label: string, index = 0): string => {
      const value = fixture.logged[label]?.[index];
      if (value === undefined) throw new Error(`${file}: charon did not log '${label}' #${index}`);
      return value;
    };
    const loggedBytes = (label: string, index = 0): Uint8Array => fromHex(logged(label, index));
    const qmIvLabel = Object.keys(fixture.logged).find((l) => /^next IV for MID [1-9]\d*$/.test(l)) ?? 'next IV for a Quick Mode';

    describe(`${fixture.proposal.ike} / ESP ${fixture.proposal.esp} (${file})`, () => {
      const messages = fixture.packets.map((p) => fromHex(p.hex));
      const [mm1, mm2, mm3, mm4, mm5, mm6, qm1, qm2, qm3] = messages;
      const plain = (m: Uint8Array) => walkPayloads(m.subarray(HEADER_LENGTH), readHeader(m).firstPayload);
      const ckyI = readHeader(mm1).initiatorCookie;
      const ckyR = readHeader(mm2).responderCookie;
      const saiB = onlyPayload(plain(mm1), PAYLOAD.SA).body;
      const gxi = onlyPayload(plain(mm3), PAYLOAD.KE).body;
      const niB = onlyPayload(plain(mm3), PAYLOAD.NONCE).body;
      const gxr = onlyPayload(plain(mm4), PAYLOAD.KE).body;
      const nrB = onlyPayload(plain(mm4), PAYLOAD.NONCE).body;
      const skeyid = loggedBytes('SKEYID');
      const skeyidA = loggedBytes('SKEYID_a');
      const key = loggedBytes('encryption key Ka');

      /** Decrypts an encrypted message and walks its payloads; also returns the IV the next message chains on. */
      const open = (message: Uint8Array, iv: Uint8Array) => {
        const header = readHeader(message);
        expect(header.encrypted, 'E flag').to.equal(true);
        const ciphertext = message.subarray(HEADER_LENGTH);
        const plaintext = decryptCbc(cipher.alg, key, iv, ciphertext);
        return { header, plaintext, payloads: walkPayloads(plaintext, header.firstPayload), nextIv: lastBlock(ciphertext, blockSize) };
      };

      it('records its source and a complete exchange (MM1-MM6, QM1-QM3, alternating sides)', () => {
        expect(fixture.source.daemon).to.match(/^strongSwan 5\.9\.8/);
        expect(fixture.packets.map((p) => p.from)).to.deep.equal(['initiator', 'responder', 'initiator', 'responder', 'initiator', 'responder', 'initiator', 'responder', 'initiator']);
        expect(gxi).to.have.length(dhPublicLength(group));
        expect(gxr).to.have.length(dhPublicLength(group));
      });

      it('RFC 2409 §5: SKEYID = prf(PSK, Ni_b | Nr_b)', () => {
        expect(toHex(skeyidPreSharedKey(prf, text(fixture.psk), niB, nrB))).to.equal(logged('SKEYID'));
      });

      it('RFC 2409 §5: SKEYID_d, SKEYID_a, SKEYID_e from the logged g^xy (fixed width) and the cookies', () => {
        const gxy = loggedBytes('shared Diffie Hellman secret');
        expect(gxy).to.have.length(group >= 19 ? dhPublicLength(group) / 2 : dhPublicLength(group));
        const { skeyidD, skeyidA: a, skeyidE } = deriveSkeyids(prf, skeyid, gxy, ckyI, ckyR);
        expect(toHex(skeyidD)).to.equal(logged('SKEYID_d'));
        expect(toHex(a)).to.equal(logged('SKEYID_a'));
        expect(toHex(skeyidE)).to.equal(logged('SKEYID_e'));
      });

      it(`RFC 2409 App. B: the ${cipher.keyLength}-byte encryption key from SKEYID_e`, () => {
        expect(toHex(ikev1EncryptionKey(prf, loggedBytes('SKEYID_e'), cipher.keyLength))).to.equal(logged('encryption key Ka'));
      });

      it('RFC 2409 App. B: phase-1 IV = hash(g^xi | g^xr) truncated to the block size', () => {
        expect(toHex(phase1Iv(hash, gxi, gxr, blockSize))).to.equal(logged('initial IV'));
      });

      it('RFC 2409 §5: MM5 decrypts with that key and IV, and HASH_I matches its HASH payload', () => {
        const mm5Open = open(mm5, phase1Iv(hash, gxi, gxr, blockSize));
        const idiiB = onlyPayload(mm5Open.payloads, PAYLOAD.ID).body;
        const expected = hashI(prf, skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);
        expect(toHex(expected)).to.equal(logged('HASH_I'));
        expect(toHex(onlyPayload(mm5Open.payloads, PAYLOAD.HASH).body)).to.equal(logged('HASH_I'));
        expect(toHex(mm5Open.nextIv)).to.equal(logged('next IV for MID 0', 0));
      });

      it('RFC 2409 §5: MM6 chains on the last MM5 block, and HASH_R (over the initiator\'s SAi_b) matches', () => {
        const mm6Open = open(mm6, loggedBytes('next IV for MID 0', 0));
        const idirB = onlyPayload(mm6Open.payloads, PAYLOAD.ID).body;
        const expected = hashR(prf, skeyid, gxr, gxi, ckyR, ckyI, saiB, idirB);
        expect(toHex(expected)).to.equal(logged('HASH_R'));
        expect(toHex(onlyPayload(mm6Open.payloads, PAYLOAD.HASH).body)).to.equal(logged('HASH_R'));
        expect(toHex(mm6Open.nextIv)).to.equal(logged('next IV for MID 0', 1));
      });

      describe('Quick Mode', () => {
        const lastPhase1Block = lastBlock(mm6, blockSize);
        const messageId = readHeader(qm1).messageId;
        const qmIv = phase2Iv(hash, lastPhase1Block, messageId, blockSize);
        const qm1Open = () => open(qm1, qmIv);
        const qm2Open = () => open(qm2, qm1Open().nextIv);
        const nonces = () => ({
          ni: onlyPayload(qm1Open().payloads, PAYLOAD.NONCE).body,
          nr: onlyPayload(qm2Open().payloads, PAYLOAD.NONCE).body,
        });
        /** The payload chain after HASH, without the encryption padding (RFC 2409 §5.5). */
        const afterHash = (m: ReturnType<typeof open>) => {
          expect(m.payloads[0].type, 'HASH is the first payload').to.equal(PAYLOAD.HASH);
          return m.plaintext.slice(m.payloads[0].end, m.payloads[m.payloads.length - 1].end);
        };

        it('RFC 2409 App. B: the first IV is hash(last phase-1 block | M-ID) truncated', () => {
          expect(qmIvLabel).to.equal(`next IV for MID ${messageId}`);
          expect(toHex(qmIv)).to.equal(logged(qmIvLabel, 0));
        });

        it('RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] | IDci | IDcr)', () => {
          const m = qm1Open();
          const expected = quickModeHash1(prf, skeyidA, messageId, afterHash(m));
          expect(toHex(expected)).to.equal(logged('Hash(1)'));
          expect(toHex(m.payloads[0].body)).to.equal(logged('Hash(1)'));
        });

        it('RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] | IDci | IDcr), QM2 chaining on QM1', () => {
          expect(toHex(qm1Open().nextIv)).to.equal(logged(qmIvLabel, 1));
          const m = qm2Open();
          const expected = quickModeHash2(prf, skeyidA, messageId, nonces().ni, afterHash(m));
          expect(toHex(expected)).to.equal(logged('Hash(2)'));
          expect(toHex(m.payloads[0].body)).to.equal(logged('Hash(2)'));
        });

        it('RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b), QM3 chaining on QM2', () => {
          const { ni, nr } = nonces();
          const expected = quickModeHash3(prf, skeyidA, messageId, ni, nr);
          expect(toHex(expected)).to.equal(logged('Hash(3)'));
          const m = open(qm3, qm2Open().nextIv);
          expect(toHex(m.payloads[0].body)).to.equal(logged('Hash(3)'));
        });

        it(`RFC 2409 §5.5: ESP KEYMAT (${espKeyLength} bytes, ${pfs ? 'with PFS g(qm)^xy' : 'no PFS'}) for both directions`, () => {
          const { ni, nr } = nonces();
          const initiatorSpi = firstProposalSpi(onlyPayload(qm1Open().payloads, PAYLOAD.SA).body);
          const responderSpi = firstProposalSpi(onlyPayload(qm2Open().payloads, PAYLOAD.SA).body);
          expect(initiatorSpi.protocol).to.equal(ESP_PROTOCOL);
          const gqm = pfs ? loggedBytes('DH secret') : undefined;
          // Keys are for the SA they protect: initiator→responder traffic uses the responder's SPI.
          for (const [direction, spi] of [
            ['initiator', responderSpi.spi],
            ['responder', initiatorSpi.spi],
          ] as const) {
            const seed = [...(gqm ? [toHex(gqm)] : []), '03', toHex(spi), toHex(ni), toHex(nr)].join('');
            expect(logged(`${direction} SA seed`), `${direction} seed`).to.equal(seed);
            const keymat = toHex(quickModeKeymat(prf, loggedBytes('SKEYID_d'), { gqm, protocol: ESP_PROTOCOL, spi, niB: ni, nrB: nr, length: espKeyLength }));
            expect(keymat).to.equal(logged(`encryption ${direction} key`) + logged(`integrity ${direction} key`));
          }
        });
      });
    });
  }
});
