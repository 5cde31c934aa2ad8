/**
 * `dpd-harness merge <folders…> --out <dir>`: the report folders of several
 * shards (or CI jobs) as one report folder — results.json, junit.xml,
 * report.html and README.md rendered from the merged results, every
 * scenario's pcap and key table copied. Exit 0 merged, 2 bad input.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, HarnessError, UsageError } from '../errors.js';
import { renderJunitXml } from '../report/junit-xml.js';
import { reportFromResults } from '../report/report-from-results.js';
import { renderReportHtml } from '../report/report-html.js';
import { renderReportReadme } from '../report/report-readme.js';
import { REPORT_FILES, writeReportFile } from '../report/report-writer.js';
import { renderResultsJson } from '../report/results-json.js';
import { type LoadedResults, loadResults, readScenarioKeys, type ScenarioJson } from '../report/results-reader.js';
import { mergeRuns } from '../report/run-merge.js';
import { MERGE } from './commands.js';
import { parseCommandArgs } from './option-table.js';

export function parseMergeArgs(args: readonly string[]): { inputs: string[]; out: string } {
  const parsed = parseCommandArgs(MERGE, args);
  const inputs = parsed.positionals;
  const out = parsed.string('out');
  if (out === undefined) throw new UsageError('merge needs --out <dir>');
  if (inputs.length === 0) throw new UsageError('merge needs the report folders (or results.json files) to merge');
  if (inputs.some((p) => resolve(p) === resolve(out))) throw new UsageError(`merge: --out ${out} is one of the inputs`);
  return { inputs, out };
}

export async function mergeCommand(args: string[]): Promise<number> {
  const opts = parseMergeArgs(args);
  let loaded: LoadedResults[];
  let merged;
  try {
    loaded = opts.inputs.map(loadResults);
    merged = mergeRuns(loaded.map((l, i) => ({ doc: l.doc, name: opts.inputs[i]! })));
  } catch (err) {
    if (!(err instanceof HarnessError) || !err.code.startsWith('ERR_RESULTS')) throw err;
    process.stderr.write(`dpd-harness: ${err.code}: ${err.message}\n`);
    return EXIT.USAGE;
  }
  // Where each scenario's files are: the folder of the run that reported it.
  const home = new Map<string, string>();
  for (const l of loaded) for (const suite of l.doc.suites) for (const s of suite.scenarios) home.set(s.id, l.dir);
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (err) {
    throw new HarnessError('ERR_REPORT_WRITE', `cannot create ${opts.out}: ${(err as Error).message}`, { cause: err });
  }
  const keysOf = (s: ScenarioJson) => readScenarioKeys(home.get(s.id)!, s);
  for (const suite of merged.suites) {
    for (const s of suite.scenarios) {
      if (!s.files) continue;
      // File names come from the scenario id (unique in the merged run), so no two scenarios share one.
      for (const name of [s.files.pcap, s.files.ikev1Keys, s.files.ikev2Keys]) {
        if (name === null) continue;
        const from = join(home.get(s.id)!, name);
        if (existsSync(from)) copyFileSync(from, join(opts.out, name));
      }
    }
  }
  const report = reportFromResults(merged, keysOf);
  writeReportFile(join(opts.out, REPORT_FILES.results), renderResultsJson(report));
  writeReportFile(join(opts.out, REPORT_FILES.junit), renderJunitXml(report));
  writeReportFile(join(opts.out, REPORT_FILES.html), renderReportHtml(report));
  writeReportFile(join(opts.out, REPORT_FILES.readme), renderReportReadme(report));
  const total = merged.suites.reduce((n, s) => n + s.scenarios.length, 0);
  process.stdout.write(`merged ${loaded.length} run(s), ${total} scenarios: ${opts.out}\n`);
  return EXIT.OK;
}
