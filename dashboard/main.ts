// The leaders' dashboard: pick a plan and a month, see completion by section and unit, the status mix,
// the monthly trend, who has (not) reported and what lags; download the 通报 and the workbook.
// Server and token are remembered in localStorage, as in the add-in.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Period } from '../model/progress';
import type { MonthPoint, PeriodStats, ItemSummary } from '../model/stats';
import type { Me, PlanSummary } from '../model/sync';
import { sectionOption, statusOption, trendOption, unitOption } from './charts';
import { STABLE_POPULATION } from '../model/trend';
import { mountMonthCards } from './month';
import { ApiError, NetworkError } from '../model/api-client';
import { client, fetchFile, KEYS, store } from './client';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function message(text: string, kind: 'error' | 'info' = 'error'): void {
  const el = $('message');
  el.textContent = text;
  el.className = `message ${kind === 'info' ? 'info' : ''}`;
  el.hidden = !text;
}

const charts = {
  section: echarts.init($('chart-section')),
  unit: echarts.init($('chart-unit')),
  status: echarts.init($('chart-status')),
  trend: echarts.init($('chart-trend')),
};
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

const state: { me: Me | null; plans: PlanSummary[]; periods: Period[]; stats: PeriodStats | null; series: MonthPoint[] } = {
  me: null,
  plans: [],
  periods: [],
  stats: null,
  series: [],
};
// For tests and for debugging from the console.
(window as unknown as { qingdanDashboard: unknown }).qingdanDashboard = { charts, state };

const pct = (x: number | null) => (x === null ? '—' : `${x}%`);
const share = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null);

function option(select: HTMLSelectElement, value: string, label: string): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  select.append(o);
}

function cell(row: HTMLTableRowElement, text: string, cls = ''): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}
function badge(row: HTMLTableRowElement, text: string): void {
  const span = document.createElement('span');
  span.className = `badge ${text}`;
  span.textContent = text;
  row.insertCell().append(span);
}

function renderKpis(s: PeriodStats): void {
  const t = s.totals;
  $('kpi-items').textContent = String(t.items);
  $('kpi-tasks').textContent = `重点任务 ${t.tasks} 项`;
  $('kpi-report').textContent = pct(share(t.reported, t.items));
  $('kpi-reported').textContent = `已报送 ${t.reported} 项`;
  $('kpi-rate').textContent = pct(t.avgRate);
  $('kpi-time').textContent = `序时进度 ${s.timeProgress}%（${t.rated} 项指标）`;
  $('kpi-done').textContent = String(t.byStatus['已完成']);
  $('kpi-lag').textContent = `${t.byStatus['滞后']} / ${s.overdue.length}`;
  $('kpi-behind').textContent = `低于序时进度 ${s.behind.length} 项`;
  $('kpi-units').textContent = String(s.unreportedUnits.length);
  $('kpi-units-sub').textContent = s.partialUnits.length ? `部分报送 ${s.partialUnits.length} 个` : `已全部报送 ${s.reportedUnits.length} 个`;
}

function renderTables(s: PeriodStats): void {
  const units = $<HTMLTableElement>('units-table').tBodies[0];
  units.replaceChildren();
  for (const u of s.byUnit) {
    const tr = units.insertRow();
    cell(tr, u.unit);
    cell(tr, String(u.items), 'num');
    cell(tr, String(u.reported), 'num');
    cell(tr, String(u.byStatus['已完成']), 'num');
    cell(tr, String(u.byStatus['滞后']), 'num');
    badge(tr, u.unassigned ? '未填报' : u.state);
  }
  if (!s.byUnit.length) cell(units.insertRow(), '本计划尚未分配牵头单位', 'empty').colSpan = 6;

  // 滞后 first, then overdue items not already listed.
  const seen = new Set<string>();
  const items: (ItemSummary & { flag: string })[] = [];
  for (const x of s.lagging) {
    seen.add(x.itemId);
    items.push({ ...x, flag: '滞后' });
  }
  for (const x of s.overdue) {
    if (seen.has(x.itemId)) continue;
    seen.add(x.itemId);
    items.push({ ...x, flag: '逾期' });
  }
  const lag = $<HTMLTableElement>('lag-table').tBodies[0];
  lag.replaceChildren();
  for (const x of items) {
    const tr = lag.insertRow();
    cell(tr, `${x.number ? x.number + '. ' : ''}${x.task}${x.metric ? `（${x.metric} ${x.targetText}${x.unit}）` : ''}`);
    cell(tr, x.lead.join('、') || '—');
    cell(tr, pct(x.rate), 'num');
    badge(tr, x.flag);
    cell(tr, x.problems ?? '—');
    cell(tr, x.nextSteps ?? '—');
  }
  if (!items.length) cell(lag.insertRow(), '本月无滞后或逾期事项', 'empty').colSpan = 6;
}

