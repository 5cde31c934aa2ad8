/**
 * The report README's tshark command, exactly as printed, on what `npm start`
 * writes (the default run: default suites, reference DUT on loopback, ephemeral
 * ports): run by sh, it must show the decrypted R-U-THERE / R-U-THERE-ACK.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands } from '../support/environment.js';
import { startCli } from './cli-run.js';

describe('report README: the printed tshark command decrypts the reference DUT pcap', function () {
  this.timeout(120_000);

  it('the command for ack-echoes-sequence, run verbatim, shows R-U-THERE (36136) and R-U-THERE-ACK (36137)', async function () {
    requireCommands(this, 'tshark');
    const out = mkdtempSync(join(tmpdir(), 'dpdh-readme-'));
    const run = startCli(['run', '--grep', 'responder/ack-echoes-sequence', '--out', out]);
    const { code } = await run.exited;
    expect(code, run.output()).to.equal(0);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    const command = /### responder: [^\n]*\n\n```sh\n(tshark [^\n]+)\n```/.exec(readme)?.[1];
    expect(command, readme).to.be.a('string');
    expect(command).to.match(/-d udp\.port==\d+,isakmp/);
    const text = execFileSync('sh', ['-c', `${command} -T fields -e isakmp.notify.msgtype`], { cwd: out, encoding: 'utf8' });
    const types = text.split(/[\s,]+/).filter(Boolean);
    expect(types).to.include('36136').and.include('36137');
  });
});
