// The structure a push keeps (server/services/push-structure.ts), without a database: which ids a claim
// statement is asked for, and that a batch is answered from the tuples its ask was made from even when a
// concurrent push of the same process moved the kept version on in between.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/connect';
import { batchStructure, structureAsk, type NodeTuple, type TargetTuple } from '../../server/services/push-structure';

const target = (id: string, task: string): TargetTuple => [id, task, '亿元', 100, 'amount', null, null, null];
const task = (id: string, unit: string): NodeTuple => [id, 'task', true, null, 'lead', unit];
const read = (version: number, targets: TargetTuple[], nodes: NodeTuple[]) => ({ version, targets, nodes });

describe('push structure kept per structure_version', () => {
  it('asks for every id at first, then only for ids not kept at that version', () => {
    const db = {} as Db;
    expect(structureAsk(db, 'p', ['t1-m1'])).toMatchObject({ version: -1, missing: ['t1-m1'] });
    batchStructure(db, 'p', ['t1-m1'], structureAsk(db, 'p', ['t1-m1']), read(5, [target('t1-m1', 't1')], [task('t1', '甲局')]));
    expect(structureAsk(db, 'p', ['t1-m1', 't2-m1'])).toMatchObject({ version: 5, missing: ['t2-m1'] });
    expect(structureAsk(db, 'other-plan', ['t1-m1'])).toMatchObject({ version: -1, missing: ['t1-m1'] });
  });

  it('answers from the tuples the ask was made from when another push moved the version on meanwhile', () => {
    const db = {} as Db;
    batchStructure(db, 'p', ['t1-m1'], structureAsk(db, 'p', ['t1-m1']), read(5, [target('t1-m1', 't1')], [task('t1', '甲局')]));
    const mine = structureAsk(db, 'p', ['t1-m1']); // nothing missing at version 5
    expect(mine.missing).toEqual([]);
    // A push whose statement saw a structure change (version 6) before mine answers.
    batchStructure(db, 'p', ['t3-m1'], structureAsk(db, 'p', ['t3-m1']), read(6, [target('t3-m1', 't3')], [task('t3', '乙局')]));
    // My statement's snapshot still saw version 5: it read nothing, the kept tuples answer.
    const answer = batchStructure(db, 'p', ['t1-m1'], mine, read(5, [], []));
    expect(answer.items.get('t1-m1')).toMatchObject({ taskId: 't1', target: { value: 100 } });
    expect(answer.assigned.get('t1')).toEqual({ lead: ['甲局'], co: [] });
    // The newer version stays kept: version 6's tuples, t1-m1 to be read again.
    expect(structureAsk(db, 'p', ['t1-m1', 't3-m1'])).toMatchObject({ version: 6, missing: ['t1-m1'] });
  });
});
