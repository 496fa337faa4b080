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
  new PreviewEditor(api, start, units, onConfirmed).mount(root);
}

/** Move a node up (-1) or down (+1) among its siblings. */
function moveNode(plan: Plan, n: PlanNode, d: number): void {
  const s = siblingsOf(plan, n.id);
  const i = s.indexOf(n);
  if (i + d < 0 || i + d >= s.length) return;
  s.splice(i, 1);
  s.splice(i + d, 0, n);
}

function mergeNext(plan: Plan, n: PlanNode): void {
  const s = siblingsOf(plan, n.id);
  const next = s[s.indexOf(n) + 1];
  if (!next) return msg('没有下一项可合并', 'error');
  n.title = `${n.title}；${next.title}`;
  n.text = `${n.text}\n${next.text}`;
  n.targets.push(...next.targets);
  n.deadlines.push(...next.deadlines);
  n.children.push(...next.children);
  s.splice(s.indexOf(next), 1);
}

function splitNode(plan: Plan, n: PlanNode): void {
  // The second half keeps the later targets; the clerk edits both titles afterwards.
  const s = siblingsOf(plan, n.id);
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
}

/** The source text with each target's quote marked where its span still points at it. */
function sourceParts(text: string, plan: Plan): (Node | string)[] {
  const spans = [...walkNodes(plan.nodes)]
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
  return parts;
}

/** A re-import's changes against the plan it replaces, one line per kind. */
function diffList(d: NonNullable<Preview['diff']>): HTMLElement {
  const list = (key: 'added' | 'changed' | 'removed' | 'archived', label: string) =>
    d[key].length
      ? h(
          'li',
          { class: `diff-${key}` },
          `${label}（${d[key].length}）：`,
          d[key]
            .map((e) => e.label + (e.fields ? `［${e.fields.map((f) => `${f.field}: ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`).join('；')}］` : ''))
            .join('、'),
        )
      : null;
  return h('ul', {}, list('added', t('added')), list('changed', t('changedLbl')), list('removed', t('removedLbl')), list('archived', t('archivedLbl')));
}

const val = (e: Event) => (e.target as HTMLInputElement).value;

