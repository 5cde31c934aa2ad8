/** The end-to-end report checks (lab-run-checks.ts) against strongSwan 5.9. */
import { STRONGSWAN } from './lab-duts.js';
import { describeLabRun } from './lab-run-checks.js';

describeLabRun(STRONGSWAN);
