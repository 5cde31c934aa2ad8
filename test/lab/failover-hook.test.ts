import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseDaemonConfig, planConnections } from '../../src/lab/daemon-config.js';
import { renderFailoverHook, shellQuote, withFailoverHold, writeFailoverHook } from '../../src/lab/failover-hook.js';
import { LabSpecError, parseLabSpec } from '../../src/lab/lab-spec.js';
import { renderIpsecConf } from '../../src/lab/libreswan-config.js';
import { renderSwanctlConf } from '../../src/lab/strongswan-config.js';
import { pathOf } from './daemon-config-error-path.js';


const connections = planConnections('dut', ['203.0.113.1'], ['203.0.113.2', '203.0.113.3', '203.0.113.4']);
const failover = parseDaemonConfig({ dpd: { delay: 2, timeout: 6, action: 'clear' }, failover: { peers: [0, 1, 2] } });

describe('lab/failover-hook: multi-peer failover as two connections and an updown hook', () => {
  it('parses failover.peers and refuses what would not fail over', () => {
    expect(failover.failover).to.deep.equal({ peers: [0, 1, 2] });
    expect(parseDaemonConfig({}).failover).to.equal(undefined);
    expect(pathOf(() => parseDaemonConfig({ failover: { peers: [0] } }))).to.equal('failover.peers');
    expect(pathOf(() => parseDaemonConfig({ failover: { peers: [0, 0] } }))).to.equal('failover.peers.1');
    expect(pathOf(() => parseDaemonConfig({ failover: { peers: [0, -1] } }))).to.equal('failover.peers.1');
    expect(pathOf(() => parseDaemonConfig({ failover: { peers: [0, 1], within: 2 } }))).to.equal('failover.within');
    // restart re-initiates the same dead peer; hold keeps a trap on it: only clear leaves the next peer free.
    expect(pathOf(() => parseDaemonConfig({ dpd: { action: 'restart' }, failover: { peers: [0, 1] } }))).to.equal('dpd.action');
    expect(pathOf(() => parseDaemonConfig({ dpd: { action: 'hold' }, failover: { peers: [0, 1] } }))).to.equal('dpd.action');
    expect(pathOf(() => parseDaemonConfig({ dpd: { delay: 0 }, failover: { peers: [0, 1] } }))).to.equal('failover');
  });

  it('the lab spec checks the peer indexes against peer_addresses, and only the DUT fails over', () => {
    const lab = { kind: 'strongswan', subnet: '203.0.113.0/28', dut_address: '203.0.113.1', peer_addresses: ['203.0.113.2', '203.0.113.3'], psk: 'x' };
    const field = (o: unknown): string => {
      try {
        parseLabSpec(o, { file: 'p.yaml', base: ['lab'] });
      } catch (err) {
        if (err instanceof LabSpecError) return err.field;
        throw err;
      }
      return 'no error';
    };
    expect(field({ ...lab, dut: { failover: { peers: [0, 1] } } })).to.equal('no error');
    expect(field({ ...lab, dut: { failover: { peers: [0, 2] } } })).to.equal('lab.dut.failover.peers.1');
    expect(field({ ...lab, peer_netns: true, peer_daemon: { kind: 'libreswan', failover: { peers: [0, 1] } } })).to.equal('lab.peer_daemon.failover');
  });

  it('strongSwan: every child runs the hook with dpd_action = clear; without failover no updown line', () => {
    const render = { config: failover, connections, localSubnets: [], remoteSubnets: [], selectors: [], paths: { vici: '/w/v', log: '/w/l', keyLog: '/w/k', failoverHook: '/w/failover-updown.sh' }, emulated: true };
    const swanctl = renderSwanctlConf(render, 'k');
    expect(swanctl.match(/^        updown = \/w\/failover-updown\.sh$/gm)).to.have.length(3);
    expect(swanctl.match(/^        dpd_action = clear$/gm)).to.have.length(3);
    expect(renderSwanctlConf({ ...render, config: parseDaemonConfig({}) }, 'k')).not.to.contain('updown');
    expect(() => renderSwanctlConf({ ...render, paths: { vici: '/w/v', log: '/w/l', keyLog: '/w/k' } }, 'k')).to.throw(/failoverHook/);
  });

  it('Libreswan: leftupdown is the hook instead of /bin/true, dpdaction=clear, rekey=no so pluto does not revive the dead conn', () => {
    const conf = renderIpsecConf({ config: failover, connections, localSubnets: [], remoteSubnets: [], selectors: [], logFile: '/w/pluto.log', failoverHook: '/w/failover-updown.sh' });
    expect(conf.match(/^\tleftupdown=\/w\/failover-updown\.sh$/gm)).to.have.length(3);
    expect(conf.match(/^\tdpdaction=clear$/gm)).to.have.length(3);
    expect(conf.match(/^\trekey=no$/gm)).to.have.length(3);
    expect(conf).not.to.contain('/bin/true');
    expect(renderIpsecConf({ config: parseDaemonConfig({}), connections, localSubnets: [], remoteSubnets: [], selectors: [], logFile: '/w/p' })).to.contain('leftupdown=/bin/true').and.not.contain('rekey=no');
  });

  it('renders the hook: each peer maps to the next connection in order, the last to none', () => {
    const hook = renderFailoverHook({
      daemon: 'strongswan', connections, order: [0, 1, 2], log: '/w/f.log', hold: '/w/f.hold',
      initiate: (n) => `/usr/sbin/swanctl --initiate --ike ${n}`,
    });
    expect(hook).to.match(/^#!\/bin\/sh\n/);
    expect(hook).to.contain('  203.0.113.2) next=peer2 ;;').and.contain('  203.0.113.3) next=peer3 ;;');
    expect(hook).to.match(/^  203\.0\.113\.4\) say .*last peer.*exit 0 ;;$/m);
    expect(hook).to.contain('  peer2) /usr/sbin/swanctl --initiate --ike peer2 ;;').and.contain('  peer3) /usr/sbin/swanctl --initiate --ike peer3 ;;');
    expect(hook).to.contain('esac </dev/null >>"$LOG" 2>&1 &');
    // Another order goes where it says: peer3 first, then peer1.
    const reordered = renderFailoverHook({ daemon: 'libreswan', connections, order: [2, 0], log: '/w/f.log', hold: '/w/f.hold', initiate: (n) => `up ${n}` });
    expect(reordered).to.contain('  203.0.113.4) next=peer1 ;;').and.not.contain('203.0.113.3)');
    expect(shellQuote("it's here")).to.equal(`'it'\\''s here'`);
  });

  describe('the rendered hook run by sh as a daemon would', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'dpd-failover-hook-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const run = (env: Record<string, string>): { stdout: string; initiated: () => string } => {
      const hook = join(dir, 'hook.sh');
      const marker = join(dir, 'initiated');
      writeFailoverHook(hook, renderFailoverHook({
        daemon: 'strongswan', connections, order: [0, 1, 2], log: join(dir, 'hook.log'), hold: join(dir, 'hold'),
        initiate: (n) => `echo ${n} >>${shellQuote(marker)}`,
      }));
      expect(statSync(hook).mode & 0o777).to.equal(0o755);
      const stdout = execFileSync(hook, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } }).toString();
      const initiated = (): string => {
        // The initiation runs detached: wait for it briefly.
        for (let i = 0; i < 50; i++) {
          try {
            return readFileSync(marker, 'utf8');
          } catch {
            execFileSync('sleep', ['0.02']);
          }
        }
        return '';
      };
      return { stdout, initiated };
    };

    it('down-client of peer1 initiates peer2 and logs the decision on stdout and in its log', () => {
      const r = run({ PLUTO_VERB: 'down-client', PLUTO_PEER: '203.0.113.2', PLUTO_CONNECTION: 'net' });
      expect(r.stdout).to.contain('failover-hook: verb=down-client peer=203.0.113.2 connection=net').and.contain('203.0.113.2 is down: initiating peer2');
      expect(r.initiated()).to.equal('peer2\n');
      expect(readFileSync(join(dir, 'hook.log'), 'utf8')).to.match(/^\d\d:\d\d:\d\d\.\d{3} verb=down-client/);
    });

    it('up-client, the last peer and an administrative terminate (hold) initiate nothing', async () => {
      expect(run({ PLUTO_VERB: 'up-client', PLUTO_PEER: '203.0.113.2' }).initiated()).to.equal('');
      expect(run({ PLUTO_VERB: 'down-client', PLUTO_PEER: '203.0.113.4' }).stdout).to.contain('last peer');
      await withFailoverHold(join(dir, 'hold'), async () => {
        const r = run({ PLUTO_VERB: 'down-client', PLUTO_PEER: '203.0.113.2' });
        expect(r.stdout).to.contain('administrative terminate');
      });
      expect(run({ PLUTO_VERB: 'down-host', PLUTO_PEER: '203.0.113.9' }).stdout).to.contain('not in the failover list');
      expect(readFileSync(join(dir, 'hook.log'), 'utf8')).not.to.contain('initiating');
    });
  });
});

