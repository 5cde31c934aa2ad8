import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { detectDataPlane, PROBE_SA_ARGS } from '../../src/lab/data-plane.js';
import { DEFAULT_CACHE_DIR, SHIM_FILE } from '../../src/lab/lab.js';
import { Supervisor } from '../../src/lab/supervisor.js';
import { requireCommands, requireRoot } from '../support/environment.js';

const SHIM = join(DEFAULT_CACHE_DIR, SHIM_FILE);
const NEWSA_PY = fileURLToPath(new URL('./fixtures/netlink-newsa.py', import.meta.url));
const sup = new Supervisor();

/** Runs a shell script in a fresh network namespace that vanishes with it. */
async function inFreshNetns(script: string, preload: boolean): Promise<string> {
  const env = preload ? { LD_PRELOAD: SHIM } : undefined;
  return (await sup.run('unshare', ['--net', 'sh', '-c', script], { env, timeoutMs: 15_000 })).stdout;
}

const q = (argv: string[]) => argv.map((a) => `'${a}'`).join(' ');

describe('lab/shim fake-xfrm-sa.so and data-plane detection @root', function () {
  this.timeout(30_000);
  before(function () {
    requireRoot(this);
    requireCommands(this, 'unshare', 'ip', 'python3', SHIM);
  });

  it('with the shim, an ESP SA install is acknowledged but not installed; policies and ALLOCSPI still reach the kernel', async () => {
    const out = await inFreshNetns(
      [
        `${q(PROBE_SA_ARGS)}; echo "add=$?"`,
        'echo "states=$(ip xfrm state list | grep -c "^src")"',
        'ip xfrm state allocspi src 203.0.113.1 dst 203.0.113.2 proto esp; echo "allocspi=$?"',
        'echo "larval=$(ip xfrm state list | grep -c "^src")"',
        'ip xfrm policy add src 198.51.100.0/29 dst 198.51.100.8/29 dir out tmpl src 203.0.113.1 dst 203.0.113.2 proto esp mode tunnel; echo "policy=$?"',
        'echo "policies=$(ip xfrm policy list | grep -c "dir out")"',
      ].join('\n'),
      true,
    );
    expect(out).to.contain('add=0').and.contain('states=0');
    expect(out).to.contain('allocspi=0').and.contain('larval=1');
    expect(out).to.contain('policy=0').and.contain('policies=1');
  });

  it("acknowledges NEWSA with the request's sequence number on pluto's write() and charon's sendto() paths", async () => {
    for (const path of ['write', 'send']) {
      expect(await inFreshNetns(`python3 '${NEWSA_PY}' ${path}`, true), path).to.equal('seq=4242 error=0\n');
    }
  });

  // docs/daemons.md#first-probe-at-dpddelay-or-2--dpddelay: pluto's DPD idle check (kernel.c get_sa_bundle_info)
  // sends XFRM_MSG_GETSA for the inbound SPI it allocated and compares curlft.bytes with the last
  // value. Under the shim that SPI stays the larval ALLOCSPI state; it must answer as a real
  // kernel answers for an installed SA that carried no traffic: 0 bytes, 0 packets, never used.
  const updateArgs = PROBE_SA_ARGS.map((a) => (a === 'add' ? 'update' : a));
  it('GETSA of an allocated inbound SPI answers like an unused SA: 0 bytes, 0 packets, use time unset', async () => {
    const out = await inFreshNetns(
      [
        'ip xfrm state allocspi src 203.0.113.1 dst 203.0.113.2 proto esp > /dev/null',
        'spi=$(ip xfrm state list | sed -n "s/.*spi \\(0x[0-9a-f]*\\).*/\\1/p")',
        // pluto's install of the inbound SA: UPDSA on the allocated SPI, faked by the shim.
        `${q(updateArgs.slice(0, 11))} "$spi" ${q(updateArgs.slice(12))}; echo "update=$?"`,
        'ip -s xfrm state get src 203.0.113.1 dst 203.0.113.2 proto esp spi "$spi"; echo "get=$?"',
      ].join('\n'),
      true,
    );
    expect(out).to.contain('update=0').and.contain('get=0');
    expect(out).to.match(/lifetime current:\s+0\(bytes\), 0\(packets\)\s+add \d{4}-\d\d-\d\d [\d:]+ use -/);
  });

  it('without the shim the kernel decides, and detectDataPlane agrees with it', async () => {
    const plane = await detectDataPlane(sup);
    const out = await inFreshNetns(`${q(PROBE_SA_ARGS)} 2>&1; echo "add=$?"; echo "states=$(ip xfrm state list | grep -c "^src")"`, false);
    if (plane === 'emulated') {
      expect(out).to.contain('Requested type not found').and.contain('states=0');
      expect(out).not.to.contain('add=0');
    } else {
      expect(out).to.contain('add=0').and.contain('states=1');
    }
    // An all-zero SA body is invalid on any kernel: only the shim turns it into success.
    expect(await inFreshNetns(`python3 '${NEWSA_PY}' write`, false)).to.match(/^seq=4242 error=[1-9]\d*\n$/);
  });
});
