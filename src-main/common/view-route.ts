/**
 * Which view the window shows, and what is selected in it, as an address: "#/songs/3/clips/5"
 * is the clip editor of song 3 with clip 5 selected. The renderer keeps the view in its address
 * (a reload returns to it, Back and Forward move between views); web mode's server sends a
 * rater's link to their screen ("#/rate/12"). An address is input from outside, like an IPC
 * request: it is read part by part, every id through the schema, and an address understood
 * only in part opens the deepest view it names, with what was not understood said in words.
 *
 * | address                                   | view                                           |
 * |-------------------------------------------|------------------------------------------------|
 * | `#/library`, `#/library/songs/3`          | Library (song 3 selected)                      |
 * | `#/songs/3`, `#/songs/3/clips/5`          | clip editor of song 3 (clip 5 selected)        |
 * | `#/songs/3/parts/4`                       | song 3's MIDI part 4 on the piano roll         |
 * | `#/training`, `#/training/models/7`       | Training (model 7 selected)                    |
 * | `#/takes/clips/5`, `#/takes/models/7`     | Takes of clip 5's models, of model 7           |
 * | `#/takes/models/7/takes/40/export`        | … with take 40 selected, the Export dialog open |
 * | `#/phrases`, `#/phrases/models/9`         | Phrase ideas (phrase model 9 open)             |
 * | `#/listen`, `#/listen/sessions/2`         | Listen (session 2 shown)                       |
 * | `#/rate/12`                               | rater 12's screen                              |
 */
import { z } from 'zod';

/** Ids as the core numbers rows; twelve digits at most, like media paths. */
const routeIdSchema = z.number().int().positive().max(999_999_999_999);
const selectionSchema = routeIdSchema.nullable();
/** One part of an address that should be an id: digits without a leading zero, then the id schema. */
const idPartSchema = z.string().regex(/^[1-9]\d{0,11}$/).transform(Number).pipe(routeIdSchema);

export const viewRouteSchema = z.discriminatedUnion('view', [
  z.object({ view: z.literal('library'), /** The song whose clips the Library lists. */ songId: selectionSchema }),
  z.object({ view: z.literal('editor'), songId: routeIdSchema, /** The selected clip. */ clipId: selectionSchema }),
  z.object({ view: z.literal('part'), songId: routeIdSchema, /** The MIDI part on the piano roll. */ partId: routeIdSchema }),
  z.object({ view: z.literal('training'), /** The selected model. */ modelId: selectionSchema }),
  z.object({
    view: z.literal('takes'),
    /** The clip whose models are offered when no model is open. */
    clipId: selectionSchema,
    /** The model whose takes are open. */
    modelId: selectionSchema,
    /** The selected take (of the open model). */
    takeId: selectionSchema,
    /** The Export dialog is open over the open model's takes. */
    exporting: z.boolean(),
  }),
  z.object({ view: z.literal('phrases'), /** The phrase model open (null: the list and the Train form). */ modelId: selectionSchema }),
  z.object({ view: z.literal('rating'), /** The session shown (null: the builder of a new one). */ sessionId: selectionSchema }),
  z.object({ view: z.literal('rater'), raterId: routeIdSchema }),
]);
export type ViewRoute = z.infer<typeof viewRouteSchema>;

export const LIBRARY_ROUTE: ViewRoute = { view: 'library', songId: null };

/** What an address opens; `problem` says, in one line, what of it was not understood. */
export interface AddressRoute {
  route: ViewRoute;
  problem: string | null;
}

/** The longest address quoted back in a problem. */
const MAX_QUOTED_CHARS = 48;

