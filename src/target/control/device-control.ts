/**
 * The DUT side of an external target driven by the user's commands: status
 * read and parsed for one peer, initiate and terminate run for one peer.
 */
import { HarnessError } from '../../errors.js';
import type { Clock } from '../../events.js';
import type { TargetControl } from '../../profile/device-profile.js';
import { runControlCommand, type CommandEnv } from './run-command.js';
import { statusParser } from './status-parsers.js';

export class DeviceControl {
  constructor(
    private readonly control: TargetControl,
    private readonly dutAddress: string,
    private readonly clock: Clock,
  ) {}

  private env(peerAddress: string, peerIndex: number): CommandEnv {
    return { peerAddress, peerIndex, dutAddress: this.dutAddress };
  }

  /** Whether the DUT's status lists an up IKE SA with this peer; throws when the command or its output is broken. */
  async hasSa(peerAddress: string, peerIndex: number): Promise<boolean> {
    const status = this.control.status;
    if (!status) throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'no target.control.status command');
    const { stdout } = await runControlCommand('status', status.command, status.timeoutS, this.env(peerAddress, peerIndex), this.clock);
    const entries = statusParser(status.format, status.pattern)(stdout, { dutAddress: this.dutAddress });
    return entries.some((e) => e.up && e.peer === peerAddress);
  }

  async initiate(peerAddress: string, peerIndex: number): Promise<void> {
    const c = this.control.initiate;
    if (!c) throw new HarnessError('ERR_TARGET_UNAVAILABLE', 'no target.control.initiate command: the DUT cannot be made to initiate');
    await runControlCommand('initiate', c.command, c.timeoutS, this.env(peerAddress, peerIndex), this.clock);
  }

  async terminate(peerAddress: string, peerIndex: number): Promise<void> {
    const c = this.control.terminate;
    if (!c) return;
    await runControlCommand('terminate', c.command, c.timeoutS, this.env(peerAddress, peerIndex), this.clock);
  }
}
