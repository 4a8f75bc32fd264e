/**
 * 0007: ABX's X as an item of its own (docs/listening-tests.md, "Blinding"). X used to be A's
 * or B's own item, the very same file, so hashing the three files a rater fetches answered
 * every trial. Now each X is a fresh rendering of the stimulus it is (its own file, its own
 * dither), and `x_of` is the key that says which: the index of that stimulus, the same
 * session's item, stored before it and no X itself (the trigger). Null for every other item,
 * and for every item of sessions stored before this migration (their X is A's or B's own
 * index, which scoring still reads).
 */
export const migration0007 = {
  version: 7,
  name: 'abx-x-renderings',
  sql: `
ALTER TABLE session_items ADD COLUMN x_of INTEGER CHECK (x_of IS NULL OR x_of >= 0);

CREATE TRIGGER session_items_x_of_known BEFORE INSERT ON session_items
  WHEN NEW.x_of IS NOT NULL AND NOT EXISTS
    (SELECT 1 FROM session_items WHERE session_id = NEW.session_id AND idx = NEW.x_of AND x_of IS NULL)
BEGIN SELECT RAISE(ABORT, 'an X rendering must name a stimulus of its own session stored before it'); END;
`,
};
