/** The end-to-end report checks (lab-run-checks.ts) against Libreswan 4.10. */
import { LIBRESWAN } from './lab-duts.js';
import { describeLabRun } from './lab-run-checks.js';

describeLabRun(LIBRESWAN);
