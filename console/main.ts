// The planning office's console (issue 9): import and review plans, units and tokens, assignments,
// months (close / reopen with a reason), the 问题台账 (销号, 一键催报), target changes and the audit.
// Every screen calls the documented /api/v1 through model/api-client.ts; viewers see it read-only.
import { ApiClient, type Me, type PlanWithAssignments } from '../model/api-client';
import { walkNodes } from '../model/plan';
import { csv, h, msg, run } from './dom';
import { getLang, setLang, t, type Key, type Lang } from './i18n';
import { renderPreview } from './preview';

const KEYS = { server: 'qingdan.url', token: 'qingdan.token', plan: 'qingdan.console.plan', lang: 'qingdan.console.lang', screen: 'qingdan.console.screen' };
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const store = {
  get: (k: string) => localStorage.getItem(k) ?? '',
  set: (k: string, v: string) => (v ? localStorage.setItem(k, v) : localStorage.removeItem(k)),
};

let api: ApiClient;
let me: Me | null = null;
const main = () => $('main');
const planId = () => $<HTMLSelectElement>('plan').value;
const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString(getLang(), { timeZone: 'Asia/Shanghai', hour12: false }) : '—');

function applyStrings() {
  document.documentElement.lang = getLang();
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => (el.textContent = t(el.dataset.i18n as Key)));
}

async function connect() {
  const base = $<HTMLInputElement>('server').value.trim() || location.origin;
  const token = $<HTMLInputElement>('token').value.trim();
  store.set(KEYS.server, base === location.origin ? '' : base);
  store.set(KEYS.token, token);
  api = new ApiClient(
    base,
    token,
    (u, i) => fetch(u, i as RequestInit),
    (file, name) => {
      const form = new FormData();
      form.set('file', file as Blob, name);
      return form;
    },
  );
  me = (await run(() => api.me())) ?? null;
  if (!me) return;
  if (me.role === 'reporter') {
    $('nav').hidden = true;
    main().replaceChildren();
    return msg(t('denied'), 'error');
  }
  document.body.classList.toggle('readonly', me.role === 'viewer');
  $('readonly').hidden = me.role !== 'viewer';
  $('nav').hidden = false;
  $('message').hidden = true;
  await loadPlans();
  await show(store.get(KEYS.screen) || 'plans');
  document.body.dataset.ready = me.role;
}

async function loadPlans(select?: string) {
  const plans = (await run(() => api.plans())) ?? [];
  const sel = $<HTMLSelectElement>('plan');
  sel.replaceChildren(...plans.map((p) => h('option', { value: p.id }, p.title)));
  const want = select ?? store.get(KEYS.plan);
  if (plans.some((p) => p.id === want)) sel.value = want;
  return plans;
}

const SCREENS: Record<string, () => Promise<void>> = {
  plans: plansScreen,
  units: unitsScreen,
  assign: assignScreen,
  months: monthsScreen,
  ledger: ledgerScreen,
  targets: targetsScreen,
  audit: auditScreen,
};

async function show(name: string) {
  store.set(KEYS.screen, name);
  $('message').hidden = true; // a message belongs to the screen it was shown on
  document.querySelectorAll<HTMLButtonElement>('#nav button').forEach((b) => b.classList.toggle('active', b.dataset.screen === name));
  main().dataset.screen = name;
  await (SCREENS[name] ?? plansScreen)();
  main().dataset.loaded = name;
}

const needPlan = () => {
  if (planId()) return true;
  main().replaceChildren(h('p', {}, '还没有计划：请先在“计划导入”中导入工作要点。'));
  return false;
};

