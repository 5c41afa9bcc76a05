import { defineConfig } from 'vitest/config';

// One runner for the whole repository (ARCHITECTURE.md, house rule 8): unit tests sit next to
// the code as `*.test.ts`, cross-part suites live in `tests/`.
export default defineConfig({
  test: {
    include: ['{protocols,hardware,gateway,device-sim,server}/src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['./vitest.setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['{protocols,hardware,gateway,device-sim,server}/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/dist/**'],
      reporter: ['text-summary', 'text', 'html'],
    },
  },
});
