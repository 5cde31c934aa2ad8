/**
 * The file-system side of the reports. Every finished scenario is written at
 * once (its pcap and key table) and the run-level files (junit.xml,
 * results.json, report.html, README.md) are rewritten, each atomically
 * (temp file + rename), so a run killed at any moment leaves complete files
 * covering the scenarios that finished; results.json and report.html, once
 * large, in slices between event-loop turns (run-file-writes.ts). finish() is
 * synchronous on purpose: a SIGINT handler can call it and know the files are there.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { HarnessEvent } from '../events.js';
import { renderIkev1KeyTable } from './ikev1-key-table.js';
import { renderIkev2KeyTable } from './ikev2-key-table.js';
import { renderJunitXml } from './junit-xml.js';
import { datagramsInOrder } from './message-timeline.js';
import { createPcapStream, datagramFromEvent, pcapFile } from './pcap-writer.js';
import { renderEspKeyTable } from './esp-key-table.js';
import { redactScenarioResult } from './redact-secrets.js';
import { renderReportHtmlChunks } from './report-html.js';
import { renderReportReadme } from './report-readme.js';
import { type DataPlane, type ProfileIdentity, type RunHistory, type RunReport, type ScenarioResult, type SuiteResult, scenarioFileStem, wallNsOf } from './result-model.js';
import { renderResultsJsonChunks } from './results-json.js';
import { type FileChunks, RunFileWrites, writeChunksAtomically } from './run-file-writes.js';
import { scenarioArtifacts } from './scenario-artifacts.js';

export class ReportError extends HarnessError {}

export interface ReportWriterOptions {
  /** Output folder; created if missing. See defaultReportDir(). */
  outDir: string;
  toolVersion: string;
  profile: ProfileIdentity;
  dataPlane: DataPlane;
  /** This run is shard index of count (`run --shard`). */
  shard?: { index: number; count: number };
  startedWallMs: number;
  /** Suites in run order (sets the order and file of each suite in the reports); scenarios of an undeclared suite add it at the end. */
  suites?: { name: string; file: string }[];
  /** Read each time the files are written: the DUT's version can become known after the run started. */
  history?: () => RunHistory;
  /** Strings to scrub from every report (the PSK, whatever its source). */
  secrets?: readonly string[];
}

