import { expect } from 'chai';
import { daemonVersionFromLog } from '../../src/lab/daemon-version.js';

describe('lab: daemon version from its start-up banner', () => {
  const lines = (...text: string[]): { line: string }[] => text.map((line) => ({ line }));

  it('reads charon’s and pluto’s banners', () => {
    expect(daemonVersionFromLog(lines('00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0-28-amd64, x86_64)'))).to.equal('strongSwan 5.9.8');
    expect(daemonVersionFromLog(lines('Starting Pluto (Libreswan Version 4.10 IKEv2 IKEv1 XFRM XFRMI esp-hw-offload FORK PTHREAD_SETSCHEDPRIO GCC_EXCEPTIONS NSS (IPsec profile)) pid:4242'))).to.equal('Libreswan 4.10');
  });

  it('takes the first banner and gives undefined when the daemon has not logged one', () => {
    expect(daemonVersionFromLog(lines('09[IKE] sending DPD request', '00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux)', '00[DMN] Starting IKE charon daemon (strongSwan 6.0.0, Linux)'))).to.equal('strongSwan 5.9.8');
    expect(daemonVersionFromLog(lines('09[IKE] sending DPD request'))).to.equal(undefined);
  });
});
