/**
 * Several runs of one plan (the shards of `run --shard i/n`, CI jobs of a
 * matrix) as one run, for `dpd-harness merge`. Pure: parsed results.json
 * documents in, one document out. Refuses (ERR_RESULTS_MERGE) what would make
 * the merged report lie: runs of different profiles, DUT software, harness or
 * suite revisions, a scenario reported twice, or a shard set with a shard
 * missing or repeated.
 */
import { HarnessError } from '../errors.js';
import type { ResultsDoc, SuiteJson } from './results-reader.js';

export class MergeError extends HarnessError {}

export interface MergeInput {
  doc: ResultsDoc;
  /** For error messages: the folder or file it came from. */
  name: string;
}

function same(inputs: readonly MergeInput[], what: string, of: (d: ResultsDoc) => unknown): void {
  const first = JSON.stringify(of(inputs[0]!.doc));
  const other = inputs.find((i) => JSON.stringify(of(i.doc)) !== first);
  if (other) throw new MergeError('ERR_RESULTS_MERGE', `${other.name} has another ${what} than ${inputs[0]!.name} (${JSON.stringify(of(other.doc))} vs ${first}): not shards of one run`);
}

function checkShards(inputs: readonly MergeInput[]): void {
  const shards = inputs.map((i) => i.doc.shard);
  if (shards.every((s) => s === null)) return;
  if (shards.some((s) => s === null)) throw new MergeError('ERR_RESULTS_MERGE', `${inputs[shards.indexOf(null)]!.name} is a whole run, the others shards`);
  const count = shards[0]!.count;
  same(inputs, 'shard count', (d) => d.shard!.count);
  const indexes = shards.map((s) => s!.index).sort((a, b) => a - b);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !indexes.includes(i));
  const repeated = indexes.filter((x, i) => indexes[i - 1] === x);
  if (repeated.length > 0) throw new MergeError('ERR_RESULTS_MERGE', `shard ${repeated[0]}/${count} given twice`);
  if (missing.length > 0) throw new MergeError('ERR_RESULTS_MERGE', `shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the merged report would not cover the plan`);
}

const earliest = (times: string[]): string => times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));

export function mergeRuns(inputs: readonly MergeInput[]): ResultsDoc {
  if (inputs.length === 0) throw new MergeError('ERR_RESULTS_MERGE', 'nothing to merge');
  same(inputs, 'harness version', (d) => d.tool.version);
  same(inputs, 'profile', (d) => d.history?.profileHash ?? d.profile);
  same(inputs, 'DUT version', (d) => d.history?.dutVersion.value ?? d.profile.version);
  same(inputs, 'suites revision', (d) => d.history?.suitesRevision ?? null);
  checkShards(inputs);

  const ordered = [...inputs].sort((a, b) => (a.doc.shard?.index ?? 0) - (b.doc.shard?.index ?? 0));
  const suites = new Map<string, SuiteJson>();
  const seen = new Map<string, string>();
  for (const { doc, name } of ordered) {
    for (const suite of doc.suites) {
      let merged = suites.get(suite.name);
      if (!merged) suites.set(suite.name, (merged = { name: suite.name, file: suite.file, scenarios: [] }));
      for (const s of suite.scenarios) {
        const before = seen.get(s.id);
        if (before !== undefined) throw new MergeError('ERR_RESULTS_MERGE', `scenario ${s.id} is in both ${before} and ${name}`);
        seen.set(s.id, name);
        merged.scenarios.push(s);
      }
    }
  }
  const docs = ordered.map((i) => i.doc);
  const finished = docs.map((d) => d.finishedAt);
  const first = docs[0]!;
  return {
    ...first,
    history: first.history && { ...first.history, suitesDirty: docs.some((d) => d.history?.suitesDirty === true) || (first.history.suitesDirty === null ? null : false) },
    startedAt: earliest(docs.map((d) => d.startedAt)),
    finishedAt: finished.includes(null) ? null : finished.reduce((a, b) => (Date.parse(b!) > Date.parse(a!) ? b : a)),
    interrupted: docs.some((d) => d.interrupted),
    shard: null,
    // The suites in the order the plan lists them: by suite file, as `run` reads a folder.
    suites: [...suites.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
  };
}
