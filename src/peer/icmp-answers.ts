/**
 * The fake peer's ICMP answers under an icmp-* silence: the injector is opened on first use (so
 * runs that never need one need no raw socket, hence no root), and a refused or failed ICMP
 * becomes a mark on the timeline, never a throw: the run goes on and the report shows why no ICMP left.
 */
import { HarnessError } from '../errors.js';
import type { MarkEvent } from '../events.js';
import type { EventLog } from './event-log.js';
import { IcmpInjector } from './icmp-injector.js';
import type { UnreachableName } from './icmp-message.js';
import type { Datagram } from './udp-transport.js';

export interface IcmpAnswersDeps {
  open(): IcmpInjector;
  log: EventLog;
  isClosed(): boolean;
  mark(label: string, sa: string | undefined, icmp: MarkEvent['icmp']): void;
}

export class IcmpAnswers {
  /** The injector once opened, or the typed error that opening it gave (not retried: every use would fail the same way). */
  private icmp: IcmpInjector | HarnessError | undefined;

  constructor(private readonly deps: IcmpAnswersDeps) {}

  answer(d: Datagram, code: UnreachableName, from: string | undefined, sa: string | undefined): void {
    const injector = this.injector();
    if (!(injector instanceof IcmpInjector)) {
      this.deps.mark(`icmp ${code} unreachable not sent to ${d.remote.address}: ${injector.code} ${injector.message}`, sa, { code, sent: false });
      return;
    }
    injector.unreachable({ datagram: d, code, ...(from !== undefined ? { from } : {}) }).then(
      (sent) => {
        if (this.deps.isClosed()) return;
        this.deps.log.push({ type: 'mark', t: sent.t, label: `icmp ${code} unreachable (code ${sent.code}) sent ${sent.from} → ${sent.to}${sa ? ` [${sa}]` : ''}`, icmp: { code, sent: true } });
      },
      (err: unknown) => {
        if (this.deps.isClosed()) return;
        this.deps.mark(`icmp ${code} unreachable not sent to ${d.remote.address}: ${err instanceof HarnessError ? `${err.code} ${err.message}` : String(err)}`, sa, { code, sent: false });
      },
    );
  }

  close(): void {
    if (this.icmp instanceof IcmpInjector) this.icmp.close();
  }

  private injector(): IcmpInjector | HarnessError {
    if (this.icmp === undefined) {
      try {
        this.icmp = this.deps.open();
      } catch (err) {
        this.icmp = err instanceof HarnessError ? err : new HarnessError('ERR_RAW_SOCKET', `cannot open the ICMP injector: ${String(err)}`);
      }
    }
    return this.icmp;
  }
}