// --- plans: upload → preview → confirm ---
async function plansScreen() {
  const box = h('div', { id: 'preview-box' });
  const unitNames = ((await run(() => api.units())) ?? []).map((u) => u.name);
  const replace = h('input', { id: 'replace-current', type: 'checkbox' });
  const upload = async (file: Blob, name: string) => {
    const p = await run(() => api.importFile(file, name, replace.checked && planId() ? planId() : undefined));
    if (p) renderPreview(box, api, p, unitNames, async (id) => (await loadPlans(id), store.set(KEYS.plan, id)));
  };
  const file = h('input', {
    id: 'file',
    type: 'file',
    accept: '.docx,.txt',
    onchange: (e) => {
      const f = (e.target as HTMLInputElement).files?.[0];
      if (f) void upload(f, f.name);
    },
  });
  const drop = h('div', { class: 'drop write', id: 'drop' }, t('upload'), ' ', file);
  drop.addEventListener('dragover', (e) => (e.preventDefault(), drop.classList.add('over')));
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void upload(f, f.name);
  });
  const paste = h('textarea', { id: 'paste', rows: 4, cols: 80, placeholder: t('paste') });
  const plans = (await run(() => api.plans())) ?? [];
  main().replaceChildren(
    drop,
    h('label', { class: 'write' }, replace, ' ', t('reimport')),
    h(
      'button',
      {
        id: 'edit-live',
        class: 'write',
        onclick: async () => {
          const p = planId() ? await run(() => api.editPlan(planId())) : undefined;
          if (p) renderPreview(box, api, p, unitNames, async (id) => (await loadPlans(id), store.set(KEYS.plan, id)));
        },
      },
      t('editLive'),
    ),
    h(
      'div',
      { class: 'write' },
      paste,
      h('br'),
      h('button', { id: 'paste-import', onclick: () => void upload(new Blob([paste.value], { type: 'text/plain' }), '粘贴文本.txt') }, t('pasteImport')),
    ),
    box,
    h('h2', {}, t('plans')),
    h(
      'table',
      { id: 'plan-list' },
      h('tr', {}, h('th', {}, t('plan')), h('th', {}, 'id'), h('th', {}, t('task')), h('th', {}, t('metric'))),
      ...plans.map((p) => h('tr', {}, h('td', {}, p.title), h('td', {}, p.id), h('td', {}, String(p.taskCount)), h('td', {}, String(p.targetCount)))),
    ),
  );
}

// --- units and tokens ---
type Unit = Awaited<ReturnType<ApiClient['units']>>[number];
type TokenInfo = Awaited<ReturnType<ApiClient['tokens']>>[number];
type IssuedToken = NonNullable<Awaited<ReturnType<ApiClient['issueToken']>>>;

async function unitsScreen() {
  const units = (await run(() => api.units())) ?? [];
  const tokens = me?.role === 'admin' || me?.role === 'viewer' ? ((await run(() => api.tokens())) ?? []) : [];
  const name = h('input', { id: 'unit-name', placeholder: t('unitName') });
  const once = h('div', { id: 'token-once' });
  const unitSel = () => h('select', {}, ...units.map((u) => h('option', { value: u.id }, u.name)));
  const tokenUnit = unitSel();
  tokenUnit.id = 'token-unit';
  const role = h('select', { id: 'token-role' }, h('option', { value: 'reporter' }, 'reporter'), h('option', { value: 'viewer' }, 'viewer'));
  const issue = async () => {
    const r = await run(() => api.issueToken(Number(tokenUnit.value), role.value as 'reporter'));
    if (!r) return;
    await unitsScreen();
    showIssuedToken(r);
  };
  const create = async () => {
    if (await run(() => api.createUnit(name.value.trim()), `已创建单位：${name.value.trim()}`)) await unitsScreen();
  };
  main().replaceChildren(
    h('h2', {}, t('units')),
    h('div', { class: 'write' }, name, h('button', { id: 'unit-create', onclick: create }, t('create'))),
    h(
      'table',
      { id: 'unit-list' },
      h('tr', {}, h('th', {}, 'id'), h('th', {}, t('unitName')), h('th', { class: 'write' }, t('rename')), h('th', { class: 'write' }, t('merge'))),
      ...units.map((u) => unitRow(u, unitSel())),
    ),
    h('h2', {}, t('tokens')),
    h('div', { class: 'write' }, tokenUnit, role, h('button', { id: 'token-issue', onclick: issue }, t('issue'))),
    once,
    h(
      'table',
      { id: 'token-list' },
      h('tr', {}, ...['prefix', 'role', 'unit', 'created', 'lastUsed', 'status'].map((k) => h('th', {}, t(k as Key))), h('th', { class: 'write' }, '')),
      ...tokens.map(tokenRow),
    ),
  );
}

