/**
 * `dpd-harness diff <baseline> <candidate> [--threshold <s>] [--format text|markdown]
 * [--junit <file>] [--html <file>]`: compares two finished runs (report folders
 * or results.json files). Exit 0 nothing regressed, 1 a regression, 2 bad input.
 */
import { writeReportFile } from '../report/report-writer.js';
import { EXIT, HarnessError, UsageError } from '../errors.js';
import { renderDiffHtml } from '../report/diff-html.js';
import { renderDiffJunit } from '../report/diff-junit.js';
import { renderDiffMarkdown, renderDiffText } from '../report/diff-text.js';
import { loadResults } from '../report/results-reader.js';
import { diffRuns } from '../report/run-diff.js';
import { DIFF } from './commands.js';
import { parseCommandArgs } from './option-table.js';

export interface DiffArgs {
  baseline: string;
  candidate: string;
  threshold?: number;
  format: 'text' | 'markdown';
  junit?: string;
  html?: string;
}

export function parseDiffArgs(args: readonly string[]): DiffArgs {
  const parsed = parseCommandArgs(DIFF, args);
  const paths = parsed.positionals;
  if (paths.length !== 2) throw new UsageError(`diff needs a baseline and a candidate (report folders or results.json), got ${paths.length} path(s)`);
  const out: DiffArgs = { baseline: paths[0]!, candidate: paths[1]!, format: parsed.string('format') as DiffArgs['format'] };
  const threshold = parsed.string('threshold');
  if (threshold !== undefined) {
    const n = Number(threshold);
    if (threshold.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`diff: --threshold needs seconds ≥ 0, got ${threshold}`);
    out.threshold = n;
  }
  const [junit, html] = [parsed.string('junit'), parsed.string('html')];
  if (junit !== undefined) out.junit = junit;
  if (html !== undefined) out.html = html;
  return out;
}

export async function diffCommand(args: string[]): Promise<number> {
  const opts = parseDiffArgs(args);
  let baseline, candidate;
  try {
    baseline = loadResults(opts.baseline);
    candidate = loadResults(opts.candidate);
  } catch (err) {
    // Bad input is exit 2 whatever the dispatcher's mapping of codes.
    if (!(err instanceof HarnessError) || !err.code.startsWith('ERR_RESULTS')) throw err;
    process.stderr.write(`dpd-harness: ${err.code}: ${err.message}\n`);
    return EXIT.USAGE;
  }
  const diff = diffRuns(baseline.doc, candidate.doc, opts.threshold === undefined ? {} : { threshold: opts.threshold });
  const names = { baseline: opts.baseline, candidate: opts.candidate };
  process.stdout.write(opts.format === 'markdown' ? renderDiffMarkdown(diff, names) : renderDiffText(diff, names));
  if (opts.junit) writeReportFile(opts.junit, renderDiffJunit(diff));
  if (opts.html) writeReportFile(opts.html, renderDiffHtml(diff, names));
  return diff.regressionCount === 0 ? EXIT.OK : EXIT.FAILED;
}
