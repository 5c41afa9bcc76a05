// Public surface of the pendant advert protocols (BTHome v2 and Baken v1, SPEC.md).
export type { BakenAck } from './baken-ack.js';
export {
  BAKEN_ACK_BYTES,
  BAKEN_ACK_CHARACTERISTIC_UUID,
  BAKEN_ACK_SERVICE_UUID,
  BAKEN_ACK_VERSION,
  BAKEN_ANNOUNCE,
  bakenAnnounceDelayMs,
  encodeBakenAck,
  verifyBakenAck,
} from './baken-ack.js';
export type { BakenAdvert, BakenAdvertEvent, BakenKeyLookup, BakenReplayState } from './baken-advert.js';
export {
  BAKEN_ADVERT_BYTES,
  BAKEN_ADVERT_VERSION,
  BAKEN_EVENT_CODES,
  BAKEN_PENDANT_UUID,
  decodeBakenAdvert,
  emptyBakenReplayState,
  encodeBakenAdvert,
} from './baken-advert.js';
export { formatBleAddress, parseBleAddress } from './ble-address.js';
export {
  BTHOME_INFO_ADDRESS,
  BTHOME_INFO_ENCRYPTED,
  BTHOME_INFO_TRIGGER,
  BTHOME_UUID,
  decodeBthome,
  parseBthomeObjects,
} from './bthome-decode.js';
export { encodeBthome } from './bthome-encode.js';
export type {
  BthomeButtonEvent,
  BthomeCommand,
  BthomeDimmerEvent,
  BthomeObjectDef,
} from './bthome-objects.js';
export {
  BTHOME_BUTTON_EVENTS,
  BTHOME_COMMANDS,
  BTHOME_DIMMER_EVENTS,
  BTHOME_OBJECT_IDS,
  bthomeObjectDef,
} from './bthome-objects.js';
export type {
  BthomeAdvert,
  BthomeButtonSlot,
  BthomeDecodeOptions,
  BthomeEncodeInput,
  BthomeObject,
  BthomeStop,
} from './bthome-types.js';
export type { PendantEvent, PendantEventKind } from './pendant-event.js';
export { PENDANT_EVENT_KINDS } from './pendant-event.js';
export type { AdvertMeta, BthomeMappingOptions } from './pendant-mapping.js';
export {
  DEFAULT_BTHOME_BUTTON_MAPPING,
  pendantEventFromBaken,
  pendantEventsFromBthome,
} from './pendant-mapping.js';
export {
  emptyPendantPipelineState,
  PENDANT_ANNOUNCE_WINDOW_MS,
  PENDANT_MAX_RECENT_PER_DEVICE,
  PENDANT_WINDOW_MS,
  pendantKeyTag,
  pendantPairingMode,
  pendantStep,
  prunePendantState,
} from './pendant-pipeline.js';
export type {
  AcceptedPendantEvent,
  PendantAdvertInput,
  PendantCounterRecord,
  PendantOutcome,
  PendantPairing,
  PendantPairingLookup,
  PendantPairingMode,
  PendantPipelineOptions,
  PendantPipelineState,
  PendantRefusalReason,
  PendantSighting,
  PendantStep,
} from './pendant-pipeline-types.js';
export { PENDANT_REFUSAL_REASONS } from './pendant-pipeline-types.js';