/** A unit with its rename and merge-into controls (`into`: a select of every unit). */
function unitRow(u: Unit, into: HTMLSelectElement): HTMLElement {
  const nn = h('input', { value: u.name, class: 'rename-input' });
  const rename = async () => {
    if (await run(() => api.renameUnit(u.id, nn.value.trim()), '已改名')) await unitsScreen();
  };
  const merge = async () => {
    if (confirm(`把“${u.name}”并入“${into.selectedOptions[0]?.textContent}”？`) && (await run(() => api.mergeUnit(u.id, Number(into.value)), '已合并')))
      await unitsScreen();
  };
  return h(
    'tr',
    { 'data-unit': u.name },
    h('td', {}, String(u.id)),
    h('td', {}, u.name),
    h('td', { class: 'write' }, nn, h('button', { onclick: rename }, t('rename'))),
    h('td', { class: 'write' }, into, h('button', { onclick: merge }, t('merge'))),
  );
}

/** The new token, shown once, with a ready-to-send text: server URL, token, how to load the add-in. */
function showIssuedToken(r: IssuedToken): void {
  const text = `${r.unit.name}：\n服务地址：${location.origin}\n令牌：${r.token}\n使用方法：在 Excel 中加载 qingdan 加载项（${location.origin}/manifest.xml），填入服务地址和令牌；或在 ${location.origin}/api/v1/docs 查看如何下载本单位的月度工作簿。`;
  const area = h('textarea', { id: 'token-text', readonly: true }, text);
  $('token-once').replaceChildren(
    h('p', {}, t('shownOnce')),
    h('code', { id: 'token-secret' }, r.token),
    ' ',
    h('button', { onclick: () => void navigator.clipboard?.writeText(r.token) }, t('copy')),
    area,
  );
  $('token-once').className = 'once';
}

function tokenRow(x: TokenInfo): HTMLElement {
  const revoke = async () => {
    if (confirm('撤销该令牌？') && (await run(() => api.revokeToken(x.id), '已撤销'))) await unitsScreen();
  };
  return h(
    'tr',
    { 'data-token': x.id },
    h('td', {}, x.prefix ?? '—'),
    h('td', {}, x.role),
    h('td', {}, x.unit?.name ?? '—'),
    h('td', {}, fmt(x.createdAt)),
    h('td', {}, fmt(x.lastUsedAt)),
    h('td', {}, x.revokedAt ? t('revoked') : ''),
    h('td', { class: 'write' }, x.revokedAt ? '' : h('button', { onclick: revoke }, t('revoke'))),
  );
}

// --- assignments by task number ---
function taskRows(plan: PlanWithAssignments) {
  const path = new Map<string, string[]>();
  const rows: { id: string; number: string; title: string; lead: string[]; co: string[] }[] = [];
  for (const { node, parent } of walkNodes(plan.nodes)) {
    const p = [...(parent ? path.get(parent.id)! : []), node.number];
    path.set(node.id, p);
    if (node.kind !== 'task') continue;
    const a = plan.assignments?.[node.id];
    rows.push({ id: node.id, number: p.join('.'), title: node.title, lead: a?.lead ?? node.units?.lead ?? [], co: a?.co ?? node.units?.co ?? [] });
  }
  return rows;
}

async function assignScreen() {
  if (!needPlan()) return;
  const plan = await run(() => api.plan(planId()));
  if (!plan) return;
  const rows = taskRows(plan);
  const lead = h('input', { id: 'bulk-lead', list: 'units-dl', placeholder: t('lead') });
  const co = h('input', { id: 'bulk-co', list: 'units-dl', placeholder: t('co') });
  const units = (await run(() => api.units())) ?? [];
  const text = h('textarea', { id: 'assign-text', rows: 4, cols: 60, placeholder: '1, 建设管理处, 规划处' });
  const apply = async (list: { task: string; lead: string[]; co: string[] }[]) => {
    if (await run(() => api.putAssignments(planId(), list), `已保存 ${list.length} 项分工`)) await assignScreen();
  };
  main().replaceChildren(
    h('datalist', { id: 'units-dl' }, ...units.map((u) => h('option', { value: u.name }))),
    h('p', { class: 'write' }, t('assignBy')),
    h(
      'div',
      { class: 'write' },
      lead,
      co,
      h(
        'button',
        {
          id: 'bulk-apply',
          onclick: () => {
            const picked = [...document.querySelectorAll<HTMLInputElement>('#assign-table input.pick:checked')].map((c) => c.value);
            if (!picked.length) return msg('请先勾选任务', 'error');
            void apply(picked.map((task) => ({ task, lead: csv(lead.value), co: csv(co.value) })));
          },
        },
        t('apply'),
      ),
    ),
    assignTable(rows),
    h(
      'div',
      { class: 'write' },
      h('p', {}, t('assignXlsx')),
      h('input', {
        id: 'assign-xlsx',
        type: 'file',
        accept: '.xlsx',
        onchange: async (e) => {
          const f = (e.target as HTMLInputElement).files?.[0];
          if (f && (await run(() => api.uploadAssignments(planId(), f, f.name), '分工表已导入'))) await assignScreen();
        },
      }),
    ),
    h(
      'div',
      { class: 'write' },
      h('p', {}, t('assignText')),
      text,
      h('br'),
      h('button', { id: 'assign-text-apply', onclick: () => void apply(assignmentLines(text.value)) }, t('save')),
    ),
  );
}

