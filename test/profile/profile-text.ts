/** A minimal valid IKEv1 reference profile as YAML text, and the ConfigError loading a variant of it gives. */
import { ConfigError } from '../../src/errors.js';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';

export function profileErrorOf(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    profileFromSource(YamlSource.parse('p.yaml', text), { env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loaded without error');
}

/** The IKEv1 `dpd:` section of the base profile. */
export const V1_DPD_TEXT = `dpd:
  mode: periodic
  interval: 10
  retry_interval: 2
  probes_before_dead: 5
  dead_time_from: first-unanswered-probe
  retry_seq: increment
  delete_on_dead: true
  action: clear
  tolerance: { absolute: 0.5 }
`;

export const baseProfileText = (): string => `identity: { vendor: V, product: P, version: "1" }
target: { kind: reference }
psk: { value: s3cret }
${V1_DPD_TEXT}`;
