// The month-end rush's shape, shared by bench/rush.bench.ts, its client process (bench/rush-client.ts)
// and bench/profile-push.ts: 50 units, unit u leads tasks i ≡ u (mod 50) of a 10,000-task plan and
// reports on the first 100–200 of them.
export const UNITS = 50;
export const TASKS = 10_000;
export const itemOf = (i: number) => (i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`);
export const countOf = (u: number) => 100 + ((u * 37) % 101);
export const tasksOf = (u: number) => Array.from({ length: countOf(u) }, (_, k) => k * UNITS + u + 1);
// Every row carries 存在问题/下步计划: a row behind 序时进度 needs them (issue 10), as real month-end rows do.
export const fieldsOf = (i: number) => ({
  monthDone: i % 7,
  cumulative: (i % 7) + 10,
  status: '推进中',
  progress: `第${i}项按计划推进`,
  problems: '征地拆迁进度偏慢',
  nextSteps: '加快推进征地拆迁',
});
