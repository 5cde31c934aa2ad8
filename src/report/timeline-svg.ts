/**
 * The timeline diagram of one scenario as inline SVG: two direction lanes
 * (DUT → peer above, peer → DUT below) on a seconds axis from the scenario
 * start, the expected windows as shaded bands, runner marks on the axis.
 * Messages closer together than a few pixels in one lane (a Main Mode burst)
 * are drawn as one marker labelled with a count, so labels stay readable;
 * every marker carries a <title> tooltip with the full details.
 */
import type { MessageKind } from '../events.js';
import { formatNumber } from './check-text.js';
import { escapeMarkup } from './markup-escape.js';
import { formatEndpoint, messageTimeline, type TimelineMessage } from './message-timeline.js';
import type { ExpectedWindow, ScenarioResult } from './result-model.js';
import { type ScenarioNote, scenarioNotes } from './scenario-annotations.js';

/** What the diagram draws: the rows results.json holds too, so a diagram can also be drawn from a results.json. */
export interface TimelineView {
  messages: readonly TimelineMessage[];
  windows: readonly ExpectedWindow[];
  /** Runner marks (▲ under the axis). */
  marks: readonly ScenarioNote[];
  durationS: number;
}

export function timelineViewOf(result: ScenarioResult): TimelineView {
  return {
    messages: messageTimeline(result),
    windows: result.expectedWindows ?? [],
    marks: scenarioNotes(result).filter((n) => n.kind === 'mark'),
    durationS: result.durationMs / 1000,
  };
}

const WIDTH = 1100;
const LEFT = 118;
/** Room for the rotated label of a message near the end of the axis (a longer one turns left: labelPlacement). */
const RIGHT = 104;
/** Room above the DUT → peer lane for its labels, which rise from the markers. */
const TOP = 26;
const LANE_HEIGHT = 96;
/** Markers sit this far from the boundary between the lanes, so a probe and its answer line up. */
const MARKER_INSET = 14;
const BAND_LABEL_ROW = 15;
const MIN_CLUSTER_GAP_PX = 9;
/** Rotated labels of markers closer than this would print over each other: they share one label. */
const MIN_LABEL_GAP_PX = 16;
/** Gap between a marker and the start (or end) of its label. */
const LABEL_OFFSET = 7;
/**
 * Advance per character of the message and window label fonts (bold and regular 11px), a
 * little over what Chromium renders with DejaVu Sans: labels are kept inside the drawing by it.
 */
const MSG_LABEL_CHAR_PX = 7.4;
const BAND_LABEL_CHAR_PX = 6.6;

/** Colours per kind, shared with the legend and the CSS of report.html. */
export const KIND_COLOURS: Record<MessageKind, string> = {
  'r-u-there': '#d9480f',
  'r-u-there-ack': '#2b8a3e',
  delete: '#c92a2a',
  'main-mode': '#1c7ed6',
  'aggressive-mode': '#1c7ed6',
  'quick-mode': '#7048e8',
  notify: '#e67700',
  informational: '#495057',
  // IKEv2 in the IKEv1 palette: handshakes blue/violet like Main/Quick Mode, liveness like R-U-THERE/ACK.
  'ike-sa-init': '#1c7ed6',
  'ike-auth': '#1c7ed6',
  'create-child-sa': '#7048e8',
  liveness: '#d9480f',
  'liveness-response': '#2b8a3e',
  unknown: '#868e96',
};

/** A round tick step giving about `target` ticks over `span` seconds. */
function tickStep(span: number, target: number): number {
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  return steps.find((s) => span / s <= target) ?? Math.ceil(span / target / 3600) * 3600;
}

interface Cluster {
  x: number;
  messages: TimelineMessage[];
}

function clusters(messages: readonly TimelineMessage[], x: (t: number) => number): Cluster[] {
  const out: Cluster[] = [];
  for (const m of messages) {
    const last = out.at(-1);
    const mx = x(m.t);
    if (last && mx - x(last.messages.at(-1)!.t) < MIN_CLUSTER_GAP_PX && last.messages[0].kind === m.kind) last.messages.push(m);
    else out.push({ x: mx, messages: [m] });
  }
  return out;
}