/** `序号, 牵头单位, 配合单位` lines (tab, comma or full-width comma between the three). */
function assignmentLines(text: string): { task: string; lead: string[]; co: string[] }[] {
  return text
    .split('\n')
    .map((l) => l.split(/[\t,，]/).map((x) => x.trim()))
    .filter((p) => p[0])
    .map(([task, l = '', c = '']) => ({ task, lead: csv(l), co: csv(c) }));
}

/** Every task by its number, with a tick box for the bulk 牵头/配合 setting. */
function assignTable(rows: ReturnType<typeof taskRows>): HTMLElement {
  return h(
    'table',
    { id: 'assign-table' },
    h('tr', {}, h('th', { class: 'write' }, ''), h('th', {}, t('number')), h('th', {}, t('task')), h('th', {}, t('lead')), h('th', {}, t('co'))),
    ...rows.map((r) =>
      h(
        'tr',
        { 'data-task': r.number },
        h('td', { class: 'write' }, h('input', { type: 'checkbox', class: 'pick', value: r.number })),
        h('td', {}, r.number),
        h('td', {}, r.title),
        h('td', { class: 'lead' }, r.lead.join('、')),
        h('td', { class: 'co' }, r.co.join('、')),
      ),
    ),
  );
}

// --- months ---
async function monthsScreen() {
  if (!needPlan()) return;
  const periods = (await run(() => api.periods(planId()))) ?? [];
  const rule = await run(() => api.reportingDeadline(planId()));
  const day = h('input', { id: 'report-day', type: 'number', min: 1, max: 31, value: rule?.day ?? 28 });
  const dialog = h('dialog', { id: 'close-dialog' });
  const closeMonth = async (period: string) => {
    const s = await run(() => api.submissions(planId(), period));
    if (!s) return;
    const missing = s.units.filter((u) => u.status === '未填报' || u.status === '填报中');
    dialog.replaceChildren(
      h('p', {}, `${t('close')} ${period}`),
      missing.length
        ? h('div', { id: 'not-reported' }, t('notReported'), h('ul', {}, ...missing.map((u) => h('li', {}, `${u.unit}（${u.status}）`))))
        : h('p', { id: 'not-reported' }, t('allReported')),
      h(
        'button',
        {
          id: 'close-confirm',
          onclick: async () => {
            dialog.close();
            if (await run(() => api.closePeriod(planId(), period), `${period} 已关闭`)) await monthsScreen();
          },
        },
        t('confirmClose'),
      ),
      h('button', { onclick: () => dialog.close() }, t('cancel')),
    );
    dialog.showModal();
  };
  main().replaceChildren(
    dialog,
    h(
      'p',
      { id: 'report-rule' },
      `${t('reportDay')}：`,
      day,
      ` ${rule ? t(`src.${rule.source}` as Key) : ''} `,
      h(
        'button',
        {
          id: 'report-day-save',
          class: 'write',
          onclick: async () => {
            if (await run(() => api.setReportingDay(planId(), Number(day.value)), '报送截止日已更新（未关闭的月份）')) await monthsScreen();
          },
        },
        t('save'),
      ),
    ),
    h(
      'table',
      { id: 'months' },
      h('tr', {}, h('th', {}, t('month')), h('th', {}, t('deadline')), h('th', {}, t('status')), h('th', { class: 'write' }, '')),
      ...periods.map((p) => monthRow(p, closeMonth)),
    ),
  );
}

type Period = Awaited<ReturnType<ApiClient['periods']>>[number];

