/**
 * What a scenario learns from and asks of the in-process reference DUT, whichever IKE
 * version it speaks: both DUTs list their SAs as a daemon would, initiate towards a
 * `set peer` index and can be given outbound traffic (on-demand DPD).
 */
import type { SaListing } from '../lab/dut-adapter-types.js';
import type { DutControl } from './peer-target.js';

/** Where the reference DUT listens; the fake peer takes the profile's other loopback addresses. */
export const REFERENCE_DUT_ADDRESS = '127.0.0.1';

export interface ReferenceDutHandle {
  listSas(): SaListing[];
  initiate(peerIndex: number): void;
  setOutboundTraffic(pending: boolean): void;
}

export function referenceDutControl(dut: ReferenceDutHandle): Required<Pick<DutControl, 'hasSa' | 'initiate' | 'setTraffic' | 'listedPeers'>> {
  const established = (): string[] => dut.listSas().filter((s) => s.ike.established).map((s) => s.ike.peer);
  return {
    async hasSa(peerAddress) {
      return established().includes(peerAddress);
    },
    async initiate(peerIndex) {
      dut.initiate(peerIndex);
    },
    async setTraffic(on) {
      dut.setOutboundTraffic(on);
    },
    async listedPeers() {
      return established();
    },
  };
}
