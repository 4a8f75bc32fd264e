/**
 * What the CLI writes for people shows a name's control and bidi characters as escapes (a file
 * name cannot clear the screen, forge a line or reorder one), while JSON stays exact. In
 * process, with stdout and stderr captured; test/main/cli/cli.test.ts runs the real command.
 */
import { jest } from '@jest/globals';
import {
  clipRows,
  forTerminal,
  printJson,
  printLines,
  printNotes,
  printPrompt,
  printTable,
  reportError,
} from '../../../src-main/cli/output.js';
import { AppError } from '../../../src-main/common/errors.js';
import type { Clip } from '../../../src-main/common/dto.js';

/** What `write` was given on a stream while `run` ran. */
function captured(stream: NodeJS.WriteStream, run: () => void): string {
  const chunks: string[] = [];
  const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

const EVIL = 'Verse\u001b[2J\u001b[31m idea\nimported song 9: fake\r\u202Evaw.exe\u2066\u0085\u007f\t.wav';

describe('CLI output for people', () => {
  it('shows control, bidi and line-separator characters as escapes', () => {
    expect(forTerminal(EVIL)).toBe('Verse\\x1b[2J\\x1b[31m idea\\nimported song 9: fake\\r\\u202evaw.exe\\u2066\\x85\\x7f\\t.wav');
    expect(forTerminal('a\u2028b\u2029c\u061cd\u200ee\u200ff\u0000')).toBe('a\\u2028b\\u2029c\\u061cd\\u200ee\\u200ff\\x00');
    // Text a person wrote is left alone: accents, emoji, other scripts, backslashes in paths.
    const plain = 'Café — 世界 👩‍👩‍👧 C:\\Music\\take.wav';
    expect(forTerminal(plain)).toBe(plain);
  });

  it('writes each line as one line, whatever the name holds', () => {
    const out = captured(process.stdout, () => printLines(`imported song 1, file 1: ${EVIL}`, 'done'));
    expect(out.split('\n')).toEqual([`imported song 1, file 1: ${forTerminal(EVIL)}`, 'done', '']);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const err = captured(process.stderr, () => printNotes(`eureka: ${EVIL}: is silent`));
    expect(err).toBe(`eureka: ${forTerminal(EVIL)}: is silent\n`);
    expect(captured(process.stderr, () => printPrompt('Name\u001b[8m? '))).toBe('Name\\x1b[8m? ');
  });

  it('aligns a table on the escaped cells', () => {
    const out = captured(process.stdout, () =>
      printTable([
        ['ID', 'SONG'],
        ['1', 'a\nb'],
        ['12', 'plain'],
      ]),
    );
    expect(out).toBe('ID  SONG\n1   a\\nb\n12  plain\n');
  });

  it("shows a clip's label and split as the flags' codes with the GUI's words beside them", () => {
    const clip = (id: number, label: Clip['label'], split: Clip['split']): Clip => ({
      id,
      songId: 1,
      fileId: 1,
      start: 0,
      end: 4,
      label,
      split,
      holeStart: label === 'gap' ? 1 : null,
      holeEnd: label === 'gap' ? 2 : null,
      notes: '',
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    });
    const rows = clipRows([clip(1, 'U', 'train'), clip(2, 'V', 'val'), clip(3, 'gap', 'test')]);
    const column = (name: string): string[] => rows.slice(1).map((row) => row[rows[0]!.indexOf(name)]!);
    expect(column('LABEL')).toEqual(['U (new idea)', 'V (variation)', 'gap (fill a gap)']);
    expect(column('SPLIT')).toEqual(['train (practice)', 'val (check)', 'test (final check)']);
  });

  it('escapes names in one-line errors', () => {
    const err = captured(process.stderr, () => expect(reportError(new AppError('SILENT_AUDIO', `${EVIL}: is silent`))).toBe(1));
    expect(err.split('\n')).toHaveLength(2);
    expect(err).toBe(`eureka: ${forTerminal(EVIL)}: is silent\n`);
  });

  it('keeps JSON exact: names are data there', () => {
    const out = captured(process.stdout, () => printJson({ name: EVIL }));
    expect(JSON.parse(out)).toEqual({ name: EVIL });
  });
});
