/** What a CLI command may touch, injectable for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  fetch: typeof globalThis.fetch;
}

/**
 * Exit codes (documented in `baken-gateway --help`): 0 ok; 1 runtime failure; 2 usage error;
 * 3 configuration or credentials problem; 4 provisioning refused or server unreachable;
 * 69 feature not available in this version (EX_UNAVAILABLE).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3, provision: 4, unavailable: 69 } as const;

export const DEFAULT_CONFIG_PATH = '/etc/baken-gateway/gateway.json';
