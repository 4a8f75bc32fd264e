/**
 * The runtime of blind rating sessions (docs/listening-tests.md): creating a session
 * (the builder does the audio), where each rater stands, and taking their answers.
 *
 * Robustness: every answer is written to the database the moment it arrives, so a crash or a
 * closed window loses nothing; a rater's progress is derived from what is stored, so a new
 * core on the same data folder resumes at the next unanswered position. Answers are
 * append-only and strictly in order (a position that is not the next one is refused), and
 * nothing changes after the rater submits.
 *
 * Blinding: what leaves this service for a rater (RaterProgress, RaterTrial, SessionSummary)
 * is made of positions, neutral labels, the session's one item length and opaque audio
 * tokens; origins, take ids and files stay in the repository (main process only).
 */
import { AppError } from '../../common/errors.js';
import {
  answerSchema,
  finalAnswersSchema,
  sessionDraftSchema,
  type Answer,
  type FinalAnswers,
  type RaterProgress,
  type RaterTrial,
  type SessionDraft,
  type SessionFormat,
  type SessionResults,
  type SessionSummary,
  type TakeRating,
} from '../../common/rating.js';
import type { RaterRow, RatingRepository, SessionRow } from './rating-repository.js';
import { stimulusLabels } from './stimulus-labels.js';

/** The statistics side (rating-stats and friends), computed over the same repository. */
export interface RatingAnalysis {
  results(sessionId: number, options: { excludeUnreliable: boolean }): SessionResults;
  exportResults(sessionId: number, format: 'csv' | 'json', options: { excludeUnreliable: boolean }): { text: string; fileName: string };
  takeRatings(filter: { modelId?: number; clipId?: number }): TakeRating[];
}

export interface RatingServiceDeps {
  repository: RatingRepository;
  /** Builds the session's audio and rows (session-builder.ts); resolves to its id. */
  build(draft: SessionDraft): Promise<number>;
  analysis: RatingAnalysis;
  /** Sessions whose rows changed (created, answered, submitted, closed). */
  changed(sessionIds: number[]): void;
  /** ISO time of an answer [now]. */
  now?: () => string;
}

export class RatingService {
  private readonly now: () => string;

  constructor(private readonly deps: RatingServiceDeps) {
    this.now = deps.now ?? (() => new Date().toISOString());
  }

  async create(draft: SessionDraft): Promise<SessionSummary> {
    const parsed = sessionDraftSchema.parse(draft);
    const sessionId = await this.deps.build(parsed);
    this.deps.changed([sessionId]);
    return this.get(sessionId);
  }

  /** Every session, newest first. */
  list(): SessionSummary[] {
    return this.deps.repository.sessions().map((session) => this.summarise(session));
  }

  get(sessionId: number): SessionSummary {
    return this.summarise(this.session(sessionId));
  }

  /** The rater of a session with this name (case and surrounding spaces ignored): the CLI's handle. */
  raterByName(sessionId: number, name: string): RaterRow {
    this.session(sessionId);
    const wanted = name.trim().toLocaleLowerCase();
    const rater = this.deps.repository.raters(sessionId).find((row) => row.name.trim().toLocaleLowerCase() === wanted);
    if (!rater) {
      const names = this.deps.repository.raters(sessionId).map((row) => row.name);
      throw new AppError('NOT_FOUND', `session ${sessionId} has no rater "${name}" (its raters: ${names.join(', ')})`);
    }
    return rater;
  }

  /** Where a rater stands: the next unanswered trial (resume after a crash), or done. */
  progress(raterId: number): RaterProgress {
    const rater = this.rater(raterId);
    const session = this.session(rater.sessionId);
    const answered = this.answeredPositions(raterId);
    const total = rater.tokens.length;
    const next = firstUnanswered(answered, total);
    return {
      sessionId: session.id,
      raterId: rater.id,
      raterName: rater.name,
      answered: answered.size,
      total,
      next: next === null || rater.submittedAt !== null || session.status === 'closed' ? null : this.trial(session, rater, next),
      finalAnswered: rater.final !== null,
      submitted: rater.submittedAt !== null,
    };
  }

