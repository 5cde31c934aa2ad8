/**
 * The DUT daemon's own version, read from the banner it logs at start-up, so a
 * report names the software that actually ran rather than what the profile
 * says it should be (the two differ right after a package upgrade).
 */

/** charon: `00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0, x86_64)`;
 * pluto: `Starting Pluto (Libreswan Version 4.10 IKEv2 IKEv1 XFRM …) pid:1234`. */
const BANNERS: readonly RegExp[] = [
  /Starting IKE charon daemon \((strongSwan [^,)\s]+)/,
  /Starting Pluto \((Libreswan) Version ([^\s)]+)/,
];

/** `strongSwan 5.9.8` / `Libreswan 4.10` from the first banner among the lines; undefined when none is there. */
export function daemonVersionFromLog(lines: Iterable<{ line: string }>): string | undefined {
  for (const { line } of lines) {
    for (const banner of BANNERS) {
      const m = banner.exec(line);
      if (m) return m.slice(1).join(' ');
    }
  }
  return undefined;
}
