/**
 * Libreswan 4.10's pluto started by hand in a lab's DUT namespace as a branch router runs it (the
 * lab builds only the topology: nothing of src/lab renders its configuration): the admin's
 * ipsec.conf and ipsec.secrets from test/fixtures/vrouter/, an NSS database, pluto, its conns
 * added — what `ipsec initnss` and `ipsec start` do on the router.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntilReady } from '../../src/lab/daemon-control.js';
import { DEFAULT_CACHE_DIR, SHIM_FILE, type Lab } from '../../src/lab/lab.js';
import { libreswanLibexec } from '../../src/lab/libreswan.js';
import type { DaemonHandle } from '../../src/lab/supervisor.js';
import { systemClock } from '../../src/peer/system-clock.js';
import { filled } from './external-run.js';

export const plutoTool = (name: string): string => join(libreswanLibexec(DEFAULT_CACHE_DIR), 'ipsec', name);

export interface PlutoRouter {
  pluto: DaemonHandle;
  /** pluto's control socket. */
  ctl: string;
  /** `ipsec whack --ctlsocket <ctl> …` on the router. */
  whack(args: string[], timeoutMs?: number): Promise<{ stdout: string }>;
  /** `ipsec auto --replace <conn>`: the conn as configured again, without what whack --initiate left on it. */
  replace(conn: string): Promise<void>;
}

export async function startPlutoRouter(lab: Lab, fixtures: { conf: string; secrets: string }, values: Record<string, string>): Promise<PlutoRouter> {
  const libexec = libreswanLibexec(DEFAULT_CACHE_DIR);
  const etc = join(lab.workDir, 'router');
  const at = (f: string): string => join(etc, f);
  for (const d of [etc, at('nss'), at('run')]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(at('ipsec.conf'), filled(fixtures.conf, { ...values, LOG: at('pluto.log') }));
  writeFileSync(at('ipsec.secrets'), filled(fixtures.secrets, values), { mode: 0o600 });
  const ctl = at('run/pluto.ctl');
  await lab.supervisor.run('certutil', ['-N', '-d', `sql:${at('nss')}`, '--empty-password']);
  const pluto = lab.supervisor.spawnDaemon({
    name: 'pluto-branch-router',
    cmd: plutoTool('pluto'),
    args: ['--nofork', '--config', at('ipsec.conf'), '--secretsfile', at('ipsec.secrets'), '--nssdir', at('nss'), '--rundir', at('run')],
    netns: lab.names.dutNs,
    env: {
      // Without ESP in this kernel, the lab's XFRM emulation (docs/lab.md); a real kernel needs none.
      ...(lab.dataPlane === 'emulated' ? { LD_PRELOAD: join(DEFAULT_CACHE_DIR, SHIM_FILE) } : {}),
      // pluto 4.10 skips its first DPD event about one time in ten on libevent's coarse clock
      // (docs/daemons.md#first-probe-at-dpddelay-or-2--dpddelay); the precise clock removes that
      // coin toss, so the first probe's timing is a verdict here and not luck.
      EVENT_PRECISE_TIMER: '1',
      // pluto runs its default updown as `ipsec _updown`: Libreswan's `ipsec`, as on the router,
      // not the strongSwan one this lab host also has on PATH.
      PATH: `${join(DEFAULT_CACHE_DIR, 'libreswan', 'usr', 'sbin')}:${process.env.PATH ?? ''}`,
    },
    // The Debian package hard-codes /usr/libexec/ipsec (addconn, _updown), unpacked elsewhere here.
    privateMounts: [{ type: 'bind', source: libexec, target: '/usr/libexec' }, { type: 'tmpfs', target: '/run' }],
    logFile: at('pluto.log'),
  });
  const whack = (args: string[], timeoutMs = 10_000) => lab.supervisor.run(plutoTool('whack'), ['--ctlsocket', ctl, ...args], { timeoutMs });
  await waitUntilReady(systemClock, pluto, async () => (await whack(['--status'], 3000), true), 20_000, 'pluto');
  await lab.supervisor.run(plutoTool('addconn'), ['--config', at('ipsec.conf'), '--ctlsocket', ctl, '--autoall']);
  await whack(['--rereadsecrets']);
  const replace = async (conn: string): Promise<void> => {
    await whack(['--delete', '--name', conn]);
    await lab.supervisor.run(plutoTool('addconn'), ['--config', at('ipsec.conf'), '--ctlsocket', ctl, conn]);
  };
  return { pluto, ctl, whack, replace };
}