/** A month with its 关闭 button (open) or its reason and 重新开放 button (closed). */
function monthRow(p: Period, closeMonth: (period: string) => Promise<void>): HTMLElement {
  const reason = h('input', { class: 'reason', placeholder: t('reason') });
  const reopen = async () => {
    if (await run(() => api.reopenPeriod(planId(), p.period, reason.value), `${p.period} 已重新开放`)) await monthsScreen();
  };
  return h(
    'tr',
    { 'data-period': p.period },
    h('td', {}, p.period),
    h('td', {}, p.deadline),
    h('td', { class: 'status' }, t(p.status)),
    h(
      'td',
      { class: 'write' },
      p.status === 'open'
        ? h('button', { class: 'close', onclick: () => void closeMonth(p.period) }, t('close'))
        : h('span', {}, reason, h('button', { class: 'reopen', onclick: reopen }, t('reopen'))),
    ),
  );
}

// --- 问题台账: 销号, refuse/reopen, 一键催报 ---
async function ledgerScreen() {
  if (!needPlan()) return;
  const items = (await run(() => api.ledger(planId())))?.items ?? [];
  const periods = (await run(() => api.periods(planId()))) ?? [];
  const period = h('select', { id: 'remind-period' }, ...periods.filter((p) => p.status === 'open').map((p) => h('option', { value: p.period }, p.period)));
  main().replaceChildren(
    h(
      'div',
      { class: 'write' },
      period,
      h(
        'button',
        {
          id: 'remind',
          onclick: async () => {
            const r = await run(() => api.remind(planId(), period.value));
            if (r) msg(`已催报 ${r.results.length} 个单位`);
          },
        },
        t('remind'),
      ),
    ),
    h(
      'table',
      { id: 'ledger' },
      h(
        'tr',
        {},
        ...['task', 'unit', 'text', 'raised', 'status'].map((k) => h('th', {}, t(k as Key))),
        h('th', {}, t('note')),
        h('th', { class: 'write' }, ''),
      ),
      ...items.map(ledgerRow),
    ),
  );
}

type LedgerItem = Awaited<ReturnType<ApiClient['ledger']>>['items'][number];

/** A 问题台账 item: 销号 while open; once closed, 退回 (refuse) or 重新打开, each with the note typed beside it. */
function ledgerRow(i: LedgerItem): HTMLElement {
  const note = h('input', { class: 'note', placeholder: i.status === 'open' ? t('note') : t('reason') });
  const act = (call: () => Promise<unknown>, done: string) => async () => {
    if (await run(call, done)) await ledgerScreen();
  };
  return h(
    'tr',
    { 'data-item': i.id, 'data-status': i.status },
    h('td', {}, i.task),
    h('td', {}, i.unit),
    h('td', {}, i.text),
    h('td', {}, i.raisedIn),
    h('td', { class: 'status' }, i.status === 'open' ? (i.overdue ? '逾期未销号' : '未销号') : '已销号'),
    h('td', {}, i.closeNote ?? i.reviewNote ?? ''),
    h(
      'td',
      { class: 'write' },
      note,
      i.status === 'open'
        ? h('button', { class: 'close-item', onclick: act(() => api.closeLedger(planId(), i.id, note.value), '已销号') }, t('closeItem'))
        : h(
            'span',
            {},
            h('button', { onclick: act(() => api.reopenLedger(planId(), i.id, note.value, 'refuse'), '已退回') }, t('refuse')),
            h('button', { onclick: act(() => api.reopenLedger(planId(), i.id, note.value, 'reopen'), '已重新打开') }, t('reopenItem')),
          ),
    ),
  );
}

