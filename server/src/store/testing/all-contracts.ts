import { clientsContract } from './clients-contract.js';
import { credentialsContract } from './credentials-contract.js';
import { devicesContract } from './devices-contract.js';
import { gatewaysContract } from './gateways-contract.js';
import type { MakeRepositories } from './repositories-fixture.js';
import { usersContract } from './users-contract.js';

/** Every core repository's contract suite, for one binding. */
export function repositoryContracts(name: string, make: MakeRepositories): void {
  usersContract(name, make);
  credentialsContract(name, make);
  clientsContract(name, make);
  gatewaysContract(name, make);
  devicesContract(name, make);
}
