import { describe, expect, it } from 'vitest';
import { actorLabel, chinaTime, explainConflict } from '../../model/upload-conflict';

const h = (actor: string, version: number, at: string) => ({ actor, version, at });

describe('explainConflict: why an uploaded row conflicts', () => {
  it('a file older than what the same unit synced (another token of the unit counts as the unit)', () => {
    const e = explainConflict([h('公路局#3', 1, '2023-06-02T06:05:00Z')], 0, 1, '公路局#7');
    expect(e).toMatchObject({ code: 'STALE_FILE', changedBy: '公路局#3' });
    expect(e.message).toBe('该文件早于本单位6月2日 14:05同步的内容，未保存；请重新下载最新清单后再填报');
  });
  it('… and names who changed it after the unit', () => {
    const e = explainConflict([h('admin#1', 2, '2023-06-03T01:00:00Z'), h('公路局#3', 1, '2023-06-02T06:05:00Z')], 0, 2, '公路局#3');
    expect(e.code).toBe('STALE_FILE');
    expect(e.message).toContain('（之后管理员于6月3日 09:00又作了修改）');
  });
  it('a real conflict names the last writer the file has not seen; versions the file had are ignored', () => {
    const e = explainConflict([h('公路局#3', 1, '2023-06-01T00:00:00Z'), h('建设管理处#4', 2, '2023-06-04T16:30:00Z')], 1, 2, '公路局#3');
    expect(e).toMatchObject({ code: 'CHANGED_BY_OTHER', changedBy: '建设管理处#4' });
    expect(e.message).toBe('该行已被建设管理处于6月5日 00:30修改（服务器版本2），未保存；请重新下载清单后再填报');
  });
  it('labels and China time', () => {
    expect([actorLabel('admin#1'), actorLabel('cli'), actorLabel('公路局#12')]).toEqual(['管理员', '管理员（命令行）', '公路局']);
    expect(chinaTime('2023-12-31T16:00:00Z')).toBe('1月1日 00:00');
  });
});