function renderCharts(s: PeriodStats, series: MonthPoint[]): void {
  // Many units → a taller chart rather than unreadable bars.
  $('chart-unit').style.height = `${Math.max(300, s.byUnit.length * 28 + 70)}px`;
  $('chart-section').style.height = `${Math.max(300, s.bySection.length * 56 + 70)}px`;
  charts.section.resize();
  charts.unit.resize();
  charts.section.setOption(sectionOption(s), true);
  charts.unit.setOption(unitOption(s), true);
  charts.status.setOption(statusOption(s), true);
  charts.trend.setOption(trendOption(series), true);
  // Say which targets the trend's 平均完成率 averages (the same every month).
  const n = series.at(-1)?.stablePopulation ?? 0;
  $('trend-note').textContent = n ? `平均完成率：${n}项累计类指标，${STABLE_POPULATION}` : '';
}

function currentPlan(): string {
  return $<HTMLSelectElement>('plan').value;
}
function currentPeriod(): Period | undefined {
  return state.periods.find((p) => p.period === $<HTMLSelectElement>('period').value);
}

function renderPeriodInfo(): void {
  const p = currentPeriod();
  $('period-info').textContent = p ? `报送截止 ${p.deadline} · ${p.status === 'closed' ? '已关闭' : '填报中'}` : '';
  const btn = $<HTMLButtonElement>('close-period');
  btn.hidden = !p || state.me?.role !== 'admin';
  if (p) btn.textContent = p.status === 'closed' ? '重新开放本月' : '关闭本月';
}

async function loadMonth(): Promise<void> {
  const planId = currentPlan();
  const period = $<HTMLSelectElement>('period').value;
  if (!planId || !period) return;
  document.body.dataset.state = 'loading';
  store.set(KEYS.period, period);
  const [stats, monthly] = await Promise.all([
    client().stats(planId, period),
    // The trend runs up to the month on screen.
    client().monthly(planId, period),
  ]);
  state.stats = stats;
  state.series = monthly.series;
  $('content').hidden = false;
  renderPeriodInfo();
  renderKpis(stats);
  renderCharts(stats, monthly.series);
  renderTables(stats);
  message('');
  document.body.dataset.state = 'ready';
}

/** The month to open: the one saved, else the latest whose deadline has passed, else the first. */
function defaultPeriod(periods: Period[]): string {
  const saved = store.get(KEYS.period);
  if (periods.some((p) => p.period === saved)) return saved;
  const thisMonth = new Date().toISOString().slice(0, 7);
  const past = periods.filter((p) => p.period <= thisMonth);
  return (past.at(-1) ?? periods[0])?.period ?? '';
}

async function loadPlan(): Promise<void> {
  const planId = currentPlan();
  store.set(KEYS.plan, planId);
  state.periods = await client().periods(planId);
  const select = $<HTMLSelectElement>('period');
  select.replaceChildren();
  for (const p of state.periods)
    option(select, p.period, `${p.period.slice(0, 4)}年${Number(p.period.slice(5))}月${p.status === 'closed' ? '（已关闭）' : ''}`);
  select.value = defaultPeriod(state.periods);
  await loadMonth();
}

