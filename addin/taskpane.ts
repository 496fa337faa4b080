// The task pane UI (Fluent UI web components v2): connect, pick plan + month, the four actions, the
// results list (click → select the cell), conflict choices, progress. Logic lives in controller.ts.
import { fluentButton, fluentOption, fluentProgress, fluentSelect, fluentSwitch, fluentTextField, provideFluentDesignSystem } from '@fluentui/web-components';
import { Controller, monthsOf, UnsyncedChangesError, type Selection } from './controller';
import { hostExcel } from './excel/types';
import { pickLocale, STRINGS, type Locale, type Strings } from './i18n';
import type { Report, ReportItem } from './sync/engine';
import { mountMonthPanel } from './month';

provideFluentDesignSystem().register(fluentButton(), fluentTextField(), fluentSelect(), fluentOption(), fluentProgress(), fluentSwitch());

const STORE = { url: 'qingdan.url', token: 'qingdan.token', locale: 'qingdan.locale', plan: 'qingdan.plan', month: 'qingdan.month' };
const MAX_RESULTS = 300;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
type Field = HTMLElement & { value: string; checked?: boolean; disabled?: boolean };

let locale: Locale = 'zh-CN';
let t: Strings = STRINGS[locale];
const controller = new Controller(() => hostExcel());
// Excel in cell-edit mode refuses every request: say what to do while the controller retries.
controller.onCellEdit = (m) => {
  $('busy-text').textContent = m ? t.cellEdit : t.working;
  $('busy').classList.toggle('waiting', !!m);
};

/** Office.onReady, but never waiting forever: outside Office (or if office.js failed) host is null. */
function officeReady(ms = 4000): Promise<{ host: string | null; language?: string }> {
  // Read loosely: absent outside Office, and office.js reports host as a string ("Excel").
  const office = (globalThis as unknown as { Office?: { onReady?: () => Promise<{ host: string | null }>; context?: { displayLanguage?: string } } }).Office;
  if (!office?.onReady) return Promise.resolve({ host: null });
  return Promise.race([
    office.onReady().then((info: { host: string | null }) => ({ host: info?.host ?? null, language: office.context?.displayLanguage })),
    new Promise<{ host: null }>((resolve) => setTimeout(() => resolve({ host: null }), ms)),
  ]);
}

function applyStrings(): void {
  document.documentElement.lang = locale;
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) {
    const v = (t as Record<string, unknown>)[el.dataset.t!];
    if (typeof v === 'string') el.textContent = v;
  }
  $('title').textContent = t.title;
  $('lang').textContent = t.language;
  $('results').setAttribute('aria-label', t.results);
}

function selection(): Selection {
  return { planId: $<Field>('plan').value, period: $<Field>('month').value, admin: !!$<Field>('admin').checked };
}

function setBusy(text: string | null, fraction?: number): void {
  $('busy').hidden = text === null;
  $('busy-text').textContent = text ?? '';
  const bar = $<Field>('progress');
  if (fraction === undefined) bar.removeAttribute('value');
  else bar.setAttribute('value', String(Math.round(fraction * 100)));
  for (const id of ['fill', 'validate', 'sync', 'refresh', 'connect-btn']) $<Field>(id).disabled = text !== null;
}

function showError(err: unknown): void {
  const e = err as { code?: string; message?: string };
  $('error').hidden = false;
  $('error').textContent = e?.code ? `[${e.code}] ${e.message}` : String(e?.message ?? err);
}

async function run(label: string, work: () => Promise<void>): Promise<void> {
  $('error').hidden = true;
  setBusy(label);
  try {
    await work();
  } catch (err) {
    showError(err);
  } finally {
    setBusy(null);
  }
}

function option(value: string, text: string): HTMLElement {
  const o = document.createElement('fluent-option');
  o.setAttribute('value', value);
  o.textContent = text;
  return o;
}

let closedMonths = new Set<string>();