describe('lab failover profiles: the shipped *-failover profiles render the hook for their DUT', () => {
  for (const kind of ['strongswan', 'libreswan'] as const) {
    it(`profiles/${kind}-failover.yaml: dpd.action failover is the daemon's clear + the hook over dpd.peers`, () => {
      const file = `profiles/${kind}-failover.yaml`;
      const doc = parseYaml(readFileSync(file, 'utf8')) as { lab: unknown; dpd: { interval: number; dead_timeout: number; action: string; peers: number[]; failover: { mechanism: string } } };
      const spec = parseLabSpec(doc.lab, { file, base: ['lab'] });
      expect(spec.dutKind).to.equal(kind);
      const config = parseDaemonConfig(spec.dut);
      expect(doc.dpd.action).to.equal('failover');
      expect(doc.dpd.failover.mechanism).to.match(/updown hook/);
      expect(config.dpd).to.deep.equal({ delay: doc.dpd.interval, timeout: doc.dpd.dead_timeout, action: 'clear' });
      expect(config.failover?.peers).to.deep.equal(doc.dpd.peers);
      expect(spec.peerAddresses.length).to.be.greaterThanOrEqual(3);
    });
  }
});

describe('lab target: a failover profile and its rendered hook agree', () => {
  it('the shipped failover profiles load and pass; the plain lab profiles pass without a hook', async () => {
    const { loadProfile } = await import('../../src/profile/load-profile.js');
    const { checkFailover } = await import('../../src/target/lab-target.js');
    for (const file of ['profiles/strongswan-failover.yaml', 'profiles/libreswan-failover.yaml', 'profiles/strongswan-ikev2-failover.yaml', 'profiles/libreswan-ikev2-failover.yaml', 'profiles/strongswan.yaml', 'profiles/libreswan.yaml', 'profiles/strongswan-ikev2-restart.yaml', 'profiles/libreswan-ikev2-restart.yaml']) {
      expect(() => checkFailover(loadProfile(file)), file).not.to.throw();
    }
  });

  it('refuses dpd.action failover without lab.dut.failover, another order, or a hook without failover', async () => {
    const { loadProfile } = await import('../../src/profile/load-profile.js');
    const { checkFailover } = await import('../../src/target/lab-target.js');
    const p = loadProfile('profiles/strongswan-failover.yaml');
    if (!('lab' in p.target)) throw new Error('lab profile expected');
    const lab = p.target.lab;
    const withDut = (dut: Record<string, unknown>) => ({ ...p, target: { kind: 'strongswan' as const, lab: { ...lab, dut } } });
    const { failover: _, ...withoutHook } = lab.dut;
    expect(() => checkFailover(withDut(withoutHook))).to.throw(/needs lab\.dut\.failover/);
    expect(() => checkFailover(withDut({ ...lab.dut, failover: { peers: [0, 2, 1] } }))).to.throw(/differs from dpd\.peers/);
    expect(() => checkFailover({ ...p, dpd: { ...p.dpd, action: 'clear' } })).to.throw(/dpd\.action is clear/);
  });
});
