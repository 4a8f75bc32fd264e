/**
 * 0010: takes.render — what a take's file is, as its worker made it (common/take-render.ts,
 * JSON): the model's rate (the band the take really has), the file's channels, and for a gap
 * fill the holes in seconds, their crossfades, what the fill was spliced into and the gains
 * that matched its level. NULL while a take is queued or generating, after a failure, and for
 * takes made before it was recorded (the Takes view then says nothing of their band).
 */
export const migration0010 = {
  version: 10,
  name: 'take-render',
  sql: `
ALTER TABLE takes ADD COLUMN render TEXT CHECK (render IS NULL OR (json_valid(render) AND status = 'ready'));
`,
};
