/**
 * A secret (the PSK) that cannot leak by accident: string conversion, JSON and
 * util.inspect all print `<redacted>`. Only reveal() gives the value, and only
 * the IKE engine and the Wireshark key file need it.
 */
import { inspect } from 'node:util';

const REDACTED = '<redacted>';

export class Secret {
  readonly #value: string;
  /** Where it came from (inline, env NAME, file PATH): safe to print. */
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED}, ${this.source})`;
  }
}
