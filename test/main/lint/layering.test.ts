/**
 * The layering rules are only worth having if they fire: lint small offending files placed in
 * each layer and expect the rule, then lint the real tree and expect nothing.
 */
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering (eslint no-restricted-imports zones)', () => {
  it.each([
    ['src-main/common/x.ts', "import { readFile } from 'node:fs';"],
    ['src-main/common/x.ts', "import { openDatabase } from '../db/database.js';"],
    ['src-main/services/x.ts', "import { app } from 'electron';"],
    ['src-main/services/library/x.ts', "import { registerIpc } from '../../ipc/register-ipc.js';"],
    ['src-main/core.ts', "import { BrowserWindow } from 'electron';"],
    ['src-renderer/preload/x.ts', "import { readFile } from 'node:fs';"],
    ['src-renderer/preload/x.ts', "import { createCore } from '../../src-main/core.js';"],
    ['src-renderer/app/lib/x.ts', "import { ipcRenderer } from 'electron';"],
    ['src-renderer/app/lib/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['src-renderer/app/lib/x.ts', "import { LibraryService } from '../../../src-main/services/library/library-service.js';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    ['src-main/common/x.ts', "import { z } from 'zod';"],
    ['src-main/services/x.ts', "import { readFile } from 'node:fs';"],
    ['src-main/ipc/x.ts', "import { ipcMain } from 'electron';"],
    ['src-renderer/preload/x.ts', "import { contextBridge } from 'electron';"],
    ['src-renderer/app/lib/x.ts', "import { ipcContract } from '@common/ipc-contract';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});