/** The view an address (a location's hash, "#/…") names, or the nearest one it understood. */
export function routeFromHash(hash: string): AddressRoute {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text === '' || text === '/') return { route: LIBRARY_ROUTE, problem: null };
  const parts = text.startsWith('/') ? text.slice(1).split('/') : [text];
  if (parts.at(-1) === '') parts.pop();
  const read = readParts(text.startsWith('/') ? parts : []);
  const parsed = viewRouteSchema.safeParse(read.candidate);
  const route = parsed.success ? parsed.data : LIBRARY_ROUTE;
  if (parsed.success && read.used === parts.length) return { route, problem: null };
  const quoted = hash.length > MAX_QUOTED_CHARS ? `${hash.slice(0, MAX_QUOTED_CHARS - 1)}…` : hash;
  return { route, problem: `Eureka has no page at "${quoted}": showing ${VIEW_NAMES[route.view]} instead.` };
}

/** How a notice names a view. */
export const VIEW_NAMES: Record<ViewRoute['view'], string> = {
  library: 'the Library',
  editor: 'the song',
  part: 'the part',
  training: 'Training',
  takes: 'Takes',
  phrases: 'Phrase ideas',
  rating: 'Listen',
  rater: "the listener's screen",
};

/**
 * Reads the parts of an address from the left and stops at the first it does not understand:
 * the route so far (not yet checked by the schema) and how many parts made it.
 */
function readParts(parts: string[]): { candidate: unknown; used: number } {
  let used = 1;
  /** The id after `word` ("models", "7"), consumed, or null when the next parts are not that. */
  const idAfter = (word: string): number | null => {
    if (parts[used] !== word) return null;
    const id = idPartSchema.safeParse(parts[used + 1]);
    if (!id.success) return null;
    used += 2;
    return id.data;
  };
  /** The id in the next part, consumed, or null. */
  const nextId = (): number | null => {
    const id = idPartSchema.safeParse(parts[used]);
    if (!id.success) return null;
    used += 1;
    return id.data;
  };
  switch (parts[0]) {
    case 'library':
      return { candidate: { view: 'library', songId: idAfter('songs') }, used };
    case 'songs': {
      const songId = nextId();
      if (songId === null) return { candidate: LIBRARY_ROUTE, used };
      const partId = idAfter('parts');
      if (partId !== null) return { candidate: { view: 'part', songId, partId }, used };
      return { candidate: { view: 'editor', songId, clipId: idAfter('clips') }, used };
    }
    case 'training':
      return { candidate: { view: 'training', modelId: idAfter('models') }, used };
    case 'takes': {
      const modelId = idAfter('models');
      const clipId = modelId === null ? idAfter('clips') : null;
      const takeId = modelId === null ? null : idAfter('takes');
      const exporting = modelId !== null && parts[used] === 'export';
      if (exporting) used += 1;
      return { candidate: { view: 'takes', clipId, modelId, takeId, exporting }, used };
    }
    case 'phrases':
      return { candidate: { view: 'phrases', modelId: idAfter('models') }, used };
    case 'listen':
      return { candidate: { view: 'rating', sessionId: idAfter('sessions') }, used };
    case 'rate': {
      const raterId = nextId();
      return { candidate: raterId === null ? { view: 'rating', sessionId: null } : { view: 'rater', raterId }, used };
    }
    default:
      return { candidate: LIBRARY_ROUTE, used: 0 };
  }
}

/** The address of a route (the inverse of {@link routeFromHash} for what it reads). */
export function hashOf(route: ViewRoute): string {
  const part = (word: string, id: number | null): string => (id === null ? '' : `/${word}/${id}`);
  switch (route.view) {
    case 'library':
      return `#/library${part('songs', route.songId)}`;
    case 'editor':
      return `#/songs/${route.songId}${part('clips', route.clipId)}`;
    case 'part':
      return `#/songs/${route.songId}/parts/${route.partId}`;
    case 'training':
      return `#/training${part('models', route.modelId)}`;
    case 'takes':
      if (route.modelId === null) return `#/takes${part('clips', route.clipId)}`;
      return `#/takes${part('models', route.modelId)}${part('takes', route.takeId)}${route.exporting ? '/export' : ''}`;
    case 'phrases':
      return `#/phrases${part('models', route.modelId)}`;
    case 'rating':
      return `#/listen${part('sessions', route.sessionId)}`;
    case 'rater':
      return `#/rate/${route.raterId}`;
  }
}
