/**
 * Jest transform for the renderer's runes modules (`*.svelte.ts`: the stores), so their specs
 * run the stores exactly as the app does: TypeScript's types are stripped (imports kept as
 * written, as Vite does), then Svelte's compiler turns `$state` / `$derived` into its client
 * runtime, the one the browser runs. Plain `.ts` files stay with ts-jest.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compileModule, VERSION as SVELTE_VERSION } from 'svelte/compiler';
import ts from 'typescript';

const SELF = readFileSync(new URL(import.meta.url), 'utf8');

function process(source, filename) {
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
      useDefineForClassFields: true,
    },
  });
  const { js } = compileModule(outputText, { filename, generate: 'client', dev: false });
  return { code: js.code };
}

function getCacheKey(source, filename) {
  return createHash('sha256')
    .update(SELF)
    .update(SVELTE_VERSION)
    .update(ts.version)
    .update(filename)
    .update(source)
    .digest('hex');
}

// Jest loads a transformer from its module's default export.
// eslint-disable-next-line no-restricted-syntax
export default { process, getCacheKey };
