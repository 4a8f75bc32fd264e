/**
 * Exports takes, MIDI parts and MIDI takes to Ableton Live and Logic Pro: `exportTakes(request)`
 * checks where it may write (export-destination.ts), builds the plan (export-plan-builder.ts:
 * takes and their source clip at the export rate, parts, part clips and the phrase models' MIDI
 * takes with their notes and rendered audio, named, placed, with a tempo), writes `<Song> Project/` (Ableton) and/or
 * `<Song> Logic/` (Logic), each with `eureka-takes.json`, into a temp folder inside the
 * destination, and only at the end moves each into place under free names that share their
 * number ("<Song> Project 2" and "<Song> Logic 2" when either first name exists;
 * export-folders.ts). A Live project is never written inside another one
 * (export-destination.ts liveProjectAround). Any failure removes the temp folder, any folder
 * this export already moved, and the destination folders it had to create, so a failed export
 * leaves nothing behind and never touches what was there before.
 *
 * Progress: 'preparing' per item loaded (0 → 40 %), 'writing' per file (→ 95 %), 'finishing'
 * per folder moved into place (→ 100 %). A progress listener that throws fails the export like
 * any other error (the tests use that to fail one half-way).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { AppError } from '../../common/errors.js';
import {
  exportRequestSchema,
  exportTimeSignatureSchema,
  MAX_EXPORT_SONG_NAME,
  type ExportDefaults,
  type ExportProgressEvent,
  type ExportRequest,
  type ExportResult,
  type ParsedExportRequest,
} from '../../common/export.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { abletonFolderFileCount, writeAbletonFolder } from './ableton-folder.js';
import { zipFolder } from './export-zip.js';
import {
  checkDestination,
  exportDefaults,
  readRemembered,
  realPathOf,
  refuseInsideLiveProject,
  writeRemembered,
  type DestinationCaller,
} from './export-destination.js';
import { freeFolderNames, makeTempFolder, placeFolder, removeCreated, removeQuietly } from './export-folders.js';
import { nameKey, sanitizeName } from './export-names.js';
import { buildExportPlan, type ExportSources } from './export-plan-builder.js';
import type { ExportPlan } from './export-plan.js';
import { logicFolderFileCount, writeLogicFolder } from './logic-folder.js';
import { buildSidecar, encodeSidecar, SIDECAR_FILE_NAME, type ExportedFile } from './sidecar.js';

/** What the host (the Electron main process) can do that the headless core cannot. */
export interface ExportHost {
  /** Shows the system folder picker; the chosen folder, or null when cancelled. */
  chooseFolder?(defaultPath: string): Promise<string | null>;
  /** Shows the folder in Finder / Explorer. */
  reveal?(target: string): void;
}

export interface ExportServiceOptions {
  dataDir: string;
  exportRoot: string;
  sources: ExportSources;
  host?: ExportHost;
  onProgress?(event: ExportProgressEvent): void;
}

export interface ExportCallOptions {
  /** Who asks (decides which destinations are allowed) ['cli']. */
  caller?: DestinationCaller;
  /** Called for every step, after the service's own listener. */
  onProgress?(event: ExportProgressEvent): void;
}

export const ABLETON_FOLDER_SUFFIX = ' Project';
export const LOGIC_FOLDER_SUFFIX = ' Logic';

export class ExportService {
  readonly #options: ExportServiceOptions;
  /** Folders the user picked in the dialog this session. */
  readonly #granted = new Set<string>();
  /** Folders this service wrote (the only ones `reveal` shows). */
  readonly #exported = new Set<string>();

  constructor(options: ExportServiceOptions) {
    this.#options = options;
  }

  get exportRoot(): string {
    return this.#options.exportRoot;
  }

  async defaults(): Promise<ExportDefaults> {
    const host = this.#options.host;
    return exportDefaults(await readRemembered(this.#options.dataDir), this.#options.exportRoot, {
      canChooseFolder: host?.chooseFolder !== undefined,
      canReveal: host?.reveal !== undefined,
    });
  }

  /** Opens the host's folder picker; the folder picked becomes an allowed destination. */
  async chooseFolder(): Promise<{ folder: string | null }> {
    const choose = this.#options.host?.chooseFolder;
    if (!choose) return { folder: null };
    const folder = await choose((await this.defaults()).destination);
    if (folder === null) return { folder: null };
    const resolved = path.resolve(folder);
    this.#granted.add(resolved);
    return { folder: resolved };
  }

  /** Shows an exported folder in Finder / Explorer (web mode: only answers its path). */
  async reveal(folder: string): Promise<{ revealed: boolean; path: string }> {
    const resolved = path.resolve(folder);
    if (!this.#exported.has(await realPathOf(resolved))) {
      throw new AppError('INVALID_INPUT', 'only a folder Eureka exported can be shown');
    }
    const reveal = this.#options.host?.reveal;
    reveal?.(resolved);
    return { revealed: reveal !== undefined, path: resolved };
  }

  /**
   * A folder this service exported, ready to stream as a .zip (export-zip.ts): its file name and
   * the writer. Any other folder is refused here, before a byte is written.
   */
  async zipExported(folder: string): Promise<{ fileName: string; write(output: Writable): Promise<void> }> {
    const resolved = path.resolve(folder);
    if (!this.#exported.has(await realPathOf(resolved).catch(() => ''))) {
      throw new AppError('INVALID_INPUT', 'only a folder Eureka exported can be downloaded');
    }
    return { fileName: `${path.basename(resolved)}.zip`, write: (output) => zipFolder(resolved, output) };
  }

