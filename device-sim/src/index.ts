// Public surface of @baken/device-sim: device models, transports, faults, home and scenarios.
export { SimError, type SimErrorCode } from './errors.js';
export { FAULT_NAMES, FaultBoard, type FaultName, type FaultTargets } from './faults/fault-board.js';
export {
  type Home,
  type HomeBleHandle,
  type HomeKeys,
  type HomeSerialHandle,
  type HomeTransports,
  startHome,
} from './home.js';
export {
  DEFAULT_HOME,
  type HomeConfig,
  HomeConfigSchema,
  type KeySafeConfig,
  type PendantConfig,
} from './home-config.js';
export { DeviceClock, type DriftOptions } from './keysafe/device-clock.js';
export { type CodeEntryResult, KeySafe, type KeySafeEvents } from './keysafe/key-safe.js';
export type { KeySafeOptions } from './keysafe/key-safe-config.js';
export { KsTestHost } from './keysafe/ks-host.js';
export {
  type KsHandleResult,
  KsLinkEndpoint,
  type KsLinkEndpointOptions,
  type KsOutcome,
} from './keysafe/ks-link-endpoint.js';
export { initialNvState, type NvState } from './keysafe/nv-state.js';
export { FileNvStore, MemoryNvStore, type NvStore } from './keysafe/nv-store.js';
export {
  attachBluezGatt,
  attachGattNotifier,
  attachSerial,
  type ByteSink,
  ksGattServiceSpec,
} from './keysafe/transports.js';
export {
  type Advertiser,
  BluezAdvertiser,
  MockAirAdvertiser,
  type ServiceData,
} from './pendant/advertiser.js';
export { Pendant, type PendantOptions } from './pendant/pendant.js';
export { type PendantAction, type PendantFormat, pendantServiceData } from './pendant/pendant-packet.js';
export { loadScenario, parseScenario, validateScenario } from './scenario/load-scenario.js';
export { runScenario, type ScenarioReport } from './scenario/run-scenario.js';
export type { Scenario } from './scenario/scenario-schema.js';
