/**
 * The proxy identities a lab daemon is configured with. A profile's
 * `ike.traffic_selectors` are written from the fake peer's side (local = behind the
 * peer, remote = behind the DUT); the lab mirrors them for the DUT, so the DUT's
 * policy is exactly what the fake peer proposes in Quick Mode, one IPsec SA per pair.
 * Without selectors both daemons keep the lab's inner subnets (or host-to-host).
 */
/** One pair as a lab spec carries it: the two sides named by who sits behind them. */
export interface LabSelector {
  peer: string;
  dut: string;
  /** IP protocol number; absent: any. */
  protocol?: number;
  /** Port on both sides; absent: any. */
  port?: number;
}

/** A profile's `ike.traffic_selectors` (local: behind the fake peer, remote: behind the DUT) as the lab carries them. */
export function labSelectorsOf(selectors: ReadonlyArray<{ local: string; remote: string; protocol?: number; port?: number }>): LabSelector[] {
  return selectors.map((t) => ({ peer: t.local, dut: t.remote, ...(t.protocol ? { protocol: t.protocol } : {}), ...(t.port ? { port: t.port } : {}) }));
}

/** One pair from one daemon's side. */
export interface DaemonSelector {
  local: string;
  remote: string;
  protocol?: number;
  port?: number;
}

const withoutUndefined = (s: DaemonSelector): DaemonSelector => ({
  local: s.local,
  remote: s.remote,
  ...(s.protocol === undefined ? {} : { protocol: s.protocol }),
  ...(s.port === undefined ? {} : { port: s.port }),
});

/** The spec's selectors seen from `role`'s side. */
export function mirrorSelectors(role: 'dut' | 'peer', selectors: readonly LabSelector[]): DaemonSelector[] {
  return selectors.map((s) => withoutUndefined({ local: role === 'dut' ? s.dut : s.peer, remote: role === 'dut' ? s.peer : s.dut, protocol: s.protocol, port: s.port }));
}

/** Traffic selectors default to the hosts themselves when no inner subnets are configured. */
export function trafficSelector(subnets: readonly string[], address: string): string {
  return subnets.length > 0 ? subnets.join(',') : `${address}/32`;
}

/**
 * The pairs one connection is configured with: the daemon's selectors, else one pair
 * of the inner subnets (comma lists, which both daemons read) or of the hosts.
 */
export function connectionSelectors(
  selectors: readonly DaemonSelector[],
  subnets: { local: readonly string[]; remote: readonly string[] },
  hosts: { local: string; remote: string },
): DaemonSelector[] {
  if (selectors.length > 0) return [...selectors];
  return [{ local: trafficSelector(subnets.local, hosts.local), remote: trafficSelector(subnets.remote, hosts.remote) }];
}

/** A single address as the /32 both daemons want; subnets and ranges unchanged. */
export function selectorPrefix(side: string): string {
  return side.includes('/') || side.includes('-') ? side : `${side}/32`;
}

/** swanctl.conf's `local_ts`/`remote_ts` value: `cidr[proto/port]` (swanctl.conf(5), "local_ts"). */
export function strongswanTs(side: string, s: DaemonSelector): string {
  const cidr = selectorPrefix(side);
  if (s.protocol === undefined && s.port === undefined) return cidr;
  return `${cidr}[${s.protocol ?? '%any'}${s.port === undefined ? '' : `/${s.port}`}]`;
}

/** ipsec.conf's `leftprotoport`/`rightprotoport` (ipsec.conf(5)): absent without a protocol or port. */
export function libreswanProtoport(s: DaemonSelector): string | undefined {
  if (s.protocol === undefined && s.port === undefined) return undefined;
  return `${s.protocol ?? 0}/${s.port ?? 0}`;
}
