/**
 * The Internet checksum shared by IPv4 headers, ICMP and UDP: the 16-bit
 * ones' complement of the ones' complement sum (RFC 1071 §1). Pure, over
 * Uint8Array, so encoders can compute it and decoders can verify it.
 */

/**
 * Checksum over the concatenation of `parts`, as if they were one buffer: an
 * odd-length part does not restart the 16-bit word alignment, so a UDP
 * pseudo-header and its datagram can be passed separately.
 */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  let high = true;
  for (const part of parts) {
    for (const byte of part) {
      // RFC 1071 §1 (1): adjacent octets form 16-bit integers in network byte order.
      sum += high ? byte << 8 : byte;
      high = !high;
    }
  }
  // RFC 1071 §1 (2) and §4.1: fold the carries back in (end-around carry) until none is left.
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  // RFC 1071 §1 (3): the checksum field holds the ones' complement of the sum.
  return ~sum & 0xffff;
}

/**
 * RFC 1071 §1 (4): summing data that includes its own correct checksum gives
 * all ones, so the complement is zero.
 */
export const checksumHolds = (...parts: readonly Uint8Array[]): boolean => internetChecksum(...parts) === 0;