  /**
   * Saves the answer to a rater's next trial at once. Refused: a position other than the next
   * unanswered one (the past cannot be changed, the future not skipped), an answer of another
   * format, an answer after submitting or after the session was closed.
   */
  answer(raterId: number, position: number, answer: Answer): RaterProgress {
    const rater = this.writableRater(raterId);
    const session = this.session(rater.sessionId);
    const parsed = answerSchema.safeParse(answer);
    if (!parsed.success) throw new AppError('INVALID_INPUT', 'that answer is incomplete: answer every question of the item');
    checkAnswerFits(session.format, parsed.data);
    const answered = this.answeredPositions(raterId);
    const next = firstUnanswered(answered, rater.tokens.length);
    if (next === null) throw new AppError('INVALID_INPUT', 'every item is answered already: fill in the final questions and submit');
    if (position !== next) {
      throw new AppError(
        'INVALID_INPUT',
        answered.has(position) ? `item ${position} is answered already; answers cannot be changed` : `answer item ${next} first`,
      );
    }
    this.deps.repository.appendAnswer(raterId, position, parsed.data, this.now());
    this.deps.changed([session.id]);
    return this.progress(raterId);
  }

  /** Saves the final questionnaire (after the last item; answering it again replaces it until submitted). */
  final(raterId: number, final: FinalAnswers): RaterProgress {
    const rater = this.writableRater(raterId);
    const parsed = finalAnswersSchema.safeParse(final);
    if (!parsed.success) throw new AppError('INVALID_INPUT', 'answer the final questions: will it help, did it surprise you');
    const missing = rater.tokens.length - this.answeredPositions(raterId).size;
    if (missing > 0) throw new AppError('INVALID_INPUT', `${missing} item(s) still to answer before the final questions`);
    this.deps.repository.saveFinal(raterId, parsed.data);
    this.deps.changed([rater.sessionId]);
    return this.progress(raterId);
  }

  /** Hands the rater's answers in: every item and the final questions answered; nothing changes afterwards. */
  submit(raterId: number): RaterProgress {
    const rater = this.writableRater(raterId);
    const missing = rater.tokens.length - this.answeredPositions(raterId).size;
    if (missing > 0) throw new AppError('INVALID_INPUT', `${missing} item(s) still to answer before submitting`);
    if (rater.final === null) throw new AppError('INVALID_INPUT', 'answer the final questions before submitting');
    this.deps.repository.submit(raterId);
    this.deps.changed([rater.sessionId]);
    return this.progress(raterId);
  }

  /** Closes a session: no more answers (what raters gave stays, and counts once submitted). */
  close(sessionId: number): SessionSummary {
    this.session(sessionId);
    this.deps.repository.setStatus(sessionId, 'closed');
    this.deps.changed([sessionId]);
    return this.get(sessionId);
  }

  results(sessionId: number, options: { excludeUnreliable?: boolean } = {}): SessionResults {
    this.session(sessionId);
    return this.deps.analysis.results(sessionId, { excludeUnreliable: options.excludeUnreliable ?? false });
  }

  exportResults(sessionId: number, format: 'csv' | 'json', options: { excludeUnreliable?: boolean } = {}): { text: string; fileName: string } {
    this.session(sessionId);
    return this.deps.analysis.exportResults(sessionId, format, { excludeUnreliable: options.excludeUnreliable ?? false });
  }

  takeRatings(filter: { modelId?: number; clipId?: number }): TakeRating[] {
    return this.deps.analysis.takeRatings(filter);
  }

  /** The item WAV behind an audio token of a trial (media route, CLI copies), or null. */
  audioFile(token: string): string | null {
    return this.deps.repository.audioFile(token);
  }

