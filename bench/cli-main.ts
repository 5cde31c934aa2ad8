/** The CLI from source for bench/lab-jobs.ts, as bin/dpd-harness.js runs the compiled one. */
import { main } from '../src/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