/** `reports/2026-11-28T14-50-07Z`: the run's start in UTC, without characters file systems dislike. */
export function defaultReportDir(startedWallMs: number, base = 'reports'): string {
  return join(base, new Date(startedWallMs).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-'));
}

export const REPORT_FILES = { junit: 'junit.xml', results: 'results.json', html: 'report.html', readme: 'README.md' } as const;

export class ReportWriter {
  readonly outDir: string;
  private readonly options: ReportWriterOptions;
  private readonly suites: SuiteResult[];
  private finishedWallMs: number | undefined;
  private interrupted = false;
  private sliceFailure: ReportError | undefined;
  private readonly largeFiles = new RunFileWrites((err, path) => {
    this.sliceFailure ??= new ReportError('ERR_REPORT_WRITE', `cannot write ${path}: ${err.message}`, { cause: err });
  });

  constructor(options: ReportWriterOptions) {
    this.options = options;
    this.outDir = options.outDir;
    this.suites = (options.suites ?? []).map((s) => ({ name: s.name, file: s.file, scenarios: [] }));
    try {
      mkdirSync(this.outDir, { recursive: true });
    } catch (err) {
      throw new ReportError('ERR_REPORT_WRITE', `cannot create report folder ${this.outDir}: ${(err as Error).message}`, { cause: err });
    }
    this.writeRunFiles();
  }

  /**
   * The report as it stands, secrets removed (each scenario when it finished): what every file is
   * rendered from. Its scenario objects stay the same from one call to the next, so the renderers'
   * per-scenario memos hold and rewriting the run files after each scenario costs that scenario only.
   */
  report(): RunReport {
    const report: RunReport = {
      toolVersion: this.options.toolVersion,
      ...(this.options.history ? { history: this.options.history() } : {}),
      startedWallMs: this.options.startedWallMs,
      ...(this.finishedWallMs === undefined ? {} : { finishedWallMs: this.finishedWallMs }),
      profile: { ...this.options.profile },
      dataPlane: this.options.dataPlane,
      ...(this.options.shard ? { shard: { ...this.options.shard } } : {}),
      interrupted: this.interrupted,
      suites: this.suites.map((s) => ({ ...s, scenarios: [...s.scenarios] })),
    };
    return report;
  }

  scenarioFinished(result: ScenarioResult): void {
    if (this.finishedWallMs !== undefined) throw new ReportError('ERR_REPORT_WRITE', `scenario ${result.id} finished after the report was closed`);
    let suite = this.suites.find((s) => s.name === result.suite);
    if (!suite) this.suites.push((suite = { name: result.suite, file: '', scenarios: [] }));
    const shown = redactScenarioResult(result, this.options.secrets ?? []);
    const previous = suite.scenarios.findIndex((s) => s.id === result.id);
    if (previous === -1) suite.scenarios.push(shown);
    else suite.scenarios[previous] = shown;
    try {
      this.writeScenarioFiles(result);
    } finally {
      // Even when the pcap cannot be built (ERR_PCAP_BAD_DATAGRAM), the verdict reaches junit/results/html.
      const report = this.report();
      this.writeSmallRunFiles(report);
      this.largeFiles.request(this.largeRunFiles(report));
    }
  }

  /**
   * Resolves once results.json and report.html are on disk for every scenario finished so far;
   * rejects with ERR_REPORT_WRITE when a sliced write of them failed (the next write tries again).
   */
  async settled(): Promise<void> {
    await this.largeFiles.settled();
    const failure = this.sliceFailure;
    this.sliceFailure = undefined;
    if (failure) throw failure;
  }

  /**
   * Streams a running scenario's datagrams into its pcap as they happen (the
   * pcap writer's append form), so even a run killed with SIGKILL leaves the
   * packets of the scenario in progress. scenarioFinished() later replaces the
   * file with the complete, time-ordered one.
   */
  liveCapture(scenario: Pick<ScenarioResult, 'id' | 'startedAt' | 'startedWallMs'>): { record(event: HarnessEvent): void } {
    const path = join(this.outDir, `${scenarioFileStem(scenario)}.pcap`);
    let started = false;
    const write = (chunk: Uint8Array): void => {
      try {
        // The first chunk (the file header) truncates whatever an earlier run of this id left.
        if (started) appendFileSync(path, chunk);
        else writeFileSync(path, chunk);
        started = true;
      } catch (err) {
        throw new ReportError('ERR_REPORT_WRITE', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
      }
    };
    const stream = createPcapStream(write);
    return {
      record: (event) => {
        if (event.type === 'datagram') stream.append(datagramFromEvent(event, (t) => wallNsOf(scenario, t)));
      },
    };
  }

  finish(options: { interrupted: boolean; finishedWallMs: number }): void {
    this.interrupted = options.interrupted;
    this.finishedWallMs = options.finishedWallMs;
    this.writeRunFiles();
    // The complete files just written supersede any snapshot that failed on the way.
    this.sliceFailure = undefined;
  }

  private writeScenarioFiles(result: ScenarioResult): void {
    const artifacts = scenarioArtifacts(result);
    if (!artifacts) {
      // No datagram after all: drop the empty live capture so the folder matches results.json (files: null).
      rmSync(join(this.outDir, `${scenarioFileStem(result)}.pcap`), { force: true });
      return;
    }
    const datagrams = datagramsInOrder(result.events).map((e) => datagramFromEvent(e, (t) => wallNsOf(result, t)));
    this.writeAtomically(artifacts.pcap, pcapFile(datagrams));
    this.writeAtomically(artifacts.keys, artifacts.ikev2Keys ? renderIkev2KeyTable(artifacts.ikev2Keys) : renderIkev1KeyTable(artifacts.ikev1Keys));
    if (artifacts.espKeys) this.writeAtomically(artifacts.espKeys.file, renderEspKeyTable(artifacts.espKeys.entries));
  }

  /** Every run file, at once (the constructor, finish()). */
  private writeRunFiles(): void {
    const report = this.report();
    this.writeSmallRunFiles(report);
    const large = this.largeRunFiles(report);
    try {
      this.largeFiles.writeNow(large);
    } catch (err) {
      throw new ReportError('ERR_REPORT_WRITE', `cannot write ${large.map((f) => f.path).join(', ')}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** junit.xml (CI's verdict) and README.md: a few KB each, always written at once. */
  private writeSmallRunFiles(report: RunReport): void {
    this.writeAtomically(REPORT_FILES.junit, renderJunitXml(report));
    this.writeAtomically(REPORT_FILES.readme, renderReportReadme(report));
  }

  private largeRunFiles(report: RunReport): FileChunks[] {
    return [
      { path: join(this.outDir, REPORT_FILES.results), chunks: renderResultsJsonChunks(report) },
      { path: join(this.outDir, REPORT_FILES.html), chunks: renderReportHtmlChunks(report) },
    ];
  }

  private writeAtomically(name: string, data: string | Uint8Array): void {
    writeReportFile(join(this.outDir, name), data);
  }
}

/** Writes a whole report file through a temporary one, so a reader never sees half of it. */
export function writeReportFile(path: string, data: string | Uint8Array): void {
  try {
    writeChunksAtomically({ path, chunks: [data] });
  } catch (err) {
    throw new ReportError('ERR_REPORT_WRITE', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
