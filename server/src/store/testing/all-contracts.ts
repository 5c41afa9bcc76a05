import type { MakeRepositories } from './repositories-fixture.js';
import { usersContract } from './users-contract.js';

/** Every core repository's contract suite, for one binding. */
export function repositoryContracts(name: string, make: MakeRepositories): void {
  usersContract(name, make);
}