// --- 调整目标 and each target's history ---
async function targetsScreen() {
  if (!needPlan()) return;
  const plan = await run(() => api.plan(planId()));
  const hist = (await run(() => api.targetHistories(planId())))?.targets ?? [];
  if (!plan) return;
  const targets = [...walkNodes(plan.nodes)].flatMap(({ node }) => node.targets.map((x) => ({ ...x, task: `${node.number} ${node.title}` })));
  const sel = h('select', { id: 'revise-target' }, ...targets.map((x) => h('option', { value: x.id }, `${x.task} · ${x.metric} ${x.value}${x.unit}`)));
  const from = h('input', { id: 'revise-from', placeholder: 'YYYY-MM' });
  const value = h('input', { id: 'revise-value', type: 'number', step: 'any' });
  const reason = h('input', { id: 'revise-reason', placeholder: t('reason') });
  main().replaceChildren(
    h(
      'div',
      { class: 'write' },
      t('revise'),
      ' ',
      sel,
      from,
      value,
      reason,
      h(
        'button',
        {
          id: 'revise',
          onclick: async () => {
            if (
              await run(
                () => api.reviseTarget(planId(), sel.value, { fromPeriod: from.value.trim(), value: Number(value.value), reason: reason.value }),
                '目标已调整',
              )
            )
              await targetsScreen();
          },
        },
        t('save'),
      ),
    ),
    h('h3', {}, t('history')),
    h(
      'table',
      { id: 'target-history' },
      h('tr', {}, ...['metric', 'fromMonth', 'value', 'person', 'reason', 'when'].map((k) => h('th', {}, t(k as Key)))),
      ...hist.flatMap((x) =>
        x.revisions.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, targets.find((y) => y.id === x.targetId)?.metric ?? x.targetId),
            h('td', {}, r.fromPeriod ?? '（原始）'),
            h('td', {}, `${r.value}${r.unit}`),
            h('td', {}, r.actor),
            h('td', {}, r.reason ?? ''),
            h('td', {}, fmt(r.at ?? null)),
          ),
        ),
      ),
    ),
  );
}

// --- audit: plan, unit, task, month, person; old → new ---
async function auditScreen() {
  const f = {
    unit: h('input', { id: 'audit-unit', placeholder: t('unit') }),
    task: h('input', { id: 'audit-task', placeholder: t('task') }),
    month: h('input', { id: 'audit-month', placeholder: 'YYYY-MM' }),
    person: h('input', { id: 'audit-person', placeholder: t('person') }),
  };
  const table = h('table', { id: 'audit' });
  const search = async () => {
    const all = (await run(() => api.audit({ planId: planId() || undefined, limit: 5000 }))) ?? [];
    const has = (v: string, ...xs: unknown[]) => !v || xs.some((x) => JSON.stringify(x ?? '').includes(v));
    const rows = all
      .filter(
        (a) =>
          has(f.unit.value.trim(), a.actor, a.old, a.new, a.entityId) &&
          has(f.task.value.trim(), a.entityId) &&
          has(f.month.value.trim(), a.entityId, a.at.slice(0, 7)) &&
          has(f.person.value.trim(), a.actor),
      )
      .reverse();
    const show = (v: unknown) => (v == null ? '' : JSON.stringify(v));
    table.replaceChildren(
      h('tr', {}, ...['when', 'person', 'action', 'object', 'change'].map((k) => h('th', {}, t(k as Key)))),
      ...rows.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, fmt(a.at)),
          h('td', {}, a.actor),
          h('td', {}, a.action),
          h('td', {}, `${a.entity} ${a.entityId}`),
          h('td', { class: 'change' }, h('span', { class: 'old' }, show(a.old)), ' → ', h('span', { class: 'new' }, show(a.new))),
        ),
      ),
    );
  };
  main().replaceChildren(
    h('div', {}, f.unit, f.task, f.month, f.person, h('button', { id: 'audit-search', onclick: () => void search() }, t('search'))),
    table,
  );
  await search();
}

// --- start ---
setLang((store.get(KEYS.lang) as Lang) || (navigator.language.startsWith('en') ? 'en-US' : 'zh-CN'));
$<HTMLSelectElement>('lang').value = getLang();
$<HTMLSelectElement>('lang').onchange = (e) => {
  setLang((e.target as HTMLSelectElement).value as Lang);
  store.set(KEYS.lang, getLang());
  applyStrings();
  if (me) void show(main().dataset.screen ?? 'plans');
};
applyStrings();
$<HTMLInputElement>('server').value = store.get(KEYS.server);
$<HTMLInputElement>('token').value = store.get(KEYS.token);
$('connect').onclick = () => void connect();
$<HTMLSelectElement>('plan').onchange = () => {
  store.set(KEYS.plan, planId());
  void show(main().dataset.screen ?? 'plans');
};
document.querySelectorAll<HTMLButtonElement>('#nav button').forEach((b) => (b.onclick = () => void show(b.dataset.screen!)));
if (store.get(KEYS.token)) void connect();
else document.body.dataset.ready = '';
