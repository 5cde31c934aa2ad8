/**
 * Without CAP_NET_RAW the real addon is refused by the kernel: run the
 * injector and the capture in a child that dropped root (uid nobody, no
 * capabilities) and check the typed error it reports.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { requireCommands, requireRoot } from '../support/environment.js';

const run = promisify(execFile);
const src = (file: string): string => pathToFileURL(fileURLToPath(new URL(`../../src/peer/${file}`, import.meta.url))).href;

describe('raw sockets without CAP_NET_RAW @root', function () {
  this.timeout(60_000);
  let dir: string | undefined;

  before(function () {
    requireRoot(this);
    requireCommands(this, 'setpriv');
    dir = mkdtempSync(join(tmpdir(), 'icx-perm-'));
    // The unprivileged child must be able to read its script.
    chmodSync(dir, 0o755);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('IcmpInjector.open and RawCapture.open fail with ERR_RAW_NOT_PERMITTED', async () => {
    const script = join(dir as string, 'open.mts');
    writeFileSync(
      script,
      `import { IcmpInjector } from '${src('icmp-injector.ts')}';
import { RawCapture } from '${src('raw-capture.ts')}';
import { systemClock } from '${src('system-clock.ts')}';
const codes = [];
for (const open of [() => IcmpInjector.open({ clock: systemClock }), () => RawCapture.open({ clock: systemClock, addresses: ['127.0.0.1'], onPacket() {} })]) {
  try { open().close(); codes.push('opened'); } catch (e) { codes.push(e.code ?? String(e)); }
}
console.log(JSON.stringify(codes));
`,
      { mode: 0o644 },
    );
    const { stdout } = await run(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', 'env', `HOME=${dir}`, process.execPath, '--import', 'tsx', script],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 45_000 },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).to.deep.equal(['ERR_RAW_NOT_PERMITTED', 'ERR_RAW_NOT_PERMITTED']);
  });
});
