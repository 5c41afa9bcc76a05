import { afterEach, beforeEach } from 'vitest';
import type { Repositories } from '../repositories/index.js';

/** One binding's repositories over an empty, migrated store, and how to let go of them. */
export interface RepositoriesUnderTest {
  repos: Repositories;
  dispose(): Promise<void>;
}

/** Makes a fresh store for each test of a contract suite. */
export type MakeRepositories = () => Promise<RepositoriesUnderTest>;

/**
 * Registers the per-test set-up of a contract suite and returns a getter for the current test's
 * repositories (call it inside `it`).
 */
export function useRepositories(make: MakeRepositories): () => Repositories {
  let current: RepositoriesUnderTest | undefined;
  beforeEach(async () => {
    current = await make();
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('repositories are only available inside a test');
    return current.repos;
  };
}

/** An instant with milliseconds and past 2^32 s·1000, so truncation or float drift shows. */
export const T0 = 1_765_432_100_123;

/** The error a failed promise rejected with (or throws if it resolved). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}