/** The preview being edited: its plan, the views drawn from it, and the queue of saves. */
class PreviewEditor {
  private p: Preview;
  private readonly warnings = h('ul', { id: 'warnings' });
  private readonly tree = h('div', { id: 'tree' });
  private readonly source = h('div', { id: 'source' });
  private readonly diffBox = h('div', { id: 'diff' });
  // Saves go one after another, each sending the plan as it is then, so the last edit is what is stored.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly api: ApiClient,
    start: Preview,
    private readonly units: string[],
    private readonly onConfirmed: (planId: string) => void,
  ) {
    this.p = { ...start, plan: structuredClone(start.plan) };
  }

  mount(root: HTMLElement): void {
    const { p } = this;
    const title = h('input', {
      id: 'preview-title',
      value: p.plan.title,
      onchange: (e) => ((this.p.plan.title = (e.target as HTMLInputElement).value), void this.save(false)),
    });
    root.replaceChildren(
      h('h2', {}, t('preview'), ' · ', p.name ?? ''),
      h('div', { class: 'row' }, title, h('button', { id: 'confirm', class: 'write', onclick: () => this.confirm() }, t('confirm'))),
      this.diffBox,
      h('h3', {}, t('warnings')),
      this.warnings,
      h('div', { class: 'split' }, h('div', {}, this.tree), h('div', {}, h('h3', {}, t('source')), this.source)),
    );
    root.dataset.previewId = p.previewId;
    this.drawDiff();
    this.drawWarnings();
    this.drawTree();
    this.drawSource();
  }

  private async confirm(): Promise<void> {
    const r = await run(() => this.api.confirmPreview(this.p.previewId));
    if (r) {
      msg(`${t('confirmed')}：${r.planId}`);
      this.onConfirmed(r.planId);
    }
  }

  private save(rerender: boolean): Promise<unknown> {
    return (this.queue = this.queue.then(() => this.saveNow(rerender)));
  }

  private async saveNow(rerender: boolean): Promise<void> {
    const { api } = this;
    // The local plan stays the one being edited (the views hold its nodes); the server answers the warnings.
    const r = await run(() => api.savePreview(this.p.previewId, this.p.plan));
    if (r) this.p = { ...this.p, warnings: r.warnings };
    if (r && this.p.replacesPlanId) this.p = { ...this.p, diff: (await run(() => api.preview(this.p.previewId)))?.diff ?? this.p.diff };
    this.drawWarnings();
    this.drawDiff();
    if (rerender) this.drawTree();
    this.drawSource();
  }

  private drawDiff(): void {
    const d = this.p.diff;
    if (!d) return this.diffBox.replaceChildren();
    this.diffBox.replaceChildren(h('h3', {}, t('diff')), diffList(d));
  }

  private drawWarnings(): void {
    const { p } = this;
    this.warnings.replaceChildren(
      ...(p.warnings.length
        ? p.warnings.map((w) => h('li', { class: w.code, 'data-node': w.nodeId ?? '', onclick: () => this.focusNode(w.nodeId) }, w.message))
        : [h('li', {}, t('noWarnings'))]),
    );
  }

  private focusNode(id?: string) {
    return id && this.tree.querySelector(`[data-id="${id}"]`)?.scrollIntoView({ block: 'center' });
  }

  private drawSource(): void {
    this.source.replaceChildren(...sourceParts(this.p.sourceText, this.p.plan));
  }

  private drawTree(): void {
    this.tree.replaceChildren(
      h('datalist', { id: 'unit-names' }, ...this.units.map((u) => h('option', { value: u }))),
      ...this.p.plan.nodes.map((n) => this.nodeView(n)),
    );
  }

  /** An edit handler: apply `f` to the plan, then save (and redraw the tree when the shape changed). */
  private change(f: () => void, rerender = false): () => void {
    return () => (f(), void this.save(rerender));
  }

  private nodeView(n: PlanNode): HTMLElement {
    const box = h('div', { class: `node ${n.kind}`, 'data-id': n.id, 'data-number': n.number });
    box.append(this.nodeHead(n));
    if (n.kind === 'task') box.append(this.taskRow(n));
    for (const tg of n.targets) box.append(this.targetRow(n, tg));
    if (n.kind === 'task')
      box.append(h('button', { class: 'write add-target', onclick: this.change(() => n.targets.push(emptyTarget()), true) }, t('addTarget')));
    for (const c of n.children) box.append(this.nodeView(c));
    return box;
  }

  /** 序号 and title, and the buttons that reshape the tree. */
  private nodeHead(n: PlanNode): HTMLElement {
    const plan = this.p.plan;
    const edit = (f: () => void, rerender = false) => this.change(f, rerender);
    return h(
      'div',
      { class: 'row' },
      h('input', { class: 'num', value: n.number, 'aria-label': t('number'), onchange: (e) => edit(() => (n.number = val(e)))() }),
      h('input', { class: 'title', value: n.title, 'aria-label': t('task'), onchange: (e) => edit(() => (n.title = val(e)))() }),
      h('button', { class: 'write', title: t('up'), onclick: edit(() => moveNode(plan, n, -1), true) }, '↑'),
      h('button', { class: 'write', title: t('down'), onclick: edit(() => moveNode(plan, n, 1), true) }, '↓'),
      h('button', { class: 'write', onclick: edit(() => mergeNext(plan, n), true) }, t('mergeNext')),
      h('button', { class: 'write', onclick: edit(() => splitNode(plan, n), true) }, t('split')),
      h('button', { class: 'write', onclick: edit(() => n.children.push(emptyTask()), true) }, t('addTask')),
      h(
        'button',
        {
          class: 'write del-node',
          onclick: edit(() => {
            const s = siblingsOf(plan, n.id);
            s.splice(s.indexOf(n), 1);
          }, true),
        },
        t('del'),
      ),
    );
  }

  /** A task's 牵头/配合 units and deadlines. */
  private taskRow(n: PlanNode): HTMLElement {
    const edit = (f: () => void) => this.change(f);
    return h(
      'div',
      { class: 'row' },
      t('lead'),
      h('input', {
        class: 'lead',
        list: 'unit-names',
        value: (n.units?.lead ?? []).join('、'),
        onchange: (e) => edit(() => (n.units = { ...n.units, lead: csv(val(e)) }))(),
      }),
      t('co'),
      h('input', {
        class: 'co',
        list: 'unit-names',
        value: (n.units?.co ?? []).join('、'),
        onchange: (e) => edit(() => (n.units = { ...n.units, co: csv(val(e)) }))(),
      }),
      t('due'),
      h('input', {
        class: 'deadline',
        value: n.deadlines.map((d) => d.text).join('；'),
        onchange: (e) => edit(() => (n.deadlines = csv(val(e)).map((text) => ({ text, ...(dateOf(text) ? { date: dateOf(text)! } : {}) }))))(),
      }),
    );
  }

  /** One target: metric, comparator, value, unit, kind, its quote (highlighted in the source on hover). */
  private targetRow(n: PlanNode, tg: Target): HTMLElement {
    const edit = (f: () => void, rerender = false) => this.change(f, rerender);
    const num = (e: Event) => Number(val(e));
    const mark = () => this.source.querySelector(`[data-target="${tg.id}"]`);
    return h(
      'div',
      {
        class: 'row target',
        'data-target': tg.id,
        onmouseenter: () => mark()?.classList.add('focus'),
        onmouseleave: () => mark()?.classList.remove('focus'),
      },
      h('input', { class: 'metric', value: tg.metric, 'aria-label': t('metric'), onchange: (e) => edit(() => (tg.metric = val(e)))() }),
      h(
        'select',
        { class: 'comparator', onchange: (e) => edit(() => (tg.comparator = val(e) as Target['comparator']))() },
        ...['gte', 'eq', 'lte'].map((c) => h('option', { value: c, selected: tg.comparator === c }, { gte: '≥', eq: '=', lte: '≤' }[c]!)),
      ),
      h('input', {
        class: 'value',
        type: 'number',
        step: 'any',
        value: tg.value,
        'aria-label': t('value'),
        onchange: (e) => edit(() => (tg.value = num(e)))(),
      }),
      h('input', { class: 'unit', value: tg.unit, 'aria-label': t('unit'), onchange: (e) => edit(() => (tg.unit = val(e)))() }),
      h(
        'select',
        { class: 'kind', onchange: (e) => edit(() => (tg.kind = val(e) as Target['kind']))() },
        ...['amount', 'count', 'level', 'rate', 'growth'].map((k) => h('option', { value: k, selected: tg.kind === k }, k)),
      ),
      tg.quote ? h('span', { class: 'quote' }, `“${tg.quote}”`) : null,
      h('button', { class: 'write', onclick: edit(() => n.targets.splice(n.targets.indexOf(tg), 1), true) }, t('del')),
    );
  }
}

function dateOf(text: string): string | null {
  const m = /(\d{4})年(\d{1,2})月(?:(\d{1,2})日|底)?/.exec(text);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  const d = m[3] ? Number(m[3]) : new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
