/**
 * How a check's numbers read in every report: "expected 10 ± 0.5 s, observed
 * 12.031 s". One formatter so junit.xml and report.html never disagree.
 */
import type { Check } from './result-model.js';

/** Up to millisecond precision for times, no trailing zeros: 10, 10.5, 12.031. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Math.round(n * 1000) / 1000);
}

export function formatValue(value: number | string, unit: string | undefined): string {
  const text = typeof value === 'number' ? formatNumber(value) : value;
  return unit && typeof value === 'number' ? `${text} ${unit}` : text;
}

export function formatExpected(c: Check): string {
  if (c.tolerance === undefined || typeof c.expected !== 'number') return formatValue(c.expected, c.unit);
  return `${formatNumber(c.expected)} ± ${formatValue(c.tolerance, c.unit)}`;
}

export function formatObserved(c: Check): string {
  return c.observed === null ? 'nothing observed' : formatValue(c.observed, c.unit);
}

export function formatTolerance(c: Check): string {
  return c.tolerance === undefined ? '' : formatValue(c.tolerance, c.unit);
}

/** One line for a failure message: `<name>: expected …, observed …[ (detail)]`. */
export function checkLine(c: Check): string {
  return `${c.name}: expected ${formatExpected(c)}, observed ${formatObserved(c)}${c.detail ? ` (${c.detail})` : ''}`;
}
