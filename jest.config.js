/**
 * Two projects: `unit` (services, db, CLI, native addon — real SQLite files, real decoding,
 * the real addon) and `e2e` (Debian's Chromium driving the web-mode UI). Both run TypeScript
 * as ESM through ts-jest, because the decoders we depend on ship ESM only.
 */
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.node.json', diagnostics: false },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: '<rootDir>/test/helpers/host-realm-environment.js',
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/main/**/*.test.ts', '<rootDir>/test/native/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
};
