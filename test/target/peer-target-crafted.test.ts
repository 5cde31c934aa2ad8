/**
 * PeerScenarioTarget.sendCrafted against the reference DUT on loopback: each crafted
 * message leaves with the one defect it is named after (read back from the bytes on the
 * timeline; the encrypted contents were checked with tshark, docs/conformance.md), and
 * the SA survives it.
 */
import { expect } from 'chai';
import type { DatagramEvent } from '../../src/events.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { createReferenceTargetFactory } from '../../src/target/reference-target.js';
import type { CraftKind, ScenarioTarget, TargetFactory } from '../../src/target/target.js';
import { shortTimerProfile } from '../dut/short-timer-profile.js';

const TIMERS = { interval: 5, retryInterval: 1, failoverWithin: 2, toleranceAbsolute: 0.5 };

/** The Informational datagrams the peer sent with the crafted one last. */
function crafted(target: ScenarioTarget): DatagramEvent {
  const out = target.events().filter((e): e is DatagramEvent => e.type === 'datagram' && e.direction === 'out' && e.bytes[18] === 5);
  return out[out.length - 1]!;
}

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

describe('target/peer-target sendCrafted (loopback, reference DUT)', function () {
  this.timeout(30_000);
  let factory: TargetFactory;
  let target: ScenarioTarget | undefined;
  let sa: string;

  before(async () => {
    factory = await createReferenceTargetFactory(profileFromSource(YamlSource.parse('t.yaml', shortTimerProfile('crafted-test', TIMERS))), systemClock);
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
