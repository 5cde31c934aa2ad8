export { hash, hashInto, hashLength, prf, prfInto, type HashAlgorithm } from './hash-algorithm.js';
export { cipherBlockSize, decryptCbc, encryptCbc, type CipherAlgorithm } from './cbc-cipher.js';
export { createDhKeyPair, dhPublicLength, dhSharedSecret, type DhGroup, type DhKeyPair } from './dh-group.js';
export {
  deriveSkeyids,
  hashI,
  hashR,
  ikev1EncryptionKey,
  informationalHash,
  informationalHashInto,
  phase1Iv,
  phase2Iv,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  quickModeKeymat,
  skeyidPreSharedKey,
  type QuickModeKeymatInput,
  type Skeyids,
} from './ikev1-key-schedule.js';
export { ikev2Prf, ikev2PrfLength, ikev2PrfOfId, prfPlus, type Ikev2Prf } from './ikev2-prf.js';
export {
  childSaKeymat,
  deriveIkeSaKeys,
  macedId,
  pskAuth,
  rekeySkeyseed,
  signedOctets,
  skeyseed,
  type IkeSaKeyLengths,
  type IkeSaKeys,
} from './ikev2-key-schedule.js';
export {
  openSkBody,
  sealSkBody,
  skBodyLength,
  skIvLength,
  skKeyLengths,
  skSuiteOf,
  SkIntegrityError,
  type SkEncryption,
  type SkIntegrity,
  type SkKeys,
  type SkSuite,
} from './ikev2-sk-protection.js';
export { integrityChecksum, IntegrityCheckError, type CipherSuite, type SuiteIntegrity, type SuiteKeys } from './cipher-suite.js';
export { espPacketCodec, openEsp, sealEsp, type EspSa, type OpenedEsp } from './esp-protection.js';
export { acceptSequence, nextSequence, replayVerdict, replayWindow, type ReplayVerdict, type ReplayWindow } from './esp-replay-window.js';
export { quickModeEspSas, type EspSaPair, type QuickModeSaInput } from './esp-keys.js';
