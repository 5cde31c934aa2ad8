/**
 * Registry of DUT adapters, loaded lazily so the lab (and the CLI) only import
 * the implementation a profile asks for. Each adapter file adds its entry here:
 *   strongswan: async () => (await import('./strongswan.js')).createStrongswanAdapter,
 */
import type { DutAdapterFactory } from './dut-adapter-types.js';
import type { DutKind } from './lab-spec.js';

export const dutAdapters: Partial<Record<DutKind, () => Promise<DutAdapterFactory>>> = {
  strongswan: async () => (await import('./strongswan.js')).createStrongswanAdapter,
  libreswan: async () => (await import('./libreswan.js')).createLibreswanAdapter,
};
