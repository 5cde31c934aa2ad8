/** The lab DUTs the end-to-end tests run against, from the shipped profiles. */
import { join } from 'node:path';
import { REPO } from './cli-run.js';

export interface LabDut {
  /** As people name it, for describe titles. */
  name: string;
  /** Relative to the repository. */
  profile: string;
  /** What requireCommands needs for this DUT (its daemon and control tool). */
  commands: string[];
  /** ISAKMP message IDs (8 hex digits) of the R-U-THEREs the daemon's log says it sent. */
  probeIdsInLog?(lines: readonly string[]): string[];
}

/** charon 5.9 at log level 1, e.g. `12[ENC] <peer1|2> generating INFORMATIONAL_V1 request 3271733691 [ HASH N(DPD) ]`. */
const CHARON_SENT_PROBE = /generating INFORMATIONAL_V1 request (\d+) \[ HASH N\(DPD\) \]/;

/** Lab dpdss, 198.51.100.192/28. */
export const STRONGSWAN: LabDut = {
  name: 'strongSwan',
  profile: 'profiles/strongswan.yaml',
  commands: ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl'],
  probeIdsInLog: (lines) => lines.flatMap((l) => CHARON_SENT_PROBE.exec(l)?.slice(1) ?? []).map((id) => Number(id).toString(16).padStart(8, '0')),
};

// scripts/lab-install.sh unpacks Libreswan here (it is never installed system-wide).
const LIBRESWAN_BIN = join(REPO, '.cache/libreswan/usr/libexec/ipsec');

/** Lab dpdls, 198.51.100.208/28. */
export const LIBRESWAN: LabDut = {
  name: 'Libreswan',
  profile: 'profiles/libreswan.yaml',
  commands: [join(LIBRESWAN_BIN, 'pluto'), join(LIBRESWAN_BIN, 'whack'), 'certutil'],
};

/** Lab dpdss2, 203.0.113.232/29: charon speaking IKEv2 (profiles/strongswan-ikev2.yaml). */
export const STRONGSWAN_IKEV2: LabDut = { name: 'strongSwan (IKEv2)', profile: 'profiles/strongswan-ikev2.yaml', commands: STRONGSWAN.commands };

/** Lab dpdls2, 203.0.113.224/29: pluto with ikev2=insist (profiles/libreswan-ikev2.yaml). */
export const LIBRESWAN_IKEV2: LabDut = { name: 'Libreswan (IKEv2)', profile: 'profiles/libreswan-ikev2.yaml', commands: LIBRESWAN.commands };