async function start(): Promise<void> {
  if (!store.get(KEYS.token)) {
    openSettings(true);
    message('请在“连接设置”中填写访问令牌。', 'info');
    document.body.dataset.state = 'no-token';
    return;
  }
  state.me = await client().me();
  state.plans = await client().plans();
  const select = $<HTMLSelectElement>('plan');
  select.replaceChildren();
  for (const p of state.plans) option(select, p.id, p.title);
  if (!state.plans.length) {
    $('content').hidden = true;
    message('服务上还没有计划。请在规划办工作台（/console/）中导入工作要点。', 'info');
    document.body.dataset.state = 'empty';
    return;
  }
  const saved = store.get(KEYS.plan);
  select.value = state.plans.some((p) => p.id === saved) ? saved : state.plans[0].id;
  await loadPlan();
}

function fail(err: unknown): void {
  document.body.dataset.state = 'error';
  if (err instanceof NetworkError) {
    message(err.message);
    openSettings(true);
  } else if (err instanceof ApiError) {
    message(err.message);
    if (err.status === 401 || err.code === 'NO_SERVER') openSettings(true);
  } else {
    message(`出错了：${(err as Error)?.message ?? err}`);
  }
}

function openSettings(open: boolean): void {
  $('settings').hidden = !open;
  $('settings-toggle').setAttribute('aria-expanded', String(open));
  $<HTMLInputElement>('server').value = store.get(KEYS.server) || (location.protocol.startsWith('http') ? location.origin : '');
  $<HTMLInputElement>('token').value = store.get(KEYS.token);
}

/** Downloads a file that needs the bearer token (so a plain link would not do). */
async function download(path: string, fallbackName: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const res = await fetchFile(path);
    const cd = res.headers.get('content-disposition') ?? '';
    const m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = m ? decodeURIComponent(m[1]) : fallbackName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (err) {
    fail(err);
  } finally {
    button.disabled = false;
  }
}

$('settings-toggle').addEventListener('click', () => openSettings($('settings').hidden));
$('settings').addEventListener('submit', (e) => {
  e.preventDefault();
  const server = $<HTMLInputElement>('server').value.trim();
  store.set(KEYS.server, server === location.origin ? '' : server);
  store.set(KEYS.token, $<HTMLInputElement>('token').value.trim());
  openSettings(false);
  start().catch(fail);
});
$('plan').addEventListener('change', () => loadPlan().catch(fail));
$('period').addEventListener('change', () => loadMonth().catch(fail));
$('bulletin').addEventListener('click', (e) => {
  const p = $<HTMLSelectElement>('period').value;
  download(`/plans/${encodeURIComponent(currentPlan())}/periods/${p}/bulletin.docx`, `重点任务推进情况通报-${p}.docx`, e.currentTarget as HTMLButtonElement);
});
$('workbook').addEventListener('click', (e) => {
  const p = $<HTMLSelectElement>('period').value;
  download(`/plans/${encodeURIComponent(currentPlan())}/periods/${p}/workbook.xlsx`, `重点任务清单-${p}.xlsx`, e.currentTarget as HTMLButtonElement);
});
$('close-period').addEventListener('click', async () => {
  const p = currentPeriod();
  if (!p) return;
  const closing = p.status === 'open';
  if (closing && !confirm(`关闭 ${p.period} 后各单位不能再填报该月，确定关闭？`)) return;
  // Reopening a published month needs a reason (kept in the audit).
  const reason = closing ? '' : (prompt(`重新开放 ${p.period} 的填报：请填写原因（记入审计）`) ?? '').trim();
  if (!closing && !reason) return;
  try {
    if (closing) await client().closePeriod(currentPlan(), p.period);
    else await client().reopenPeriod(currentPlan(), p.period, reason);
    await loadPlan();
  } catch (err) {
    fail(err);
  }
});

// Reports arrive through the month: refresh the figures every minute while the page is in view.
const REFRESH_MS = 60_000;
setInterval(() => {
  if (document.visibilityState === 'visible' && document.body.dataset.state === 'ready') loadMonth().catch(fail);
}, REFRESH_MS);

start().catch(fail);

mountMonthCards(); // issue 10: 报送 status, 问题台账 counts, 低于序时进度 list
