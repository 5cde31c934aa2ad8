/**
 * Just enough ISAKMP parsing for the known-answer tests to take their inputs from captured
 * datagrams (RFC 2408 §3.1 header, §3.2 generic payload header). Test-only: the harness's
 * own codec lives in src/wire, and the KATs should not depend on it being right.
 */
export const HEADER_LENGTH = 28;

export interface WalkedPayload {
  type: number;
  /** Offset of the generic payload header within the walked bytes. */
  start: number;
  /** Offset just past the payload. */
  end: number;
  body: Uint8Array;
}

export interface IsakmpHeader {
  initiatorCookie: Uint8Array;
  responderCookie: Uint8Array;
  firstPayload: number;
  encrypted: boolean;
  messageId: number;
}

export function readHeader(message: Uint8Array): IsakmpHeader {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  return {
    initiatorCookie: message.slice(0, 8),
    responderCookie: message.slice(8, 16),
    firstPayload: message[16],
    encrypted: (message[19] & 0x01) !== 0,
    messageId: view.getUint32(20),
  };
}

/** Walks a payload chain by its lengths and stops at next-payload 0, leaving any padding behind. */
export function walkPayloads(bytes: Uint8Array, firstPayload: number): WalkedPayload[] {
  const payloads: WalkedPayload[] = [];
  let type = firstPayload;
  let offset = 0;
  while (type !== 0) {
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    if (length < 4 || offset + length > bytes.length) throw new Error(`payload ${type} at ${offset}: bad length ${length}`);
    payloads.push({ type, start: offset, end: offset + length, body: bytes.slice(offset + 4, offset + length) });
    type = bytes[offset];
    offset += length;
  }
  return payloads;
}

/** The one payload of the given type; fails the test if there is not exactly one. */
export function onlyPayload(payloads: WalkedPayload[], type: number): WalkedPayload {
  const found = payloads.filter((p) => p.type === type);
  if (found.length !== 1) throw new Error(`expected one payload of type ${type}, found ${found.length}`);
  return found[0];
}

/** SPI of the first proposal in an SA payload body (RFC 2408 §3.4, §3.5). */
export function firstProposalSpi(saBody: Uint8Array): { protocol: number; spi: Uint8Array } {
  const proposal = 8; // after DOI and Situation
  const spiSize = saBody[proposal + 6];
  return { protocol: saBody[proposal + 5], spi: saBody.slice(proposal + 8, proposal + 8 + spiSize) };
}

export const PAYLOAD = { SA: 1, KE: 4, ID: 5, HASH: 8, NONCE: 10 } as const;
