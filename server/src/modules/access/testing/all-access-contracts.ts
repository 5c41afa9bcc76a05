import type { MakeAccessStores } from './access-fixture.js';
import { accessSmallStoresContract } from './access-small-stores-contract.js';
import { keysafeStoresContract } from './keysafe-stores-contract.js';
import { releaseStoreContract } from './releases-contract.js';

/** Every contract suite of the access module's stores, against one binding. */
export function accessStoreContracts(name: string, make: MakeAccessStores): void {
  releaseStoreContract(name, make);
  keysafeStoresContract(name, make);
  accessSmallStoresContract(name, make);
}
