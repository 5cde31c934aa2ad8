/**
 * What a status parser reads from a DUT's "show SAs" output: one IKE SA per
 * entry, with the peer's address and whether the SA is up (phase 1 complete),
 * as opposed to one being negotiated or torn down.
 */
import { HarnessError } from '../../errors.js';

export interface StatusEntry {
  peer: string;
  /** The state word as the DUT printed it (QM_IDLE, ESTABLISHED, UP, …). */
  state: string;
  up: boolean;
}

export interface StatusContext {
  /** The DUT's own address: columns holding it are not the peer. */
  dutAddress: string;
}

export type StatusParser = (output: string, context: StatusContext) => StatusEntry[];

export const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;

/** A router's error where a table was expected ("% Invalid input", "unknown command", "error: …"). */
const ERROR_LINE = /^\s*(%|error\b|unknown command|invalid (input|command)|syntax error|command not found|permission denied)/i;

/** Output that is not the command's table at all is an error, never "no SAs". */
export function rejectErrorOutput(output: string, format: string): void {
  const bad = output.split('\n').find((l) => ERROR_LINE.test(l));
  if (bad !== undefined) throw new HarnessError('ERR_CONTROL_PARSE', `${format}: the status output is an error, not an SA list: ${JSON.stringify(bad.trim())}`);
}