  async exportTakes(input: ExportRequest, options: ExportCallOptions = {}): Promise<ExportResult> {
    const request = parseRequest(input);
    const caller = options.caller ?? 'cli';
    const remembered = await readRemembered(this.#options.dataDir);
    const destination = await checkDestination(request.destination ?? remembered.destination ?? this.#options.exportRoot, caller, {
      dataDir: this.#options.dataDir,
      exportRoot: this.#options.exportRoot,
      granted: [...this.#granted, ...(remembered.destination ? [remembered.destination] : [])],
    });
    if (request.format !== 'logic') await refuseInsideLiveProject(destination);
    const exportId = request.exportId ?? randomBytes(6).toString('hex');
    const report = (phase: ExportProgressEvent['phase'], file: string | null, fraction: number): void => {
      const event = { exportId, phase, file, fraction: Math.max(0, Math.min(1, fraction)) };
      this.#options.onProgress?.(event);
      options.onProgress?.(event);
    };

    report('preparing', null, 0);
    const { plan, tempoSource } = await buildExportPlan(request, this.#options.sources, (label, index, count) =>
      report('preparing', label, (0.4 * index) / count),
    );
    const result = await this.#write(plan, request, destination, report);
    if (caller !== 'cli') await writeRemembered(this.#options.dataDir, request, destination);
    return { ...result, tempo: plan.tempo, tempoEstimated: tempoSource === 'estimate', tempoSource, timeSignature: exportTimeSignatureSchema.parse(plan.timeSignature) };
  }

  async #write(
    plan: ExportPlan,
    request: ParsedExportRequest,
    destination: string,
    report: (phase: ExportProgressEvent['phase'], file: string | null, fraction: number) => void,
  ): Promise<{ folders: string[]; files: number }> {
    const song = sanitizeName(plan.songName);
    const itemNames = plan.items.map((item) => sanitizeName(item.name));
    if (new Set(itemNames.map(nameKey)).size !== itemNames.length) {
      throw new AppError('INTERNAL', 'two exported items have the same file name');
    }
    const wantAbleton = request.format !== 'logic';
    const wantLogic = request.format !== 'ableton';
    const total = (wantAbleton ? abletonFolderFileCount(plan) + 1 : 0) + (wantLogic ? logicFolderFileCount(plan) + 1 : 0);
    let written = 0;
    const wrote = (file: string): void => report('writing', file, 0.4 + (0.55 * ++written) / total);

    const { temp, created } = await makeTempFolder(destination);
    const placed: string[] = [];
    try {
      const bases = [...(wantAbleton ? [`${song}${ABLETON_FOLDER_SUFFIX}`] : []), ...(wantLogic ? [`${song}${LOGIC_FOLDER_SUFFIX}`] : [])];
      const names = await freeFolderNames(destination, bases);
      const staged: { dir: string; base: string; preferred: string }[] = [];
      if (wantAbleton) {
        const [base, preferred] = [bases[0]!, names[0]!];
        const dir = path.join(temp, 'ableton');
        const { files } = await writeAbletonFolder(dir, path.join(destination, preferred), plan, itemNames, wrote);
        await this.#writeSidecar(dir, plan, files, wrote);
        staged.push({ dir, base, preferred });
      }
      if (wantLogic) {
        const [base, preferred] = [bases.at(-1)!, names.at(-1)!];
        const dir = path.join(temp, 'logic');
        await mkdir(dir);
        const { files } = await writeLogicFolder(dir, plan, { song, items: itemNames }, () => wrote('Logic folder'));
        await this.#writeSidecar(dir, plan, files, wrote);
        staged.push({ dir, base, preferred });
      }
      for (const [i, folder] of staged.entries()) {
        placed.push(await placeFolder(folder.dir, destination, folder.base, folder.preferred));
        report('finishing', path.basename(placed.at(-1)!), 0.95 + (0.05 * (i + 1)) / staged.length);
      }
      await removeQuietly([temp]);
    } catch (error) {
      await removeQuietly([temp, ...placed]);
      await removeCreated(destination, created);
      throw error;
    }
    for (const folder of placed) this.#exported.add(await realPathOf(folder));
    return { folders: placed, files: written };
  }

  async #writeSidecar(dir: string, plan: ExportPlan, files: ExportedFile[], wrote: (file: string) => void): Promise<void> {
    await writeFileAtomic(path.join(dir, SIDECAR_FILE_NAME), encodeSidecar(buildSidecar(plan, files)), SIDECAR_FILE_NAME);
    wrote(SIDECAR_FILE_NAME);
  }
}

/**
 * The request, or AppError INVALID_INPUT naming what is wrong in one line (a ZodError's message
 * is a multi-line JSON dump).
 */
function parseRequest(input: ExportRequest): ParsedExportRequest {
  const parsed = exportRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  const reason =
    field === 'songName'
      ? `the song name must be 1 to ${MAX_EXPORT_SONG_NAME} characters`
      : issue.code === 'custom'
        ? issue.message // the schema's own sentence (NOTHING_TO_EXPORT)
        : `${field || 'request'}: ${issue.message}`;
  throw new AppError('INVALID_INPUT', `cannot export: ${reason}`);
}
