/**
 * `npm run bench`: the fake peer's throughput figures recorded in
 * docs/performance.md. Not tests: numbers depend on the machine and its load.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { concurrentSas } from './concurrent-sas.js';
import { dpdAnswerCost } from './dpd-answer-cost.js';
import { mainModeHandshakes } from './main-mode-handshakes.js';

const cpu = cpus();
console.log(`dpd-harness bench, ${new Date().toISOString()}`);
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const bench of [mainModeHandshakes, dpdAnswerCost, concurrentSas]) {
  for (const line of await bench()) console.log(line);
}
