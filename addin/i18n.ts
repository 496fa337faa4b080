// Task pane strings: zh-CN by default (the users), en-US available.
export const STRINGS = {
  'zh-CN': {
    title: '清单 · 重点任务',
    serverUrl: '服务器地址',
    token: '令牌',
    connect: '连接',
    disconnect: '断开',
    connected: (who: string) => `已连接：${who}`,
    plan: '计划',
    month: '月份',
    adminMode: '管理模式（编辑指标和牵头单位）',
    fill: '填充',
    validate: '校验',
    sync: '同步',
    refresh: '刷新',
    keepMine: '保留我的',
    takeServer: '采用服务器',
    results: '结果',
    noExcel: '未检测到 Excel：可连接服务器，但填充和同步需在 Excel 中运行。',
    filled: (n: number, s: number) => `已填充 ${n} 行（${s} 次请求）`,
    summary: (c: { changed: number; invalid: number; sent: number; applied: number; rejected: number; conflicts: number; merged: number }) =>
      `修改 ${c.changed} 行 · 发送 ${c.sent} · 成功 ${c.applied} · 拒绝 ${c.rejected} · 冲突 ${c.conflicts} · 无效 ${c.invalid} · 合并 ${c.merged}`,
    more: (n: number) => `…另有 ${n} 项`,
    working: '处理中…',
    closedMonth: '该月份已关闭：清单为只读，不能再填报。',
    cellEdit: '请按 Enter（或 Tab）结束正在编辑的单元格，完成后将自动继续…',
    roles: { admin: '管理员', reporter: '填报人', viewer: '只读' } as Record<string, string>,
    language: 'English',
  },
  'en-US': {
    title: 'qingdan · Key tasks',
    serverUrl: 'Server URL',
    token: 'Token',
    connect: 'Connect',
    disconnect: 'Disconnect',
    connected: (who: string) => `Connected: ${who}`,
    plan: 'Plan',
    month: 'Month',
    adminMode: 'Admin mode (edit targets and lead units)',
    fill: 'Fill',
    validate: 'Validate',
    sync: 'Sync',
    refresh: 'Refresh',
    keepMine: 'Keep mine',
    takeServer: 'Take server',
    results: 'Results',
    noExcel: 'Excel not detected: you can connect, but fill and sync run inside Excel.',
    filled: (n: number, s: number) => `Filled ${n} rows (${s} requests)`,
    summary: (c: { changed: number; invalid: number; sent: number; applied: number; rejected: number; conflicts: number; merged: number }) =>
      `changed ${c.changed} · sent ${c.sent} · applied ${c.applied} · rejected ${c.rejected} · conflicts ${c.conflicts} · invalid ${c.invalid} · merged ${c.merged}`,
    more: (n: number) => `…and ${n} more`,
    working: 'Working…',
    closedMonth: 'This month is closed: the sheet is read-only.',
    cellEdit: 'Press Enter (or Tab) to finish editing the cell; the task pane goes on by itself…',
    roles: { admin: 'admin', reporter: 'reporter', viewer: 'viewer' } as Record<string, string>,
    language: '中文',
  },
};
export type Locale = keyof typeof STRINGS;
export type Strings = (typeof STRINGS)['zh-CN'];

export function pickLocale(saved: string | null, officeLanguage?: string): Locale {
  if (saved === 'zh-CN' || saved === 'en-US') return saved;
  return officeLanguage?.toLowerCase().startsWith('en') ? 'en-US' : 'zh-CN';
}
