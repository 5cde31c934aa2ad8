/** The end-to-end report checks (lab-run-checks.ts) against Libreswan 4.10: lab dpdls, 198.51.100.208/28. */
import { join } from 'node:path';
import { REPO } from './cli-run.js';
import { describeLabRun } from './lab-run-checks.js';

// scripts/lab-install.sh unpacks Libreswan here (it is never installed system-wide).
const ipsec = join(REPO, '.cache/libreswan/usr/libexec/ipsec');

describeLabRun({ name: 'Libreswan', profile: 'profiles/libreswan.yaml', commands: [join(ipsec, 'pluto'), join(ipsec, 'whack'), 'certutil'] });
