/**
 * Lint, including the layering rules of docs/architecture.md: each runtime folder may import
 * only what its layer allows (VS Code's "code-layering", done with ESLint's own
 * no-restricted-imports per folder), and inside a runtime each feature only its floors
 * (VS Code's "code-import-patterns"). tsconfig splits enforce the runtimes from the type side.
 */
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const layer = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((regex) => ({ regex, message })) }],
});

/**
 * The renderer (src-renderer/app, see its README.md): every file imports @common, svelte,
 * wavesurfer.js and uplot only (its specs add @jest/globals); a feature folder never imports
 * another feature, and the shared floors ui/, shell/ and testing/ import none. App.svelte and
 * stores.ts wire the features together. ESLint keeps only the last matching options of a
 * rule, so each zone carries the whole list, for the sources and (with jest) for the specs.
 */
const RENDERER_FEATURES = ['library', 'editor', 'training', 'takes', 'rating', 'export', 'parts', 'transcription', 'phrases'];

function rendererZone(files, forbiddenFeatures) {
  const packages = 'The renderer imports @common, svelte, wavesurfer.js and uplot only: never electron, node: or the main side.';
  const patterns = (allowed) => [
    { regex: '^(electron|node:)', message: packages },
    { regex: 'src-main/(?!common/)', message: packages },
    { regex: `^(?!${allowed.join('|')}|\\.{1,2}/)`, message: packages },
    ...(forbiddenFeatures.length === 0
      ? []
      : [
          {
            regex: `^(\\.\\./)+(${forbiddenFeatures.join('|')})/`,
            message: 'A renderer feature never imports another, and ui/, shell/, testing/ import no feature: share through ui/ or shell/, wire features together in App.svelte.',
          },
        ]),
  ];
  const allowed = ['@common/', 'svelte(/|$)', 'wavesurfer\\.js(/|$)', 'uplot(/|$)'];
  const specs = '**/*.spec.ts';
  return [
    { files, ignores: [specs], rules: { 'no-restricted-imports': ['error', { patterns: patterns(allowed) }] } },
    {
      files: files.map((glob) => [glob, specs]),
      rules: { 'no-restricted-imports': ['error', { patterns: patterns([...allowed, '@jest/globals$']) }] },
    },
  ];
}

/**
 * The main side (src-main, docs/architecture.md "Layering"): the features under services/ stand
 * on floors and never import each other (VS Code's code-import-patterns, by folder), the front
 * ends reach features only through core.ts and the contract, and a worker imports only the job
 * entry points of the feature it runs. Relative imports are matched by how far they climb: from
 * a file `depth` folders inside services/<folder>/, `../` × (depth + 1) leaves the folder.
 * Every zone carries the headless core's patterns too (ESLint keeps the last matching options).
 */
const MAIN_FEATURES = ['library', 'training', 'takes', 'metrics', 'rating', 'export', 'parts', 'transcription', 'phrase-training', 'phrase-takes'];
/** Floors inside services/, and the folders below services/ that everything may stand on. */
const SERVICE_FLOORS = ['audio', 'store', 'models', 'synth', 'phrases', 'phrase-models'];
const LOWER_FLOORS = ['common', 'node', 'db', 'addon'];
const HEADLESS_MESSAGE = 'The headless core never imports electron, the Electron glue or the renderer.';
const HEADLESS = ['^electron(/|$)', '(^|/)(app|ipc)/', 'src-renderer'].map((regex) => ({ regex, message: HEADLESS_MESSAGE }));
const GLUE = [{ regex: 'src-renderer', message: 'The Electron glue calls services; it does not reach into the renderer.' }];
const NO_FEATURES = {
  regex: `(^|/)services/(${MAIN_FEATURES.join('|')})/`,
  message: 'A front end reaches the features only through core.ts and the contract (common/): import common, core, node and the floors, never services/<feature>/.',
};

function mainZone(files, patterns, base = HEADLESS) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns: [...base, ...patterns] }] } };
}

