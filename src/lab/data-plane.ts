/**
 * Whether this kernel can install ESP SAs. Debian-style kernels can; the
 * project's CI kernel is built without CONFIG_INET_ESP, and there every
 * XFRM_MSG_NEWSA for proto esp fails with EPROTONOSUPPORT, which iproute2
 * prints as "Requested type not found". Then the lab preloads the shim
 * (src/lab/shim/fake-xfrm-sa.c) into the daemons and reports the data plane
 * as 'emulated'. A strongSwan daemon configured with `data_plane:
 * kernel-libipsec` does ESP itself, in userspace over a TUN device, on any
 * kernel: its data plane is 'kernel-libipsec', and it runs without the shim.
 */
import { parseDaemonConfig } from './daemon-config.js';
import { LabCommandError, Supervisor } from './supervisor.js';

export type DataPlane = 'real' | 'emulated' | 'kernel-libipsec';

/** The data plane one daemon runs with: its own userspace ESP when configured, else the kernel's. */
export function daemonDataPlane(kernel: DataPlane, config: Record<string, unknown>): DataPlane {
  return parseDaemonConfig(config).dataPlane ?? kernel;
}

/** A throw-away ESP SA with fixed test keys; the probe runs in a fresh network namespace (`unshare -n`) that vanishes with it. */
export const PROBE_SA_ARGS = [
  'ip', 'xfrm', 'state', 'add',
  'src', '203.0.113.1', 'dst', '203.0.113.2', 'proto', 'esp', 'spi', '0x00000100', 'mode', 'tunnel',
  'enc', 'cbc(aes)', '0x000102030405060708090a0b0c0d0e0f',
  'auth-trunc', 'hmac(sha256)', '0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '128',
];

export const NO_ESP = /Requested type not found/;

export async function detectDataPlane(supervisor: Supervisor = new Supervisor()): Promise<DataPlane> {
  try {
    await supervisor.run('unshare', ['--net', ...PROBE_SA_ARGS], { timeoutMs: 10_000 });
    return 'real';
  } catch (err) {
    if (err instanceof LabCommandError && err.code === 'ERR_LAB_COMMAND_FAILED' && NO_ESP.test(err.stderr)) return 'emulated';
    throw err;
  }
}
