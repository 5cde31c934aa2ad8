/**
 * One line of text per event, in a network engineer's words, for `serve` and
 * live progress: time since `t0`, direction, endpoints, what the message was.
 * Never prints key material (sa-keys events say only that keys are available).
 */
import type { Endpoint, HarnessEvent, MessageSummary } from '../events.js';

const at = (e: Endpoint): string => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

function describe(s: MessageSummary): string {
  const parts: string[] = [s.kind];
  if (s.step !== undefined) parts.push(`#${s.step}`);
  if (s.seq !== undefined) parts.push(`seq=${s.seq}`);
  if (s.notifyType !== undefined && s.kind === 'notify') parts.push(`type=${s.notifyType}`);
  if (s.deleteProtocol !== undefined) parts.push(`proto=${s.deleteProtocol}`);
  if (s.deleteSpis?.length) parts.push(`spi=${s.deleteSpis.join(',')}`);
  parts.push(`msgid=${s.messageId.toString(16).padStart(8, '0')}`);
  return parts.join(' ');
}

export function eventLine(e: HarnessEvent, t0: bigint): string {
  const secs = (Number(e.t - t0) / 1e9).toFixed(6);
  const time = `${Number(secs) >= 0 ? '+' : ''}${secs}`;
  switch (e.type) {
    case 'datagram': {
      const arrow = e.direction === 'in' ? `${at(e.remote)} -> ${at(e.local)}` : `${at(e.local)} -> ${at(e.remote)}`;
      const what = e.summary ? describe(e.summary) : `${e.bytes.length} bytes`;
      const extra = [e.rejected ? `REJECTED ${e.rejected.code}: ${e.rejected.message}` : '', e.behaviour ? `[${e.behaviour}]` : ''].filter(Boolean).join(' ');
      return `${time} ${e.direction === 'in' ? 'in ' : 'out'} ${arrow} ${what}${extra ? ` ${extra}` : ''}${e.sa ? ` sa=${e.sa}` : ''}`;
    }
    case 'sa-state':
      return `${time} sa  phase ${e.phase} ${e.state} with ${at(e.remote)} sa=${e.sa}${e.detail ? ` (${e.detail})` : ''}`;
    case 'sa-keys':
      return `${time} sa  keys available for Wireshark sa=${e.sa}`;
    case 'esp-keys':
      return `${time} sa  ESP keys available for Wireshark (SPI out ${e.outbound.spi.toString(16)} in ${e.inbound.spi.toString(16)}) sa=${e.sa}`;
    case 'daemon-log':
      return `${time} log ${e.daemon}: ${e.line}`;
    case 'mark':
      return `${time} --- ${e.label}`;
  }
}