/** A folder of services/ that may import the given services/ folders and the lower floors only, at every depth. */
function servicesZones(folder, allowedServices, message) {
  return [0, 1, 2, 3].map((depth) =>
    mainZone(
      [`src-main/services/${folder}/${'*/'.repeat(depth)}*.ts`],
      [
        {
          regex: `^(\\.\\./){${depth + 1}}(?!(${allowedServices.join('|')})/|\\.\\./(${LOWER_FLOORS.join('|')})/|\\.\\./version\\.js$)`,
          message,
        },
      ],
    ),
  );
}

/** The job entry points each worker may import from the feature it runs (audio is a floor). */
const WORKER_ENTRIES = {
  'training-worker': ['training/run-training', 'training/protocol', 'phrase-training/run-phrase-training', 'phrase-training/protocol'],
  'generation-worker': ['takes/run-generation', 'takes/protocol', 'takes/engine'],
  'metrics-worker': ['metrics/metrics-jobs'],
  'transcription-worker': ['transcription/run-transcription'],
  'audio-worker': [],
  'synth-worker': [],
};

function workerZone(files, entries) {
  const allowed = [`(${SERVICE_FLOORS.join('|')})/`, ...entries.map((entry) => `${entry.replace('/', '\\/')}\\.js$`)];
  return mainZone(files, [
    {
      regex: `^\\.\\./services/(?!${allowed.join('|')})`,
      message: `A worker imports the floors and only the job entry points of the feature it runs${entries.length > 0 ? ` (${entries.join(', ')})` : ''}.`,
    },
  ]);
}

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
  ...MAIN_FEATURES.flatMap((feature) =>
    servicesZones(
      feature,
      [...SERVICE_FLOORS, feature],
      `A feature (services/${feature}) imports the floors (services/${SERVICE_FLOORS.join(', ')}; ${LOWER_FLOORS.join(', ')}) and its own files only, never a sibling feature: wire features together in core.ts.`,
    ),
  ),
  ...SERVICE_FLOORS.flatMap((floor) =>
    servicesZones(floor, SERVICE_FLOORS, `services/${floor} is a floor: it imports the other floors only, never a feature.`),
  ),
  ...['node', 'db', 'addon'].flatMap((folder) =>
    [0, 1, 2].map((depth) =>
      mainZone(
        [`src-main/${folder}/${'*/'.repeat(depth)}*.ts`],
        [
          {
            regex: `^(\\.\\./){${depth + 1}}(?!(common|node|${folder})/)`,
            message: 'node/, db/ and addon/ are the lowest floors: they import common/, node/ and their own files only.',
          },
        ],
      ),
    ),
  ),
  mainZone(['src-main/cli/**', 'src-main/web/**', 'src-main/api/**', 'src-main/demo.ts'], [NO_FEATURES]),
  {
    // The CLI's words reach a terminal through cli/output.ts, which escapes control and bidi characters.
    files: ['src-main/cli/**'],
    ignores: ['src-main/cli/output.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' },
        {
          selector: "MemberExpression[object.object.name='process'][object.property.name=/^(stdout|stderr)$/][property.name='write']",
          message: 'Write through cli/output.ts (printLines, printNotes, printJson): names in the output may carry escape sequences.',
        },
        { selector: "MemberExpression[object.name='console']", message: 'Write through cli/output.ts (printLines, printNotes).' },
      ],
    },
  },
  mainZone(['src-main/index.ts', 'src-main/app/**', 'src-main/ipc/**'], [NO_FEATURES], GLUE),
  workerZone(['src-main/workers/**'], []),
  ...Object.entries(WORKER_ENTRIES).map(([worker, entries]) => workerZone([`src-main/workers/${worker}.ts`], entries)),
  {
    files: ['src-renderer/preload/**'],
    rules: layer('The preload may import electron and src-main/common only.', [
      '^(?!electron$|(\\.\\./)+src-main/common/)',
    ]),
  },
  {
    files: ['src-renderer/app/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...rendererZone(['src-renderer/app/**'], []),
  ...RENDERER_FEATURES.flatMap((feature) =>
    rendererZone(
      [`src-renderer/app/${feature}/**`],
      RENDERER_FEATURES.filter((other) => other !== feature),
    ),
  ),
  ...rendererZone(['src-renderer/app/ui/**', 'src-renderer/app/shell/**', 'src-renderer/app/testing/**'], RENDERER_FEATURES),
);
