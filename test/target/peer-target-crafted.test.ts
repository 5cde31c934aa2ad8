/**
 * PeerScenarioTarget.sendCrafted against the reference DUT on loopback: each crafted
 * message leaves with the one defect it is named after (read back from the bytes on the
 * timeline; the encrypted contents were checked with tshark, docs/conformance.md), and
 * the SA survives it.
 */
import { expect } from 'chai';
import type { DatagramEvent, Random } from '../../src/events.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';
import type { CraftKind, ScenarioTarget, TargetFactory } from '../../src/target/target.js';
import { shortTimerProfile } from '../dut/short-timer-profile.js';
import { seededRandom } from '../support/seeded-random.js';

const TIMERS = { interval: 5, retryInterval: 1, failoverWithin: 2, toleranceAbsolute: 0.5 };

/** The Informational datagrams the peer sent with the crafted one last. */
function crafted(target: ScenarioTarget): DatagramEvent {
  const out = target.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.bytes[18] === 5);
  return out[out.length - 1]!;
}

/** The injected Random, remembering every draw so a test can tell where crafted bytes came from. */
const draws: string[] = [];
const seeded = seededRandom('crafted');
const recording: Random = { bytes: (n) => { const b = seeded.bytes(n); draws.push(Buffer.from(b).toString('hex')); return b; } };

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

describe('target/peer-target sendCrafted (loopback, reference DUT)', function () {
  this.timeout(30_000);
  let factory: TargetFactory;
  let target: ScenarioTarget | undefined;
  let sa: string;

  before(async () => {
    factory = await createReferenceTargetFactory(profileFromSource(YamlSource.parse('t.yaml', shortTimerProfile('crafted-test', TIMERS))), systemClock, { random: recording });
  });
  beforeEach(async () => {
    target = await factory.open('crafted');
    await target.bringUp({ initiator: 'peer', peerIndex: 0, timeoutMs: 10_000 });
    sa = target.events().find((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in')!.sa!;
  });
  afterEach(async () => {
    expect(await target!.dutHasSa(0), 'SA kept').to.equal(true);
    await target?.teardown();
    target = undefined;
  });
  after(() => factory.close());

  const send = async (kind: CraftKind): Promise<DatagramEvent> => {
    await target!.sendCrafted(kind);
    await new Promise((r) => setTimeout(r, 50));
    return crafted(target!);
  };

  it('header defects: commit bit, a Length over and under the datagram, message ID 0', async () => {
    const commit = await send('commit-flag');
    expect(commit.bytes[19]).to.equal(0x03);
    const over = await send('length-over');
    expect(view(over.bytes).getUint32(24)).to.equal(0x1000);
    expect(over.bytes.length).to.be.lessThan(0x1000);
    const under = await send('length-under');
    expect(view(under.bytes).getUint32(24)).to.equal(28);
    expect(under.bytes.length).to.be.greaterThan(28);
    const zero = await send('message-id-zero');
    expect(view(zero.bytes).getUint32(20)).to.equal(0);
    expect(zero.bytes[19]! & 0x01, 'still encrypted').to.equal(1);
  });

  it('the notifies and the Delete go out encrypted under the SA (their contents: tshark, docs/conformance.md)', async () => {
    for (const kind of ['seq-empty', 'seq-long', 'protocol-esp', 'two-notifies', 'delete-unknown-spi', 'hash-other-payload'] as const) {
      const d = await send(kind);
      expect(Buffer.from(d.bytes.subarray(0, 16)).toString('hex'), kind).to.equal(sa);
      expect(d.bytes[19]! & 0x01, `${kind} encrypted`).to.equal(1);
    }
  });

  it('genuine R-U-THEREs under a reused and the largest message ID: the Quick Mode\'s ID, then 0xffffffff, both encrypted and ACKed', async () => {
    const qm = target!.events().find((e): e is DatagramEvent => e.type === 'datagram' && e.summary?.kind === 'quick-mode')!;
    const reused = await send('quick-mode-message-id');
    expect(reused.summary).to.include({ kind: 'r-u-there', messageId: qm.summary!.messageId });
    const max = await send('message-id-max');
    expect(view(max.bytes).getUint32(20)).to.equal(0xffffffff);
    expect(max.summary?.kind).to.equal('r-u-there');
    for (const d of [reused, max]) expect(d.bytes[19]! & 0x01, 'encrypted').to.equal(1);
    // The reference DUT checks neither (docs/conformance.md): both are answered with their sequence number.
    const acks = target!.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'in' && e.summary?.kind === 'r-u-there-ack').map((e) => e.summary!.seq);
    expect(acks).to.include.members([reused.summary!.seq, max.summary!.seq]);
  });

  it('unknown SPIs and cookies come from the injected Random', async () => {
    const del = await send('delete-unknown-spi');
    expect(draws).to.include(del.summary!.deleteSpis![0]);
    await send('unknown-cookies');
    const raw = target!.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out').pop()!;
    expect(draws).to.include(Buffer.from(raw.bytes.subarray(0, 16)).toString('hex'));
  });

  it('the unencrypted R-U-THERE carries both cookies in header and notify SPI', async () => {
    const d = await send('unencrypted');
    const hex = Buffer.from(d.bytes).toString('hex');
    expect(hex.slice(0, 32)).to.equal(sa);
    // Notify body: DOI(4) protocol(1) SPI size(1) type(2) then the SPI.
    expect(hex.slice((28 + 12) * 2, (28 + 28) * 2)).to.equal(sa);
  });

  it('wireProbe matches the ACK to its own probe (logged only once sent) and finds the SA alive', async () => {
    // An earlier probe: reading the last probe synchronously after sending would find this one's seq.
    await target!.sendProbe({ kind: 'next' });
    await new Promise((r) => setTimeout(r, 100));
    const probe = await target!.wireProbe!(2000);
    expect(probe).to.include({ alive: true, detail: 'ack' });
  });
});
