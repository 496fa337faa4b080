// The import preview: the tree of sections and tasks (editable) beside the source text with each target
// highlighted at its quote, and the warnings; every correction is saved to the preview on the server
// (PUT /plans/import/{id}), so a restart loses nothing; then confirm.
import type { ApiClient, Preview } from '../model/api-client';
import { walkNodes, type Plan, type PlanNode, type Target } from '../model/plan';
import { csv, h, msg, run } from './dom';
import { t } from './i18n';

let seq = 0;
const newId = (p: string) => `${p}${Date.now().toString(36)}${(seq++).toString(36)}`;

function emptyTarget(): Target {
  return { id: newId('t'), metric: '', value: 0, unit: '', comparator: 'gte', kind: 'count', quote: '', span: { start: 0, end: 0 }, confidence: 1 };
}
function emptyTask(): PlanNode {
  return { id: newId('n'), kind: 'task', number: '', title: '', text: '', span: { start: 0, end: 0 }, targets: [], deadlines: [], children: [] };
}

/** The list (parent's children or the roots) that holds a node. */
function siblingsOf(plan: Plan, id: string): PlanNode[] {
  if (plan.nodes.some((n) => n.id === id)) return plan.nodes;
  for (const { node } of walkNodes(plan.nodes)) if (node.children.some((c) => c.id === id)) return node.children;
  return [];
}