function tooltip(m: TimelineMessage): string {
  const from = m.direction === 'in' ? formatEndpoint(m.peer) : formatEndpoint(m.local);
  const to = m.direction === 'in' ? formatEndpoint(m.local) : formatEndpoint(m.peer);
  const parts = [`+${m.t.toFixed(3)} s  ${m.label}`, `${from} → ${to}`, `time: ${m.stampedBy === 'kernel' ? 'kernel receive stamp' : 'event loop'}`];
  if (m.seq !== null) parts.push(`seq ${m.seq}`);
  if (m.messageId !== null) parts.push(`message ID ${m.messageId}`);
  if (m.rejected) parts.push(`rejected: ${m.rejected.code}`);
  if (m.behaviour) parts.push(`behaviour: ${m.behaviour}`);
  return parts.join('\n');
}

function clusterLabel(c: Cluster): string {
  const first = c.messages[0];
  if (c.messages.length > 1) return `${first.label.replace(/ #\d+$/, '')} ×${c.messages.length}`;
  return first.seq !== null ? `${first.label} ${first.seq}` : first.label;
}

/** Distinct rows for band labels so overlapping windows do not print over each other. */
function bandRows(bands: { labelLeft: number; width: number }[]): number[] {
  const rowEnds: number[] = [];
  return bands.map((b) => {
    const labelEnd = b.labelLeft + b.width;
    let row = rowEnds.findIndex((end) => end < b.labelLeft);
    if (row === -1) row = rowEnds.push(labelEnd) - 1;
    else rowEnds[row] = labelEnd;
    return row;
  });
}

interface LabelPlacement {
  x: number;
  angle: number;
  anchor: 'start' | 'end';
}

/**
 * A message label rises (or falls) to the right of its marker; one that would run past the
 * right edge of the drawing is mirrored to the left of the marker, ending there.
 */
function labelPlacement(markerX: number, angle: number, text: string): LabelPlacement {
  const reach = LABEL_OFFSET + text.length * MSG_LABEL_CHAR_PX * Math.cos((angle * Math.PI) / 180);
  if (markerX + reach <= WIDTH) return { x: markerX + LABEL_OFFSET, angle, anchor: 'start' };
  return { x: markerX - LABEL_OFFSET, angle: -angle, anchor: 'end' };
}

