/**
 * 0006: each rater's own access key, the secret of their web-mode link
 * (docs/listening-tests.md): it opens that rater's screen and nothing else, so a rater never needs
 * the owner's token. 32 random bytes as hex; raters of sessions built before this migration get
 * one from SQLite's randomness source (new raters get theirs from node:crypto in
 * RatingRepository.createSession). A key never changes once set; the unique index is the
 * database's guarantee that no two raters share one.
 */
export const migration0006 = {
  version: 6,
  name: 'rater-access',
  sql: `
ALTER TABLE raters ADD COLUMN access_key TEXT
  CHECK (access_key IS NULL OR (length(access_key) = 64 AND access_key NOT GLOB '*[^0-9a-f]*'));
UPDATE raters SET access_key = lower(hex(randomblob(32))) WHERE access_key IS NULL;
CREATE UNIQUE INDEX raters_by_access_key ON raters(access_key);

CREATE TRIGGER raters_access_key_fixed BEFORE UPDATE OF access_key ON raters WHEN OLD.access_key IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a rater''s access key cannot change'); END;
CREATE TRIGGER raters_access_key_given BEFORE INSERT ON raters WHEN NEW.access_key IS NULL
BEGIN SELECT RAISE(ABORT, 'a rater needs an access key'); END;
`,
};
