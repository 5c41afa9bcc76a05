// Public surface of KS-SERIAL v1.2 (see SPEC.md). Names carry a Ks/KS_ prefix because every protocol
// module exports into the same top-level namespace of @baken/protocols.
export {
  KS_AUDIT_BODY_SIZE,
  KS_AUDIT_GENESIS,
  KS_AUDIT_MAC_SIZE,
  KS_AUDIT_RECORD_SIZE,
  type KsAuditAnchor,
  type KsAuditChainFault,
  type KsAuditChainResult,
  KsAuditKind,
  type KsAuditRecord,
  type KsAuditRecordBody,
  ksAuditMac,
  ksDecodeAuditRecord,
  ksEncodeAuditRecord,
  ksSealAuditRecord,
  ksVerifyAuditChain,
} from './audit-record.js';
export { KS_COMMAND_MAC_SIZE, KS_DEVICE_KEY_SIZE, KS_MAX_SEALED } from './auth-command-codec.js';
export {
  type KsCodeUseIdentity,
  ksCodeUseIdentity,
  ksCodeUseOfRecord,
  ksCodeUseRecordFields,
} from './code-use-record.js';
export {
  KS_DEFAULT_AUTH_POLICY,
  type KsAuthPolicy,
  type KsAuthState,
  type KsUnsignedAuthCommand,
  type KsVerifyResult,
  ksCommandMacInput,
  ksKeystreamXor,
  ksSealCodeMaterial,
  ksSignCommand,
  ksVerifyCommand,
} from './command-auth.js';
export { KS_CRC16_CHECK, ksCrc16 } from './crc16.js';
export {
  KsDeframer,
  type KsDeframerCounters,
  type KsDeframerOptions,
} from './deframer.js';
export {
  KS_RECEIVER_INITIAL,
  type KsReceiveDecision,
  type KsReceiverState,
  ksReceiverAccept,
  ksReceiverRecordReply,
} from './duplicate-filter.js';
export {
  KsEndpoint,
  type KsEndpointOptions,
  type KsEndpointOutput,
  type KsHandleResult,
  type KsInbound,
  type KsOutcome,
} from './endpoint.js';
export { KS_MAX_ISSUE, KS_WINDOW_UNIT_SECONDS } from './event-codec.js';
export {
  KS_FRAME_OVERHEAD,
  KS_HEADER_SIZE,
  KS_MAX_FRAME,
  KS_MAX_PAYLOAD,
  KS_SOF,
  type KsFrame,
  ksDecodeFrame,
  ksEncodeFrame,
} from './frame.js';
export {
  KS_GATT_MAX_CHUNK,
  KS_GATT_RX_CHAR_UUID,
  KS_GATT_SERVICE_UUID,
  KS_GATT_TX_CHAR_UUID,
  ksChunkForGatt,
} from './gatt-chunking.js';
export {
  KS_GOLDEN_INSTALL_SECRET,
  KS_GOLDEN_KEY,
  KS_GOLDEN_SEALED_PIN,
  KS_GOLDEN_SERIAL,
  KS_GOLDEN_T0,
  KS_GOLDEN_VECTORS,
  type KsGoldenVector,
} from './golden-vectors.js';
export {
  KS_INSTALL_SECRET_SIZE,
  KS_PAIRING_WINDOW_SECONDS,
  type KsInstallState,
  type KsKeyInstall,
  type KsKeyInstallVerdict,
  ksBuildKeyInstall,
  ksInstallationCode,
  ksParseInstallationCode,
  ksVerifyKeyInstall,
  ksWrapDeviceKey,
} from './key-install.js';
export { KS_MESSAGE_TYPES, ksDecodeMessage, ksEncodeMessage, ksNakReasonFor } from './message-codec.js';
export {
  KS_AUTH_COMMAND_TYPES,
  KS_PROTOCOL_MAJOR,
  KS_PROTOCOL_MINOR,
  KS_RETRYABLE_REASONS,
  KsBlockScope,
  KsCapability,
  KsCodeKind,
  KsReason,
  type KsReasonCode,
  KsStatusFlag,
  KsType,
  type KsTypeCode,
} from './message-types.js';
export {
  KS_MAX_AUDIT_RECORDS_PER_FRAME,
  type KsAuthCommand,
  type KsAuthCommandKind,
  type KsCodeUse,
  type KsCommandAuth,
  type KsEvent,
  type KsEventHeader,
  type KsHello,
  type KsLinkMessage,
  type KsMessage,
  type KsMessageKind,
  type KsPlainCommand,
  type KsResponse,
} from './messages.js';
export {
  KS_GATT_SENDER_CONFIG,
  KS_SERIAL_SENDER_CONFIG,
  type KsOutgoing,
  type KsSenderAction,
  type KsSenderConfig,
  type KsSenderInput,
  type KsSenderState,
  ksSenderInit,
  ksSenderNextDeadline,
  ksSenderStep,
} from './retransmit.js';
