// Public surface of SIA DC-09 (see SPEC.md). Names carry a Dc09/DC09_ prefix because every protocol
// module exports into the same top-level namespace of @baken/protocols.
export {
  type Dc09Cid,
  type Dc09CidInput,
  type Dc09CidQualifier,
  dc09CidData,
  dc09ParseCid,
} from './adm-cid.js';
export { DC09_CRC_CHECK, dc09Crc, dc09Hex4 } from './crc.js';
export {
  type Dc09Random,
  dc09CheckKey,
  dc09Decrypt,
  dc09Encrypt,
  dc09KeyFromText,
  dc09Pad,
} from './crypto.js';
export { Dc09Deframer, type Dc09DeframerCounters } from './deframer.js';
export { Dc09DuplicateFilter, type Dc09DuplicateFilterOptions } from './duplicate-filter.js';
export {
  DC09_BAKEN_EVENTS,
  DC09_EVENT_MAP,
  type Dc09BakenEvent,
  type Dc09EventCodes,
  type Dc09EventTarget,
  dc09CidLabel,
  dc09EventData,
  dc09SiaLabel,
} from './event-map.js';
export {
  DC09_MAX_FRAME,
  DC09_TOKENS,
  type Dc09Frame,
  type Dc09Header,
  type Dc09Token,
  dc09CheckHeader,
  dc09DecodeFrame,
  dc09EncodeFrame,
  dc09Printable,
} from './frame.js';
export {
  type Dc09EncodeOptions,
  type Dc09Extended,
  type Dc09KeyLookup,
  type Dc09Message,
  dc09Decode,
  dc09Encode,
  dc09OpenFrame,
  dc09ParseInner,
} from './message.js';
export {
  type Dc09AccountPolicy,
  type Dc09NakReason,
  type Dc09ReceiveContext,
  type Dc09Verdict,
  dc09Receive,
} from './receiver.js';
export {
  type Dc09AckOptions,
  type Dc09Reply,
  dc09Ack,
  dc09Duh,
  dc09Nak,
  dc09ReadReply,
} from './responses.js';
export {
  type Dc09Sia,
  type Dc09SiaEvent,
  type Dc09SiaInput,
  dc09ParseSia,
  dc09SiaData,
} from './sia-dcs.js';
export {
  DC09_DEFAULT_WINDOW,
  type Dc09TimeWindow,
  type Dc09WindowVerdict,
  dc09CheckWindow,
  dc09FormatTimestamp,
  dc09ParseTimestamp,
} from './timestamp.js';
