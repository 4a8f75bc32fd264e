/**
 * Two projects: `unit` (services, db, CLI, native addon — real SQLite files, real decoding,
 * the real addon — and the renderer's specs, the `.spec.ts` files beside its stores) and `e2e`
 * (Debian's Chromium driving the web-mode UI). Both run TypeScript as ESM through ts-jest,
 * because the decoders we depend on ship ESM only; the renderer's runes modules (`*.svelte.ts`)
 * go through Svelte's compiler first (test/helpers/svelte-module-transform.js).
 */
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.node.json', diagnostics: false },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@common/(.*)\\.js$': '<rootDir>/src-main/common/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // The first matching pattern wins: runes modules before plain TypeScript.
  transform: {
    '^.+\\.svelte\\.ts$': '<rootDir>/test/helpers/svelte-module-transform.js',
    '^.+\\.ts$': tsJest,
  },
  testEnvironment: '<rootDir>/test/helpers/host-realm-environment.js',
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/test/main/**/*.test.ts',
        '<rootDir>/test/native/**/*.test.ts',
        '<rootDir>/src-renderer/app/**/*.spec.ts',
      ],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
};
