/**
 * Characters that text from a user (a file name, a song, a rater) must not carry to a screen or
 * into a file name as they are: they act instead of showing. The CLI shows them as escapes
 * (cli/output.ts), exported names drop them (services/export/export-names.ts).
 */

/** C0 controls (newline, escape, …), DEL and C1 controls: cursor moves, colours, new lines. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Unicode's bidirectional formatting controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI): invisible, they
 * reorder what follows them ("evil\u202Evaw.exe" shows as "evilexe.wav").
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
