// `qingdan parse FILE [--json]` as a user runs it: bad input → one Chinese error line, non-zero exit,
// no stack trace; a good file → exit 0 and a readable tree (or the gold-format JSON).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qd-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/qingdan.mjs', 'parse', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCleanError(r: ReturnType<typeof parse>, code: string) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(code);
  expect(lines[0]).toMatch(/[\u4e00-\u9fff]/);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('qingdan parse', () => {
  it('empty file', () => {
    const f = join(dir, 'empty.txt');
    writeFileSync(f, '');
    expectCleanError(parse(f), 'EMPTY_DOCUMENT');
  });

  it('binary file', () => {
    const f = join(dir, 'image.png');
    writeFileSync(f, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]));
    expectCleanError(parse(f), 'NOT_TEXT');
  });

  it('a document without numbered tasks', () => {
    const f = join(dir, 'notice.txt');
    writeFileSync(f, '关于召开年度工作会议的通知\n\n各处室：定于3月5日召开全厅年度工作会议，请准时参加。\n');
    expectCleanError(parse(f), 'NO_STRUCTURE');
  });

  it('a missing file', () => {
    expectCleanError(parse(join(dir, 'nope.txt')), 'FILE_NOT_READABLE');
  });

  it('a good file prints the tree with numbers, titles, targets with quotes, deadlines and units', () => {
    const r = parse('test/fixtures/docs/a-shuili-gongzuo-yaodian.txt');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('《湖南省水利厅2024年全省水利工作要点》 2024年');
    expect(r.stdout).toMatch(/□ 一 全力保障防洪安全/);
    expect(r.stdout).toMatch(/■ （一） 完善流域防洪工程体系/);
    expect(r.stdout).toMatch(/指标：.*120 公里.*原文“120公里”/);
    expect(r.stdout).toMatch(/时限：5月底前 → 2024-05-31/);
    expect(r.stdout).toMatch(/牵头：规划计划处/);
    expect(r.stdout).toMatch(/配合：建设处、河湖管理处/);
  });

  it('--json prints the gold format', () => {
    const r = parse('seeds/003_f2a014f6b69704ec.txt', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ title: '吉林省交通运输厅关于决战决胜交通运输脱贫攻坚工作方案', year: 2020, script: 'simplified' });
    expect(json.nodes.map((n: { number: string }) => n.number)).toEqual(['一', '二', '三']);
    expect(json.nodes[0]).toMatchObject({ kind: 'task', deadlines: ['到2020年底'] });
    expect(json.nodes[0].targets[0]).toMatchObject({ value: 2, unit: '条', comparator: 'eq', quote: '2条' });
  });
});
