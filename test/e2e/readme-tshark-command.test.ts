/**
 * The report README's tshark command, exactly as printed, on what `npm start`
 * writes (the default run: default suites, reference DUT on loopback, ephemeral
 * ports; `npm start -- --grep … --out …` is this `run`): run by sh exactly as printed it dissects
 * every packet as ISAKMP, with the output fields added it shows the decrypted R-U-THERE /
 * R-U-THERE-ACK, and the Wireshark Decode As step next to it names the same ports.
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
    // Verbatim: every packet is dissected as ISAKMP (without the -d options they are plain UDP).
    const summary = execFileSync('sh', ['-c', command!], { cwd: out, encoding: 'utf8' }).trim().split('\n');
    expect(summary.length).to.be.greaterThan(8);
    for (const line of summary) expect(line).to.match(/ ISAKMP /);
    // The Wireshark step names the same ports as the command's Decode As options.
    const ports = [...command!.matchAll(/-d udp\.port==(\d+),isakmp/g)].map((m) => m[1]);
    const wireshark = new RegExp(`\`\\n\\nIn Wireshark: open \`[^\`]+\\.pcap\`, Analyze > Decode As…, add ${ports.map((p) => `UDP port ${p}`).join(' and ')} as ISAKMP;`);
    expect(readme.slice(readme.indexOf(command!)), 'Decode As step').to.match(wireshark);
    const text = execFileSync('sh', ['-c', `${command} -T fields -e isakmp.notify.msgtype`], { cwd: out, encoding: 'utf8' });
    const types = text.split(/[\s,]+/).filter(Boolean);
    expect(types).to.include('36136').and.include('36137');
  });
});
