import type { MakeHealth } from './health-fixture.js';
import { incidentStoreContract } from './incident-store-contract.js';
import { stateStoreContract } from './state-store-contract.js';
import { warningAlertContract } from './warning-alert-contract.js';

/** Every contract suite of the health module's stores, against one binding. */
export function healthStoreContracts(name: string, make: MakeHealth): void {
  stateStoreContract(name, make);
  incidentStoreContract(name, make);
  warningAlertContract(name, make);
}
