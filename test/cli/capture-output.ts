import { main } from '../../src/cli/main.js';

/** What `fn` writes to stdout and stderr while it runs, and the exit code it returns. */
export async function captureOutput(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((c: string) => ((out += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((err += String(c)), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(), out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

/** `dpd-harness <argv>` in this process: its output and exit code. */
export const runMain = (argv: string[]): Promise<{ code: number; out: string; err: string }> => captureOutput(() => main(argv));
