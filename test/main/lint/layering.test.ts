/**
 * The layering rules are only worth having if they fire: lint small offending files placed in
 * each layer and expect the rule, lint allowed ones and expect nothing, then lint the real main
 * side and expect nothing. The main side's zones: a feature under services/ imports the floors
 * and its own files only; a floor no feature; front ends no feature (core.ts instead); a worker
 * only its own feature's job entry points.
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
    ['src-renderer/app/shell/x.ts', "import { ipcRenderer } from 'electron';"],
    ['src-renderer/app/shell/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['src-renderer/app/shell/x.ts', "import { LibraryService } from '../../../src-main/services/library/library-service.js';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    ['src-main/common/x.ts', "import { z } from 'zod';"],
    ['src-main/services/x.ts', "import { readFile } from 'node:fs';"],
    ['src-main/ipc/x.ts', "import { ipcMain } from 'electron';"],
    ['src-renderer/preload/x.ts', "import { contextBridge } from 'electron';"],
    ['src-renderer/app/shell/x.ts', "import { ipcContract } from '@common/ipc-contract';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});

describe('renderer features (eslint zones of src-renderer/app)', () => {
  it.each([
    ['src-renderer/app/takes/x.ts', "import type { LibraryStore } from '../library/library.svelte.js';"],
    ['src-renderer/app/editor/EditorThing.svelte.ts', "import { TrainingStore } from '../training/training.svelte.js';"],
    ['src-renderer/app/export/x.ts', "import { takeSummary } from '../takes/take-format.js';"],
    ['src-renderer/app/rating/deep/x.ts', "import { ExportStore } from '../../export/export.svelte.js';"],
    ['src-renderer/app/takes/x.spec.ts', "import { RatingStore } from '../rating/rating.svelte.js';"],
    ['src-renderer/app/ui/x.ts', "import { TakesStore } from '../takes/takes.svelte.js';"],
    ['src-renderer/app/shell/x.ts', "import { LibraryStore } from '../library/library.svelte.js';"],
    ['src-renderer/app/takes/x.ts', "import { describe } from '@jest/globals';"],
    ['src-renderer/app/parts/x.ts', "import SongTime from '../editor/SongTime.svelte';"],
    ['src-renderer/app/library/x.ts', "import { PartsStore } from '../parts/parts.svelte.js';"],
    ['src-renderer/app/editor/x.ts', "import { TranscriptionStore } from '../transcription/transcription.svelte.js';"],
    ['src-renderer/app/transcription/x.ts', "import type { TakesStore } from '../takes/takes.svelte.js';"],
    ['src-renderer/app/phrases/x.ts', "import { PartsStore } from '../parts/parts.svelte.js';"],
    ['src-renderer/app/parts/x.ts', "import type { PhrasesStore } from '../phrases/phrases.svelte.js';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    ['src-renderer/app/takes/x.ts', "import { plural } from '../ui/format.js';"],
    ['src-renderer/app/takes/x.ts', "import { errorMessage } from '../shell/api.js';"],
    ['src-renderer/app/takes/x.ts', "import { sortTakes } from './take-list.js';"],
    ['src-renderer/app/ui/x.ts', "import type { NoticeStore } from '../shell/notices.svelte.js';"],
    ['src-renderer/app/stores.ts', "import { TakesStore } from './takes/takes.svelte.js';"],
    ['src-renderer/app/takes/x.spec.ts', "import { describe } from '@jest/globals';"],
    ['src-renderer/app/takes/x.spec.ts', "import { fakeBridge } from '../testing/fake-bridge.js';"],
    ['src-renderer/app/parts/x.ts', "import SongTime from '../ui/SongTime.svelte';"],
    ['src-renderer/app/stores.ts', "import { PartsStore } from './parts/parts.svelte.js';"],
    ['src-renderer/app/phrases/x.ts', "import { gridLines } from '../ui/roll-geometry.js';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});

describe('main side features and floors (eslint zones of src-main)', () => {
  it.each([
    // a feature never imports a sibling feature, at any depth, nor core or a front end
    ['src-main/services/rating/x.ts', "import { renderTake } from '../takes/render/render-take.js';"],
    ['src-main/services/rating/x.ts', "import { TakesService } from '../takes/takes-service.js';"],
    ['src-main/services/takes/render/x.ts', "import { workerJobSchema } from '../../training/protocol.js';"],
    ['src-main/services/export/ableton/x.ts', "import { onsetStrength } from '../../metrics/features/onset.js';"],
    ['src-main/services/training/x.ts', "import type { LibraryService } from '../library/library-service.js';"],
    ['src-main/services/metrics/x.ts', "import { createCore } from '../../core.js';"],
    ['src-main/services/parts/x.ts', "import type { LibraryService } from '../library/library-service.js';"],
    ['src-main/cli/commands/x.ts', "import { PartsService } from '../../services/parts/parts-service.js';"],
    ['src-main/services/transcription/x.ts', "import type { PartsService } from '../parts/parts-service.js';"],
    ['src-main/services/synth/x.ts', "import type { PartsService } from '../parts/parts-service.js';"],
    ['src-main/services/phrases/x.ts', "import type { PartsService } from '../parts/parts-service.js';"],
    ['src-main/services/phrase-models/x.ts', "import type { PartsService } from '../parts/parts-service.js';"],
    ['src-main/services/phrase-models/x.ts', "import { runTrainingJob } from '../training/run-training.js';"],
    ['src-main/services/library/x.ts', "import { printJson } from '../../cli/output.js';"],
    ['src-main/services/rating/x.ts', "import { app } from 'electron';"],
    // a floor never imports a feature; the lowest floors import common and node only
    ['src-main/services/models/x.ts', "import { makePlan } from '../training/planner.js';"],
    ['src-main/services/audio/x.ts', "import { truePeak } from '../rating/true-peak.js';"],
    ['src-main/services/models/onnx/x.ts', "import { OnnxPyramid } from '../../takes/onnx/onnx-pyramid.js';"],
    ['src-main/node/x.ts', "import { writeFileAtomic } from '../services/store/atomic-write.js';"],
    ['src-main/addon/x.ts', "import { MODEL_FILES } from '../services/models/model-files.js';"],
    // front ends reach features through core.ts only
    ['src-main/cli/commands/x.ts', "import { BatchRun } from '../../services/takes/batch-runner.js';"],
    ['src-main/web/x.ts', "import { renderPicturePng } from '../services/metrics/metrics-png.js';"],
    ['src-main/app/x.ts', "import type { ExportHost } from '../services/export/export-service.js';"],
    ['src-main/demo.ts', "import type { TakesService } from './services/takes/takes-service.js';"],
    // a worker imports only the job entry points of the feature it runs
    ['src-main/workers/training-worker.ts', "import { createOnnxEngine } from '../services/takes/engine.js';"],
    ['src-main/workers/training-worker.ts', "import { TrainingService } from '../services/training/training-service.js';"],
    ['src-main/workers/new-worker.ts', "import { runTrainingJob } from '../services/training/run-training.js';"],
    ['src-main/workers/transcription-worker.ts', "import { TranscriptionService } from '../services/transcription/transcription-service.js';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    // a feature stands on the floors and its own files
    ['src-main/services/rating/x.ts', "import { applyEdgeFades } from '../audio/level.js';"],
    ['src-main/services/rating/x.ts', "import { loadModelSource } from '../models/model-source.js';"],
    ['src-main/services/rating/x.ts', "import { describeFsError } from '../store/atomic-write.js';"],
    ['src-main/services/rating/x.ts', "import { seededRandom } from '../../node/seeded-random.js';"],
    ['src-main/services/rating/x.ts', "import type { Db } from '../../db/database.js';"],
    ['src-main/services/rating/x.ts', "import { orderTrials } from './session-order.js';"],
    ['src-main/services/takes/render/x.ts', "import { OnnxPyramid } from '../onnx/onnx-pyramid.js';"],
    ['src-main/services/takes/render/x.ts', "import type { PyramidManifest } from '../../models/onnx/manifest.js';"],
    ['src-main/services/takes/render/x.ts', "import type { NativeAddon } from '../../../addon/binding.js';"],
    ['src-main/services/models/onnx/x.ts', "import { APP_VERSION } from '../../../version.js';"],
    ['src-main/services/models/x.ts', "import { resample } from '../audio/resample.js';"],
    ['src-main/services/parts/x.ts', "import { keyOfChroma } from '../audio/analysis/key.js';"],
    // front ends use core, common and the floors; core wires the features
    ['src-main/cli/commands/x.ts', "import type { Core } from '../../core.js';"],
    ['src-main/cli/commands/x.ts', "import { writeFileAtomic } from '../../services/store/atomic-write.js';"],
    ['src-main/app/x.ts', "import type { ExportHost } from '../core.js';"],
    ['src-main/core.ts', "import { RatingService } from './services/rating/rating-service.js';"],
    ['src-main/workers/generation-worker.ts', "import { createOnnxEngine } from '../services/takes/engine.js';"],
    ['src-main/workers/metrics-worker.ts', "import { runMetricsJob } from '../services/metrics/metrics-jobs.js';"],
    ['src-main/workers/transcription-worker.ts', "import { runTranscription } from '../services/transcription/run-transcription.js';"],
    ['src-main/services/transcription/x.ts', "import { resample } from '../audio/resample.js';"],
    ['src-main/services/export/x.ts', "import { renderMusic } from '../synth/render-music.js';"],
    ['src-main/workers/synth-worker.ts', "import { handleSynthJob } from '../services/synth/synth-runner.js';"],
    ['src-main/services/phrases/x.ts', "import { seededRandom } from '../../node/seeded-random.js';"],
    ['src-main/services/phrase-models/x.ts', "import { augment } from '../phrases/augment.js';"],
    ['src-main/services/phrase-models/x.ts', "import { writeFileAtomic } from '../store/atomic-write.js';"],
    ['src-main/services/training/x.ts', "import { trainLm } from '../phrase-models/lm-train.js';"],
    ['src-main/services/takes/x.ts', "import { continuePhrase } from '../phrase-models/lm-sample.js';"],
    ['src-main/services/models/onnx/x.ts', "import type { LstmLm } from '../../phrase-models/lstm-lm.js';"],
    ['src-main/workers/training-worker.ts', "import { trainLm } from '../services/phrase-models/lm-train.js';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });

  it('finds no restricted import in the main side as it is', async () => {
    const results = await eslint.lintFiles(['src-main']);
    const found = results.flatMap((result) =>
      result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${result.filePath}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  }, 300_000);
});