export function renderTimelineSvg(view: TimelineView): string {
  const { messages, windows, marks } = view;
  const end = Math.max(view.durationS, ...messages.map((m) => m.t), ...windows.map((w) => w.to), ...marks.map((m) => m.t), 1) * 1.03;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number): number => LEFT + (Math.max(0, t) / end) * plotWidth;

  const laneIn = TOP;
  const laneOut = TOP + LANE_HEIGHT;
  const axisY = laneOut + LANE_HEIGHT;
  // Window labels go under the axis, away from the message labels.
  // A window label starts right of its tick, or ends left of it where it would run past the right edge.
  const bands = windows.map((w) => {
    const x1 = x(w.from);
    const width = w.label.length * BAND_LABEL_CHAR_PX + 8;
    const endsLeft = x1 + 3 + width > WIDTH;
    return { w, x1, x2: Math.max(x(w.to), x1 + 2), width, endsLeft, labelLeft: endsLeft ? x1 - 3 - width : x1 };
  });
  const rows = bandRows(bands);
  const bandTop = axisY + 30;
  const height = bandTop + (Math.max(-1, ...rows) + 1) * BAND_LABEL_ROW + 6;

  const parts: string[] = [];
  parts.push(`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="message timeline">`);
  parts.push(`<rect x="${LEFT}" y="${laneIn}" width="${plotWidth}" height="${LANE_HEIGHT}" class="lane"/>`);
  parts.push(`<rect x="${LEFT}" y="${laneOut}" width="${plotWidth}" height="${LANE_HEIGHT}" class="lane lane-alt"/>`);
  parts.push(`<text x="${LEFT - 10}" y="${laneIn + LANE_HEIGHT - MARKER_INSET + 4}" class="lane-label" text-anchor="end">DUT → peer</text>`);
  parts.push(`<text x="${LEFT - 10}" y="${laneOut + MARKER_INSET + 4}" class="lane-label" text-anchor="end">peer → DUT</text>`);
  parts.push(`<text x="${LEFT - 10}" y="${axisY + 17}" class="tick" text-anchor="end">time (s)</text>`);
  // Expected windows behind everything else.
  bands.forEach((b, i) => {
    const labelY = bandTop + rows[i] * BAND_LABEL_ROW;
    parts.push(
      `<g class="window"><title>${escapeMarkup(`expected: ${b.w.label}, ${formatNumber(b.w.from)}–${formatNumber(b.w.to)} s`)}</title>` +
        `<rect x="${b.x1.toFixed(1)}" y="${laneIn}" width="${(b.x2 - b.x1).toFixed(1)}" height="${LANE_HEIGHT * 2}" class="band"/>` +
        `<line x1="${b.x1.toFixed(1)}" y1="${axisY}" x2="${b.x1.toFixed(1)}" y2="${labelY + 2}" class="band-tick"/>` +
        `<text x="${(b.endsLeft ? b.x1 - 3 : b.x1 + 3).toFixed(1)}" y="${labelY}"${b.endsLeft ? ' text-anchor="end"' : ''} class="band-label">${escapeMarkup(b.w.label)}</text></g>`,
    );
  });
  // Axis and grid.
  const step = tickStep(end, 12);
  parts.push(`<line x1="${LEFT}" y1="${axisY}" x2="${LEFT + plotWidth}" y2="${axisY}" class="axis"/>`);
  for (let i = 0; i * step <= end + 1e-9; i++) {
    const t = i * step;
    const tx = x(t).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${laneIn}" x2="${tx}" y2="${axisY + 4}" class="grid"/>`);
    parts.push(`<text x="${tx}" y="${axisY + 17}" class="tick" text-anchor="middle">${formatNumber(t)}</text>`);
  }
  for (const m of marks) {
    const mx = x(m.t).toFixed(1);
    parts.push(`<g class="mark"><title>${escapeMarkup(`+${m.t.toFixed(3)} s ${m.text}`)}</title><path d="M${mx} ${axisY} l-4 -7 h8 z"/></g>`);
  }
  // Messages: DUT → peer markers at the bottom of the upper lane with labels rising,
  // peer → DUT markers at the top of the lower lane with labels falling.
  for (const [direction, markerY, angle] of [
    ['in', laneOut - MARKER_INSET, -30],
    ['out', laneOut + MARKER_INSET, 30],
  ] as const) {
    const laneClusters = clusters(messages.filter((m) => m.direction === direction), x);
    // A burst of different kinds (Main Mode then Quick Mode at set-up) gets one joined label on its first marker.
    const labels = new Map<Cluster, string>();
    let leader: Cluster | undefined;
    for (const c of laneClusters) {
      if (leader && c.x - leader.x < MIN_LABEL_GAP_PX) labels.set(leader, `${labels.get(leader)} · ${clusterLabel(c)}`);
      else {
        leader = c;
        labels.set(c, clusterLabel(c));
      }
    }
    for (const c of laneClusters) {
      const first = c.messages[0];
      const colour = KIND_COLOURS[first.kind];
      const cx = c.x.toFixed(1);
      const rejected = c.messages.some((m) => m.rejected);
      const title = c.messages.map(tooltip).join('\n\n');
      const labelY = markerY + (angle < 0 ? -7 : 11);
      const label = labels.get(c);
      const placed = label === undefined ? undefined : labelPlacement(c.x, angle, label);
      parts.push(
        `<g class="msg${rejected ? ' rejected' : ''}" data-kind="${first.kind}"><title>${escapeMarkup(title)}</title>` +
          `<circle cx="${cx}" cy="${markerY}" r="${c.messages.length > 1 ? 5 : 4}" fill="${rejected ? '#fff' : colour}" stroke="${colour}" stroke-width="2"/>` +
          (placed
            ? `<text x="${placed.x.toFixed(1)}" y="${labelY}"${placed.anchor === 'end' ? ' text-anchor="end"' : ''} transform="rotate(${placed.angle} ${placed.x.toFixed(1)} ${labelY})" class="msg-label" fill="${colour}">${escapeMarkup(label!)}</text>`
            : '') +
          '</g>',
      );
    }
  }
  parts.push('</svg>');
  return parts.join('');
}
