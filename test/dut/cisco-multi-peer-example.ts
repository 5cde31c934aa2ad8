/**
 * Reference document (cisco-iosxe-dpd-periodic-message-option.md), "DPD and Cisco IOS XE
 * Keepalives Used in Conjunction with Multiple Peers in a Crypto Map Example", as printed:
 * the IOS config importer's tests and the `profile from-ios` command's tests read it.
 */
export const MULTI_PEER_EXAMPLE = `crypto isakmp keepalive 10 periodic
crypto map green 1 ipsec-isakmp
  set peer 10.0.0.1
  set peer 10.0.0.2
  set peer 10.0.0.3
  set transform-set txfm
  match address 101
`;
