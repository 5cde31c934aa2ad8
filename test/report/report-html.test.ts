import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { renderReportHtml } from '../../src/report/report-html.js';
import { renderTimelineSvg, timelineViewOf } from '../../src/report/timeline-svg.js';
import { requireCommands } from '../support/environment.js';
import { ALL_SCENARIOS, deadPeer, ENC_KEY, endOfAxis, nasty, probesAnswered, PSK, syntheticRun } from './synthetic-run.js';

const run = promisify(execFile);

/** Width of the timeline's viewBox. */
const SVG_WIDTH = 1100;

/** The report with only `endOfAxis` in it. */
const endOfAxisReport = () => ({ ...syntheticRun(), suites: [{ name: 'dpd-basics', file: 'suites/dpd-basics.yaml', scenarios: [endOfAxis] }] });

/**
 * Right end of every message and window label, from its attributes, at the advance Chromium
 * renders (7.25 px a character bold, 6.55 regular, DejaVu Sans 11px): independent of the
 * renderer's own estimate.
 */
function estimatedLabelEnds(svg: string): { text: string; right: number }[] {
  return [...svg.matchAll(/<text x="([\d.-]+)" y="[\d.-]+"( text-anchor="end")?(?: transform="rotate\((-?\d+) [^"]*")? class="(msg-label|band-label)"[^>]*>([^<]*)<\/text>/g)].map(
    ([, x, end, angle, kind, text]) => {
      const length = text.length * (kind === 'msg-label' ? 7.25 : 6.55) * Math.cos((Number(angle ?? 0) * Math.PI) / 180);
      return { text, right: Number(x) + (end ? 0 : length) };
    },
  );
}

describe('report: report.html', () => {
  const html = renderReportHtml(syntheticRun());

  it('is self-contained: no scripts and nothing fetched (CSP forbids it too)', () => {
    expect(html).not.to.match(/<script|<link|<img|@import|url\(|src=/i);
    expect(html).to.contain(`default-src 'none'`);
    expect(html).not.to.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('escapes titles, ids, check names and daemon log lines', () => {
    expect(html).not.to.contain('<SPI>');
    expect(html).to.contain('Delete carries &lt;SPI&gt; &amp; &quot;cookies&quot; &#39;ISAKMP&#39; ]]&gt; \uFFFD');
    expect(html).to.contain('Delete &lt;SPI&gt; &amp; &quot;x&quot;');
    // The renderer is pure (the writer redacts secrets before rendering), so the fixture's log line shows escaped.
    expect(html).to.contain(PSK.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'));
  });

  it('never shows derived key material (that is only in the .ikev1-keys files and README.md)', () => {
    expect(html).not.to.contain(ENC_KEY);
  });

  it('summarises counts per status and links every scenario', () => {
    for (const s of ALL_SCENARIOS) expect(html).to.contain(`href="#scenario-${s.id.replace(/[^A-Za-z0-9_-]/g, '_')}"`);
    expect(html.match(/class="count s-[a-z-]+"><b>1<\/b>/g)).to.have.length(6);
    expect(html).to.contain('Run interrupted.');
  });

  it('timeline: direction lanes, a band per expected window, kind labels with seq, Main Mode burst as one marker', () => {
    const svg = renderTimelineSvg(timelineViewOf(probesAnswered));
    expect(svg).to.contain('DUT → peer').and.contain('peer → DUT');
    expect(svg.match(/class="band"/g)).to.have.length(2);
    expect(svg).to.contain(`>R-U-THERE ${0x1a2b0001}</text>`).and.contain(`>R-U-THERE-ACK ${0x1a2b0002}</text>`);
    expect(svg.match(/>Main Mode ×3<\/text>/g)).to.have.length(2);
    // The axis runs to the scenario duration (21.5 s) plus 3 %; the plot spans x = 118 … 1100 - 104.
    const acks = svg.split('<g class="msg').filter((g) => g.includes('data-kind="r-u-there-ack"'));
    const x = Number(/<circle cx="([\d.]+)"/.exec(acks[1])?.[1]);
    expect(x).to.be.closeTo(118 + (20.0035 / (21.5 * 1.03)) * (1100 - 118 - 104), 0.1);
  });

  it('timeline: labels of a message or window at the right end of the axis stay inside the drawing', () => {
    const ends = estimatedLabelEnds(renderTimelineSvg(timelineViewOf(endOfAxis)));
    expect(ends.map((e) => e.text)).to.include.members([`R-U-THERE ${0xffffffff}`, `R-U-THERE-ACK ${0xffffffff}`, 'R-U-THERE-ACK within the retry interval']);
    for (const e of ends) expect(e.right, e.text).to.be.at.most(SVG_WIDTH);
  });

  it('timeline: the Delete and the rejected-message styling show up', () => {
    const rejected = { ...deadPeer, events: deadPeer.events.map((e) => (e.type === 'datagram' && e.summary?.kind === 'delete' ? { ...e, rejected: { code: 'ERR_IKE_BAD_HASH', message: 'hash mismatch' } } : e)) };
    const svg = renderTimelineSvg(timelineViewOf(rejected));
    expect(svg).to.match(/<g class="msg rejected" data-kind="delete">/);
    expect(svg).to.contain('rejected: ERR_IKE_BAD_HASH');
  });

  describe('renders in headless Chromium', function () {
    this.timeout(120_000);
    let dir: string;
    before(function () {
      requireCommands(this, 'chromium');
      dir = mkdtempSync(join(tmpdir(), 'report-html-'));
      writeFileSync(join(dir, 'report.html'), renderReportHtml(syntheticRun()));
      // The same report with its CSP lifted and a script that writes every label's box (in viewBox units) into the DOM.
      const measuring = `<script>
        const boxes = [];
        for (const svg of document.querySelectorAll('svg.timeline')) {
          const s = svg.getBoundingClientRect();
          const scale = s.width / svg.viewBox.baseVal.width;
          for (const t of svg.querySelectorAll('text.msg-label, text.band-label')) {
            const r = t.getBoundingClientRect();
            boxes.push({ text: t.textContent, left: (r.left - s.left) / scale, right: (r.right - s.left) / scale, top: (r.top - s.top) / scale, width: svg.viewBox.baseVal.width });
          }
        }
        const out = document.createElement('pre');
        out.id = 'label-boxes';
        out.textContent = JSON.stringify(boxes);
        document.body.append(out);
      </script></body>`;
      const html = renderReportHtml(endOfAxisReport()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', measuring);
      writeFileSync(join(dir, 'label-boxes.html'), html);
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Opens `page` (a file in dir) with its own profile folder. */
    const chromium = (page: string, profile: string, ...args: string[]): Promise<{ stdout: string }> =>
      run(
        'chromium',
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, profile)}`, ...args, `file://${join(dir, page)}`],
        { timeout: 100_000, maxBuffer: 32 * 1024 * 1024 },
      );

    it('the rendered DOM holds every scenario title and every check row', async () => {
      const { stdout } = await chromium('report.html', 'dom', '--dump-dom');
      for (const s of ALL_SCENARIOS) expect(stdout).to.contain(`id="scenario-${s.id.replace(/[^A-Za-z0-9_-]/g, '_')}"`);
      expect(stdout).to.contain('DUT declares a silent peer dead and sends Delete');
      expect(stdout).to.contain(nasty.title.replace('\u0001', '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      const rows = stdout.match(/<tr class="check (?:pass|fail)">/g) ?? [];
      expect(rows).to.have.length(ALL_SCENARIOS.reduce((n, s) => n + s.checks.length, 0));
      expect(stdout.match(/<tr class="check fail">/g)).to.have.length(3);
      expect(stdout.match(/<svg class="timeline"/g)).to.have.length(5);
    });

    it('labels of a message or window at the right end of the axis are drawn inside the SVG', async () => {
      const { stdout } = await chromium('label-boxes.html', 'labels', '--dump-dom');
      const json = /<pre id="label-boxes">([^<]*)<\/pre>/.exec(stdout)?.[1];
      expect(json, 'the measuring script ran').to.be.a('string');
      const boxes = JSON.parse(json!.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&')) as { text: string; left: number; right: number; top: number; width: number }[];
      expect(boxes.map((b) => b.text)).to.include.members([`R-U-THERE ${0xffffffff}`, `R-U-THERE-ACK ${0xffffffff}`, 'R-U-THERE-ACK within the retry interval']);
      for (const b of boxes) {
        expect(b.right, `${b.text}: right end`).to.be.at.most(b.width);
        expect(b.left, `${b.text}: left end`).to.be.at.least(0);
        expect(b.top, `${b.text}: top`).to.be.at.least(0);
      }
    });

    it('produces a non-trivial screenshot', async () => {
      const png = join(dir, 'report.png');
      await chromium('report.html', 'shot', `--screenshot=${png}`, '--window-size=1280,2000');
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString('latin1')).to.equal('PNG');
      expect(bytes.readUInt32BE(16)).to.equal(1280);
      expect(bytes.readUInt32BE(20)).to.equal(2000);
      // A blank 1280x2000 page compresses to a few kB; the report's text, tables and SVG do not.
      expect(statSync(png).size).to.be.greaterThan(60_000);
    });
  });
});