  /** The rater an audio token was dealt to (web mode lets a rater fetch only their own), or null. */
  audioOwner(token: string): number | null {
    return this.deps.repository.audioOwner(token);
  }

  /** The secret of a rater's web-mode link, or null when there is no such rater (any more). */
  raterAccessKey(raterId: number): string | null {
    return this.deps.repository.rater(raterId)?.accessKey ?? null;
  }

  private trial(session: SessionRow, rater: RaterRow, position: number): RaterTrial {
    const tokens = rater.tokens[position - 1] ?? [];
    const labels = stimulusLabels(session.format, position, tokens.length);
    return {
      sessionId: session.id,
      raterId: rater.id,
      position,
      total: rater.tokens.length,
      format: session.format,
      stimuli: tokens.map((audio, index) => ({ label: labels[index] ?? `Item ${position}`, audio })),
      seconds: session.itemSeconds,
    };
  }

  private summarise(session: SessionRow): SessionSummary {
    const raters = this.deps.repository.raters(session.id);
    return {
      id: session.id,
      name: session.name,
      format: session.format,
      itemSeconds: session.itemSeconds,
      itemCount: session.itemCount,
      catchTrials: session.catchTrials,
      sampleRate: session.sampleRate,
      targetLufs: session.targetLufs,
      status: session.status,
      raters: raters.map((rater) => ({
        id: rater.id,
        name: rater.name,
        answered: this.answeredPositions(rater.id).size,
        total: rater.tokens.length,
        submitted: rater.submittedAt !== null,
        accessKey: rater.accessKey,
      })),
      createdAt: session.createdAt,
    };
  }

  private session(sessionId: number): SessionRow {
    const session = this.deps.repository.session(sessionId);
    if (!session) throw new AppError('NOT_FOUND', `there is no rating session ${sessionId}`);
    return session;
  }

  private rater(raterId: number): RaterRow {
    const rater = this.deps.repository.rater(raterId);
    if (!rater) throw new AppError('NOT_FOUND', `there is no rater ${raterId}`);
    return rater;
  }

  /** A rater who may still answer: not submitted, session open. */
  private writableRater(raterId: number): RaterRow {
    const rater = this.rater(raterId);
    if (rater.submittedAt !== null) throw new AppError('INVALID_INPUT', `${rater.name} has submitted this session; answers cannot change`);
    if (this.session(rater.sessionId).status === 'closed') throw new AppError('INVALID_INPUT', 'this session is closed');
    return rater;
  }

  private answeredPositions(raterId: number): Set<number> {
    return new Set(this.deps.repository.answers(raterId).map((row) => row.position));
  }
}

/** The lowest position 1…total without an answer, or null when all have one. */
function firstUnanswered(answered: ReadonlySet<number>, total: number): number | null {
  for (let position = 1; position <= total; position++) if (!answered.has(position)) return position;
  return null;
}

/**
 * An answer must be of the session's format, and single answers say how easy a fake was to
 * tell exactly when they call the item fake (the form of docs/listening-tests.md §1 asks it of fakes only).
 */
function checkAnswerFits(format: SessionFormat, answer: Answer): void {
  if (answer.kind !== format) {
    throw new AppError('INVALID_INPUT', `this session asks ${describeFormat(format)}, not ${describeFormat(answer.kind)}`);
  }
  if (answer.kind !== 'single') return;
  if (!answer.judgedReal && answer.ease === null) throw new AppError('INVALID_INPUT', 'say how easy it was to tell the item is fake');
  if (answer.judgedReal && answer.ease !== null) throw new AppError('INVALID_INPUT', 'how easy it was to tell is asked of fakes only');
}

function describeFormat(format: SessionFormat): string {
  switch (format) {
    case 'single':
      return '"real or fake?" per item';
    case '2afc':
      return '"which one is real?"';
    case 'abx':
      return '"is X A or B?"';
  }
}
