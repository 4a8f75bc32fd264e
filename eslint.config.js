/**
 * Lint, including the layering rules of docs/architecture.md: each runtime folder may import
 * only what its layer allows (VS Code's "code-layering", done with ESLint's own
 * no-restricted-imports per folder). tsconfig splits enforce the same from the type side.
 */
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const layer = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((regex) => ({ regex, message })) }],
});

export default tseslint.config(
  { ignores: ['out/**', 'build/**', 'node_modules/**', 'test-output/**', 'native/**', 'resources/demo/recipe/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // config files must default-export
    files: ['*.config.js', '*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },

  // ---- layering
  {
    files: ['src-main/common/**'],
    rules: layer('src-main/common may import zod and its own files only.', ['^(?!zod$|\\./)']),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/common/**', 'src-main/index.ts', 'src-main/app/**', 'src-main/ipc/**'],
    rules: layer('The headless core never imports electron, the Electron glue or the renderer.', [
      '^electron(/|$)',
      '(^|/)(app|ipc)/',
      'src-renderer',
    ]),
  },
  {
    files: ['src-main/index.ts', 'src-main/app/**', 'src-main/ipc/**'],
    rules: layer('The Electron glue calls services; it does not reach into the renderer.', ['src-renderer']),
  },
  {
    files: ['src-renderer/preload/**'],
    rules: layer('The preload may import electron and src-main/common only.', [
      '^(?!electron$|(\\.\\./)+src-main/common/)',
    ]),
  },
  {
    files: ['src-renderer/app/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer('The renderer imports @common, svelte, wavesurfer.js and uplot only: never electron, node: or the main side.', [
      '^(electron|node:)',
      'src-main/(?!common/)',
      '^(?!@common/|svelte(/|$)|wavesurfer\\.js(/|$)|uplot(/|$)|\\.{1,2}/)',
    ]),
  },
);
