/** The end-to-end report checks (lab-run-checks.ts) against strongSwan 5.9: lab dpdss, 198.51.100.192/28. */
import { describeLabRun } from './lab-run-checks.js';

describeLabRun({ name: 'strongSwan', profile: 'profiles/strongswan.yaml', commands: ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl'] });
