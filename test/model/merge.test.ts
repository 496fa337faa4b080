// The add-in's three-way merge (model/merge.ts), without Excel: base version, the row as typed, the server.
import { describe, expect, it } from 'vitest';
import { EMPTY_PROGRESS, type ProgressValues } from '../../model/fields';
import { conflictingFields, differingFields, mergeRow, resolveConflict } from '../../model/merge';

const v = (o: Partial<ProgressValues>): ProgressValues => ({ ...EMPTY_PROGRESS, ...o });
const server = { version: 3, values: v({ monthDone: 5, cumulative: 9, status: '推进中' }) };

describe('mergeRow', () => {
  it('keeps the row when the server entry is not newer than the base', () => {
    expect(mergeRow({ baseVersion: 3, local: v({ monthDone: 1 }), localEdited: true, server })).toEqual({ action: 'keep-local' });
    expect(mergeRow({ baseVersion: 4, local: v({}), localEdited: false, server })).toEqual({ action: 'keep-local' });
  });

  it('takes the server and writes the cells when the row was not edited', () => {
    expect(mergeRow({ baseVersion: 2, local: v({ monthDone: 1 }), localEdited: false, server })).toEqual({ action: 'take-server', writeCells: true });
    expect(mergeRow({ baseVersion: 0, local: v({}), localEdited: false, server })).toEqual({ action: 'take-server', writeCells: true });
  });

  it('takes the server version without writing when the edit already equals it', () => {
    expect(mergeRow({ baseVersion: 2, local: server.values, localEdited: true, server })).toEqual({ action: 'take-server', writeCells: false });
  });

  it('is a conflict on the differing fields when both changed', () => {
    const local = v({ monthDone: 6, cumulative: 9, status: '推进中', progress: '新' });
    expect(mergeRow({ baseVersion: 2, local, localEdited: true, server })).toEqual({ action: 'conflict', fields: ['monthDone', 'progress'] });
  });
});

describe('conflict helpers', () => {
  it('differingFields lists the fields in sheet order', () => {
    expect(differingFields(v({ nextSteps: 'a', monthDone: 1 }), v({}))).toEqual(['monthDone', 'nextSteps']);
    expect(differingFields(server.values, server.values)).toEqual([]);
  });

  it('conflictingFields keeps the sent fields whose stored form differs, as typed', () => {
    const sent = { monthDone: '５', cumulative: ' 9 ', status: '推进中', progress: '我的', unit: '个' };
    expect(conflictingFields(sent, server.values)).toEqual({ progress: '我的' });
    expect(conflictingFields({ monthDone: '6' }, server.values)).toEqual({ monthDone: '6' });
  });

  it('resolveConflict: both choices adopt the server version, only "server" rewrites the row', () => {
    expect(resolveConflict(server, 'mine')).toEqual({ baseVersion: 3, baseValues: server.values, writeCells: null });
    expect(resolveConflict(server, 'server')).toEqual({ baseVersion: 3, baseValues: server.values, writeCells: server.values });
  });
});
