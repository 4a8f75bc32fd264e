/**
 * Where an export may go, and the remembered choices of the Export dialog.
 *
 * The security rule. An export writes files wherever its destination says, so a renderer (or
 * a web page that reached the local server) must not be able to name any folder it likes:
 * - Every caller: an absolute path, never the data folder or anything inside it (exported
 *   files would mix with the library, and a crafted name could shadow its files).
 * - The desktop app: only folders the user picked in the system folder dialog
 *   (`export:choose-folder`, opened by the main process, which records the answer), the
 *   export root, the remembered destination (itself picked that way earlier), or folders inside
 *   one of those. A path the renderer makes up is refused.
 * - Web mode (no dialog): only the export root or folders inside it.
 * - The CLI is the user at their own shell: any absolute folder outside the data folder.
 * "Inside" is decided on real paths (symlinks resolved for the part that exists), so a link
 * inside the export root cannot lead out of it; `..` is resolved before anything is compared.
 *
 * The export root is `<home>/Music/Eureka Exports` (`<home>/Eureka Exports` without a Music
 * folder), or EUREKA_EXPORT_DIR, or what the core was given. Remembered choices live in
 * `<data>/export-settings.json`, written after each export from the app.
 *
 * A Live project never goes inside another one (liveProjectAround): Live treats the folder
 * holding `Ableton Project Info` as one project, so a project exported into it (or into any
 * folder below it) becomes part of that project's files, and Live's "Collect All and Save" and
 * file manager mix the two. Exporting there is refused with the folder to use instead.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { exportFormatSchema, type ExportDefaults, type ParsedExportRequest } from '../../common/export.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { PROJECT_INFO_FOLDER } from './ableton/index.js';

export const EXPORT_SETTINGS_FILE = 'export-settings.json';
export const EXPORT_ROOT_NAME = 'Eureka Exports';

/** Who is asking: decides which destinations are allowed (see the module comment). */
export type DestinationCaller = 'cli' | 'electron' | 'web';

/** `EUREKA_EXPORT_DIR`, else <home>/Music/Eureka Exports, else <home>/Eureka Exports. */
export function defaultExportRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.EUREKA_EXPORT_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const music = path.join(homedir(), 'Music');
  return path.join(existsSync(music) ? music : homedir(), EXPORT_ROOT_NAME);
}

/** The real path of `target`: symlinks resolved along the part that exists, the rest appended. */
export async function realPathOf(target: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.join(current, ...missing.reverse());
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** Whether `inner` is `outer` or inside it (both already resolved). */
export function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export interface DestinationRules {
  dataDir: string;
  exportRoot: string;
  /** Folders the user picked in the system dialog, and the remembered destination. */
  granted: Iterable<string>;
}

/**
 * The destination as a resolved absolute path, or AppError INVALID_INPUT saying why it is not
 * allowed for `caller`.
 */
export async function checkDestination(destination: string, caller: DestinationCaller, rules: DestinationRules): Promise<string> {
  if (!path.isAbsolute(destination) || destination.includes('\0')) {
    throw new AppError('INVALID_INPUT', 'the export folder must be a full path (e.g. /Users/you/Music/Exports)');
  }
  const resolved = path.resolve(destination);
  const real = await realPathOf(resolved);
  const dataDir = await realPathOf(rules.dataDir);
  if (isInside(real, dataDir)) {
    throw new AppError('INVALID_INPUT', "exports cannot go into Eureka's library folder; choose another folder");
  }
  if (caller === 'cli') return resolved;
  const allowed = [rules.exportRoot, ...(caller === 'electron' ? rules.granted : [])];
  for (const folder of allowed) {
    if (isInside(real, await realPathOf(folder))) return resolved;
  }
  throw new AppError(
    'INVALID_INPUT',
    caller === 'web'
      ? `in the browser, exports go into ${rules.exportRoot} or a folder inside it`
      : 'choose the export folder with the folder dialog',
  );
}

/**
 * The Live project `destination` is in, or null: the destination itself when it holds an
 * `Ableton Project Info` folder or a set (.als; a set copied by hand has no info folder), else
 * the nearest folder above it with an `Ableton Project Info` folder (a loose set higher up, in
 * ~/Music say, does not make everything below it a project).
 */
export async function liveProjectAround(destination: string): Promise<string | null> {
  const start = path.resolve(destination);
  for (let folder = start; ; folder = path.dirname(folder)) {
    const names = await readdir(folder).catch(() => [] as string[]);
    if (names.includes(PROJECT_INFO_FOLDER)) return folder;
    if (folder === start && names.some((name) => name.toLowerCase().endsWith('.als'))) return folder;
    if (path.dirname(folder) === folder) return null;
  }
}

/** Refuses a destination inside a Live project (see the module comment) with the folder to use instead. */
export async function refuseInsideLiveProject(destination: string): Promise<void> {
  const project = await liveProjectAround(destination);
  if (project !== null) {
    throw new AppError(
      'INVALID_INPUT',
      `the export folder is inside the Live project ${project}; export into ${path.dirname(project)} instead`,
    );
  }
}

const rememberedSchema = z.object({
  destination: z.string().optional(),
  format: exportFormatSchema.optional(),
  sampleRate: z.union([z.literal(44100), z.literal(48000)]).optional(),
  bitDepth: z.union([z.literal(24), z.literal(32)]).optional(),
  placement: z.enum(['sequence', 'stack']).optional(),
  includeSource: z.boolean().optional(),
});
export type RememberedExport = z.infer<typeof rememberedSchema>;

/** The remembered choices ({} when none were saved or the file is damaged: only defaults are lost). */
export async function readRemembered(dataDir: string): Promise<RememberedExport> {
  try {
    const parsed = rememberedSchema.safeParse(JSON.parse(await readFile(path.join(dataDir, EXPORT_SETTINGS_FILE), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function writeRemembered(dataDir: string, request: ParsedExportRequest, destination: string): Promise<void> {
  const remembered: RememberedExport = {
    destination,
    format: request.format,
    sampleRate: request.sampleRate,
    bitDepth: request.bitDepth,
    placement: request.placement,
    includeSource: request.includeSource,
  };
  await writeFileAtomic(path.join(dataDir, EXPORT_SETTINGS_FILE), `${JSON.stringify(remembered, null, 2)}\n`, 'the export settings');
}

/** What the Export dialog starts from: the remembered choices over the defaults. */
export function exportDefaults(
  remembered: RememberedExport,
  exportRoot: string,
  host: { canChooseFolder: boolean; canReveal: boolean },
): ExportDefaults {
  return {
    destination: remembered.destination ?? exportRoot,
    exportRoot,
    canChooseFolder: host.canChooseFolder,
    canReveal: host.canReveal,
    format: remembered.format ?? 'both',
    sampleRate: remembered.sampleRate ?? 48000,
    bitDepth: remembered.bitDepth ?? 24,
    placement: remembered.placement ?? 'sequence',
    includeSource: remembered.includeSource ?? true,
  };
}
