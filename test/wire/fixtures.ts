/** Loads the captured Main Mode fixtures in test/fixtures/wire. */
import { readFileSync } from 'node:fs';

export interface CapturedMessage {
  step: number;
  sender: string;
  src: string;
  dst: string;
  hex: string;
}

export interface CaptureFixture {
  source: string;
  how: string;
  messages: CapturedMessage[];
}

export function loadFixture(name: 'strongswan-initiator-main-mode' | 'libreswan-initiator-main-mode'): CaptureFixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/wire/${name}.json`, import.meta.url), 'utf8')) as CaptureFixture;
}

export const capturedBytes = (m: CapturedMessage): Uint8Array => Uint8Array.from(Buffer.from(m.hex, 'hex'));
