// The dashboard's month-end cards (issue 10): 报送 status per unit (with time, or the 退回 reason),
// 问题台账 counts for the month, and the list behind the 低于序时进度 figure (click it to open).
// Self-contained: it reads the selected plan/month and re-renders whenever the main view does.
import type { ItemSummary, PeriodStats } from '../model/stats';
import { DEFAULT_LIGHTS, lightOf, type LightThresholds } from '../model/lights';
import { client } from './client';

const LIGHT_LABEL = { green: '绿灯', yellow: '黄灯', red: '红灯' } as const;
let thresholds: LightThresholds = DEFAULT_LIGHTS;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function row(body: HTMLTableSectionElement, cells: string[], cls?: string): void {
  const tr = body.insertRow();
  if (cls) tr.className = cls;
  for (const c of cells) tr.insertCell().textContent = c;
}

let last = '';
async function render(): Promise<void> {
  const plan = $<HTMLSelectElement>('plan')?.value;
  const period = $<HTMLSelectElement>('period')?.value;
  if (!plan || !period || `${plan}/${period}` === last) return;
  last = `${plan}/${period}`;
  try {
    const [subs, counts, settings] = await Promise.all([client().submissions(plan, period), client().ledgerCounts(plan, period), client().monthSettings(plan)]);
    thresholds = settings.lights;
    $('month-cards').hidden = false;
    $('submit-deadline').textContent = `截止 ${subs.deadline} 24时`;
    const body = $<HTMLTableElement>('submit-table').tBodies[0];
    body.replaceChildren();
    for (const u of subs.units) {
      const at = u.submittedAt ? new Date(u.submittedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';
      row(
        body,
        [u.unit, u.status, at || (u.returned ? `已退回：${u.returned.reason}` : ''), u.contact ? `${u.contact.reporter} ${u.contact.phone}` : ''],
        u.status,
      );
    }
    $('ledger-counts').textContent = `本月新增 ${counts.new} · 本月销号 ${counts.closed} · 未销号 ${counts.open} · 逾期未销号 ${counts.overdue}`;
  } catch (err) {
    $('ledger-counts').textContent = `报送/台账数据读取失败：${(err as Error).message}`;
  }
}

function renderBehind(): void {
  const stats = (window as unknown as { qingdanDashboard?: { state: { stats: PeriodStats | null } } }).qingdanDashboard?.state.stats;
  const body = $<HTMLTableElement>('behind-table').tBodies[0];
  body.replaceChildren();
  for (const x of (stats?.behind ?? []) as ItemSummary[]) {
    // stats.behind holds only amount/count targets below 序时进度: the light says how far behind.
    const light = lightOf({ rate: x.rate, target: { kind: 'amount' }, values: { status: null } }, stats!.timeProgress, thresholds);
    const label = light ? LIGHT_LABEL[light] : '';
    row(
      body,
      [
        label,
        `${x.number ? x.number + '. ' : ''}${x.task}${x.metric ? `（${x.metric}）` : ''}`,
        x.lead.join('、') || '—',
        x.rate === null ? '—' : `${x.rate}%`,
        `${stats!.timeProgress}%`,
        x.problems ?? '',
      ],
      light ?? undefined,
    );
  }
}

export function mountMonthCards(): void {
  const figure = $('kpi-behind');
  if (!figure) return;
  figure.setAttribute('role', 'button');
  figure.tabIndex = 0;
  figure.title = '点击查看低于序时进度的指标';
  const open = () => {
    renderBehind();
    $('behind-card').hidden = !$('behind-card').hidden;
  };
  figure.addEventListener('click', open);
  figure.addEventListener('keydown', (e) => (e.key === 'Enter' ? open() : undefined));
  // The main view rewrites the KPI figures after each load: follow it.
  new MutationObserver(() => {
    last = '';
    void render();
    if (!$('behind-card').hidden) renderBehind();
  }).observe(figure, { childList: true, characterData: true, subtree: true });
}