export function renderPreview(root: HTMLElement, api: ApiClient, start: Preview, units: string[], onConfirmed: (planId: string) => void): void {
  let p = { ...start, plan: structuredClone(start.plan) };
  const warnings = h('ul', { id: 'warnings' });
  const tree = h('div', { id: 'tree' });
  const source = h('div', { id: 'source' });
  // Saves go one after another, each sending the plan as it is then, so the last edit is what is stored.
  let queue: Promise<unknown> = Promise.resolve();
  const save = (rerender: boolean) => (queue = queue.then(() => saveNow(rerender)));
  const saveNow = async (rerender: boolean) => {
    // The local plan stays the one being edited (the views hold its nodes); the server answers the warnings.
    const r = await run(() => api.savePreview(p.previewId, p.plan));
    if (r) p = { ...p, warnings: r.warnings };
    if (r && p.replacesPlanId) p = { ...p, diff: (await run(() => api.preview(p.previewId)))?.diff ?? p.diff };
    drawWarnings();
    drawDiff();
    if (rerender) drawTree();
    drawSource();
  };
  const diffBox = h('div', { id: 'diff' });
  const drawDiff = () => {
    const d = p.diff;
    if (!d) return diffBox.replaceChildren();
    const list = (key: 'added' | 'changed' | 'removed' | 'archived', label: string) =>
      d[key].length
        ? h(
            'li',
            { class: `diff-${key}` },
            `${label}（${d[key].length}）：`,
            d[key]
              .map(
                (e) => e.label + (e.fields ? `［${e.fields.map((f) => `${f.field}: ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`).join('；')}］` : ''),
              )
              .join('、'),
          )
        : null;
    diffBox.replaceChildren(
      h('h3', {}, t('diff')),
      h('ul', {}, list('added', t('added')), list('changed', t('changedLbl')), list('removed', t('removedLbl')), list('archived', t('archivedLbl'))),
    );
  };
  const drawWarnings = () => {
    warnings.replaceChildren(
      ...(p.warnings.length
        ? p.warnings.map((w) => h('li', { class: w.code, 'data-node': w.nodeId ?? '', onclick: () => focusNode(w.nodeId) }, w.message))
        : [h('li', {}, t('noWarnings'))]),
    );
  };
  const focusNode = (id?: string) => id && tree.querySelector(`[data-id="${id}"]`)?.scrollIntoView({ block: 'center' });
  const drawSource = () => {
    const text = p.sourceText;
    const spans = [...walkNodes(p.plan.nodes)]
      .flatMap(({ node }) =>
        node.targets.filter((x) => x.span.end > x.span.start && text.slice(x.span.start, x.span.end) === x.quote).map((x) => ({ ...x.span, id: x.id })),
      )
      .sort((a, b) => a.start - b.start);
    const parts: (Node | string)[] = [];
    let at = 0;
    for (const s of spans) {
      if (s.start < at) continue;
      parts.push(text.slice(at, s.start), h('mark', { 'data-target': s.id }, text.slice(s.start, s.end)));
      at = s.end;
    }
    parts.push(text.slice(at));
    source.replaceChildren(...parts);
  };
  const nodeView = (n: PlanNode): HTMLElement => {
    const change =
      (f: () => void, rerender = false) =>
      () => (f(), void save(rerender));
    const val = (e: Event) => (e.target as HTMLInputElement).value;
    const box = h('div', { class: `node ${n.kind}`, 'data-id': n.id, 'data-number': n.number });
    const head = h(
      'div',
      { class: 'row' },
      h('input', { class: 'num', value: n.number, 'aria-label': t('number'), onchange: (e) => change(() => (n.number = val(e)))() }),
      h('input', { class: 'title', value: n.title, 'aria-label': t('task'), onchange: (e) => change(() => (n.title = val(e)))() }),
      h('button', { class: 'write', title: t('up'), onclick: change(() => move(n, -1), true) }, '↑'),
      h('button', { class: 'write', title: t('down'), onclick: change(() => move(n, 1), true) }, '↓'),
      h('button', { class: 'write', onclick: change(() => mergeNext(n), true) }, t('mergeNext')),
      h('button', { class: 'write', onclick: change(() => split(n), true) }, t('split')),
      h('button', { class: 'write', onclick: change(() => n.children.push(emptyTask()), true) }, t('addTask')),
      h(
        'button',
        {
          class: 'write del-node',
          onclick: change(() => {
            const s = siblingsOf(p.plan, n.id);
            s.splice(s.indexOf(n), 1);
          }, true),
        },
        t('del'),
      ),
    );
    box.append(head);
    if (n.kind === 'task') {
      box.append(
        h(
          'div',
          { class: 'row' },
          t('lead'),
          h('input', {
            class: 'lead',
            list: 'unit-names',
            value: (n.units?.lead ?? []).join('、'),
            onchange: (e) => change(() => (n.units = { ...n.units, lead: csv(val(e)) }))(),
          }),
          t('co'),
          h('input', {
            class: 'co',
            list: 'unit-names',
            value: (n.units?.co ?? []).join('、'),
            onchange: (e) => change(() => (n.units = { ...n.units, co: csv(val(e)) }))(),
          }),
          t('due'),
          h('input', {
            class: 'deadline',
            value: n.deadlines.map((d) => d.text).join('；'),
            onchange: (e) => change(() => (n.deadlines = csv(val(e)).map((text) => ({ text, ...(dateOf(text) ? { date: dateOf(text)! } : {}) }))))(),
          }),
        ),
      );
    }
    for (const tg of n.targets) {
      const num = (e: Event) => Number(val(e));
      box.append(
        h(
          'div',
          {
            class: 'row target',
            'data-target': tg.id,
            onmouseenter: () => source.querySelector(`[data-target="${tg.id}"]`)?.classList.add('focus'),
            onmouseleave: () => source.querySelector(`[data-target="${tg.id}"]`)?.classList.remove('focus'),
          },
          h('input', { class: 'metric', value: tg.metric, 'aria-label': t('metric'), onchange: (e) => change(() => (tg.metric = val(e)))() }),
          h(
            'select',
            { class: 'comparator', onchange: (e) => change(() => (tg.comparator = val(e) as Target['comparator']))() },
            ...['gte', 'eq', 'lte'].map((c) => h('option', { value: c, selected: tg.comparator === c }, { gte: '≥', eq: '=', lte: '≤' }[c]!)),
          ),
          h('input', {
            class: 'value',
            type: 'number',
            step: 'any',
            value: tg.value,
            'aria-label': t('value'),
            onchange: (e) => change(() => (tg.value = num(e)))(),
          }),
          h('input', { class: 'unit', value: tg.unit, 'aria-label': t('unit'), onchange: (e) => change(() => (tg.unit = val(e)))() }),
          h(
            'select',
            { class: 'kind', onchange: (e) => change(() => (tg.kind = val(e) as Target['kind']))() },
            ...['amount', 'count', 'level', 'rate', 'growth'].map((k) => h('option', { value: k, selected: tg.kind === k }, k)),
          ),
          tg.quote ? h('span', { class: 'quote' }, `“${tg.quote}”`) : null,
          h('button', { class: 'write', onclick: change(() => n.targets.splice(n.targets.indexOf(tg), 1), true) }, t('del')),
        ),
      );
    }
    if (n.kind === 'task') box.append(h('button', { class: 'write add-target', onclick: change(() => n.targets.push(emptyTarget()), true) }, t('addTarget')));
    for (const c of n.children) box.append(nodeView(c));
    return box;
  };
  const move = (n: PlanNode, d: number) => {
    const s = siblingsOf(p.plan, n.id);
    const i = s.indexOf(n);
    if (i + d < 0 || i + d >= s.length) return;
    s.splice(i, 1);
    s.splice(i + d, 0, n);
  };
  const mergeNext = (n: PlanNode) => {
    const s = siblingsOf(p.plan, n.id);
    const next = s[s.indexOf(n) + 1];
    if (!next) return msg('没有下一项可合并', 'error');
    n.title = `${n.title}；${next.title}`;
    n.text = `${n.text}\n${next.text}`;
    n.targets.push(...next.targets);
    n.deadlines.push(...next.deadlines);
    n.children.push(...next.children);
    s.splice(s.indexOf(next), 1);
  };
  const split = (n: PlanNode) => {
    // The second half keeps the later targets; the clerk edits both titles afterwards.
    const s = siblingsOf(p.plan, n.id);
    const half = Math.ceil(n.targets.length / 2);
    const twin: PlanNode = {
      ...emptyTask(),
      kind: n.kind,
      number: `${n.number}-2`,
      title: n.title,
      units: n.units,
      deadlines: [...n.deadlines],
      targets: n.targets.splice(half),
    };
    s.splice(s.indexOf(n) + 1, 0, twin);
  };
  const drawTree = () =>
    tree.replaceChildren(h('datalist', { id: 'unit-names' }, ...units.map((u) => h('option', { value: u }))), ...p.plan.nodes.map(nodeView));
  const title = h('input', {
    id: 'preview-title',
    value: p.plan.title,
    onchange: (e) => ((p.plan.title = (e.target as HTMLInputElement).value), void save(false)),
  });
  root.replaceChildren(
    h('h2', {}, t('preview'), ' · ', p.name ?? ''),
    h(
      'div',
      { class: 'row' },
      title,
      h(
        'button',
        {
          id: 'confirm',
          class: 'write',
          onclick: async () => {
            const r = await run(() => api.confirmPreview(p.previewId));
            if (r) {
              msg(`${t('confirmed')}：${r.planId}`);
              onConfirmed(r.planId);
            }
          },
        },
        t('confirm'),
      ),
    ),
    diffBox,
    h('h3', {}, t('warnings')),
    warnings,
    h('div', { class: 'split' }, h('div', {}, tree), h('div', {}, h('h3', {}, t('source')), source)),
  );
  root.dataset.previewId = p.previewId;
  drawDiff();
  drawWarnings();
  drawTree();
  drawSource();
}

function dateOf(text: string): string | null {
  const m = /(\d{4})年(\d{1,2})月(?:(\d{1,2})日|底)?/.exec(text);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  const d = m[3] ? Number(m[3]) : new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