/** The month list: 2023年6月（截止6月28日 · 已关闭）…, opening on the month being reported. */
async function renderMonths(): Promise<void> {
  const planId = $<Field>('plan').value;
  const plan = controller.plans.find((p) => p.id === planId);
  const select = $<Field>('month');
  const listed = await controller.months(planId).catch(() => null);
  const months = listed?.months.map((m) => m.period) ?? monthsOf(plan?.year ?? null);
  closedMonths = new Set(listed?.months.filter((m) => m.closed).map((m) => m.period) ?? []);
  select.replaceChildren(...(listed?.months.map((m) => option(m.period, m.label)) ?? months.map((m) => option(m, m))));
  const saved = localStorage.getItem(STORE.month);
  const now = new Date();
  const current = listed?.current ?? `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  select.value = saved && months.includes(saved) ? saved : months.includes(current) ? current : months[0];
  renderClosed();
}

function renderClosed(): void {
  const closed = closedMonths.has($<Field>('month').value);
  $('closed-banner').hidden = !closed;
  $('closed-banner').textContent = closed ? t.closedMonth : '';
}

function renderReport(report: Report): void {
  $('status').textContent = t.summary(report.counts);
  renderItems(
    report.items.filter((i) => i.kind !== 'applied' && i.kind !== 'merged').concat(report.items.filter((i) => i.kind === 'applied' || i.kind === 'merged')),
  );
}

function renderItems(items: ReportItem[]): void {
  const list = $('results');
  list.replaceChildren();
  for (const item of items.slice(0, MAX_RESULTS)) {
    const li = document.createElement('li');
    li.className = item.kind;
    li.dataset.kind = item.kind;
    if (item.itemId) li.dataset.item = item.itemId;
    if (item.address) {
      const addr = document.createElement('span');
      addr.className = 'addr';
      addr.textContent = item.address;
      li.append(addr);
    }
    li.append(document.createTextNode(item.message));
    if (item.row !== undefined && item.col !== undefined) {
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.addEventListener('click', () => void run(t.working, () => controller.select(selection(), item.row!, item.col!)));
    }
    if (item.kind === 'conflict' && item.itemId) {
      const choices = document.createElement('div');
      choices.className = 'choices';
      for (const [choice, label] of [
        ['mine', t.keepMine],
        ['server', t.takeServer],
      ] as const) {
        const b = document.createElement('fluent-button');
        b.textContent = label;
        b.dataset.choice = choice;
        b.addEventListener('click', (ev) => {
          ev.stopPropagation();
          void run(t.working, async () => {
            await controller.resolve(selection(), item.itemId!, choice);
            li.remove();
          });
        });
        choices.append(b);
      }
      li.append(choices);
    }
    list.append(li);
  }
  if (items.length > MAX_RESULTS) {
    const li = document.createElement('li');
    li.textContent = t.more(items.length - MAX_RESULTS);
    list.append(li);
  }
}

async function connect(): Promise<void> {
  const url = $<Field>('url').value.trim();
  const token = $<Field>('token').value.trim();
  await run(t.working, async () => {
    const me = await controller.connect(url, token);
    localStorage.setItem(STORE.url, url);
    localStorage.setItem(STORE.token, token);
    $('who').textContent = t.connected(`${t.roles[me.role] ?? me.role}${me.unit ? ` · ${me.unit.name}` : ''}`);
    $('admin').hidden = me.role !== 'admin';
    const plan = $<Field>('plan');
    plan.replaceChildren(...controller.plans.map((p) => option(p.id, p.title)));
    const saved = localStorage.getItem(STORE.plan);
    if (saved && controller.plans.some((p) => p.id === saved)) plan.value = saved;
    else if (controller.plans[0]) plan.value = controller.plans[0].id;
    await renderMonths();
    $('connect').hidden = true;
    $('main').hidden = false;
    document.body.dataset.state = 'connected';
  });
}

function wire(): void {
  $('lang').addEventListener('click', () => {
    locale = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
    t = STRINGS[locale];
    localStorage.setItem(STORE.locale, locale);
    applyStrings();
  });
  $('connect-btn').addEventListener('click', () => void connect());
  $('disconnect').addEventListener('click', () => {
    localStorage.removeItem(STORE.token);
    $('main').hidden = true;
    $('connect').hidden = false;
    document.body.dataset.state = '';
  });
  $('plan').addEventListener('change', () => {
    localStorage.setItem(STORE.plan, $<Field>('plan').value);
    void renderMonths();
  });
  $('month').addEventListener('change', () => {
    localStorage.setItem(STORE.month, $<Field>('month').value);
    renderClosed();
  });
  $('fill').addEventListener(
    'click',
    () =>
      void run(t.working, async () => {
        try {
          const r = await controller.fill(selection(), (done, total) => setBusy(`${t.working} ${done}/${total}`, done / total));
          $('status').textContent = t.filled(r.rows, r.syncs) + (r.closed ? ` ${t.closedMonth}` : '');
          renderItems([]);
        } catch (err) {
          if (err instanceof UnsyncedChangesError) $('status').textContent = err.message;
          throw err;
        }
      }),
  );
  $('validate').addEventListener('click', () => void run(t.working, async () => renderReport(await controller.validate(selection()))));
  $('sync').addEventListener('click', () => void run(t.working, async () => renderReport(await controller.sync(selection(), (text, f) => setBusy(text, f)))));
  $('refresh').addEventListener('click', () => void run(t.working, async () => renderReport(await controller.refresh(selection()))));
}

async function boot(): Promise<void> {
  const info = await officeReady();
  locale = pickLocale(localStorage.getItem(STORE.locale), info.language);
  t = STRINGS[locale];
  applyStrings();
  wire();
  mountMonthPanel(); // issue 10: 报送 status, countdown, 催报 banner, submit
  // Test harnesses inject window.Excel with no Office host: use it; only warn when there is none.
  if (!hostExcel()) {
    $('no-excel').hidden = false;
    $('no-excel').textContent = t.noExcel;
  }
  const base = location.href.replace(/\/addin\/[^/]*$/, '');
  $<Field>('url').value = localStorage.getItem(STORE.url) ?? (base.startsWith('http') ? base : '');
  $<Field>('token').value = localStorage.getItem(STORE.token) ?? '';
  document.body.dataset.ready = info.host ?? 'none';
  if ($<Field>('url').value && $<Field>('token').value) await connect();
}

void boot();
