// The month panel of the task pane (issue 10): the unit's 报送 status, the deadline with a countdown,
// a 催报 banner when the report is due soon or late, the office's 退回 reason, and the 报送 form
// (填报人, 联系电话, 审核人). Self-contained: it reads the server and token the pane connected with and
// refreshes when the pane connects or the plan/month changes; errors name the rows to fix.
type Sub = {
  unit: string;
  status: string;
  submittedAt: string | null;
  returned: { reason: string } | null;
  contact: { reporter: string; phone: string; reviewer: string } | null;
};
type Month = { deadline: string; countdown: { ms: number; label: string }; counts: Record<string, number>; units: Sub[] };

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const val = (id: string) => String(($(id) as unknown as { value?: string })?.value ?? '').trim();

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const base = val('url').replace(/\/+$/, '');
  const res = await fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${val('token')}`, 'content-type': 'application/json' } });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.detail ?? `HTTP ${res.status}`), { errors: data.errors as { message: string }[] | undefined });
  return data;
}

let me: { role: string; unit: { name: string } | null } | null = null;

async function refresh(): Promise<void> {
  const panel = $('month-panel');
  const plan = val('plan');
  const period = val('month');
  if (!panel || document.body.dataset.state !== 'connected' || !plan || !period) return;
  try {
    me ??= await call('/me');
    const m: Month = await call(`/plans/${encodeURIComponent(plan)}/periods/${period}/submissions`);
    const mine = me?.unit ? m.units.find((u) => u.unit === me!.unit!.name) : undefined;
    panel.hidden = false;
    $('month-deadline').textContent = `报送截止：${m.deadline} 24时（${m.countdown.label}）`;
    const owes = !mine || mine.status === '未填报' || mine.status === '填报中';
    $('month-status').textContent = mine
      ? `本单位：${mine.status}${mine.submittedAt ? `（${new Date(mine.submittedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}）` : ''}`
      : `已报送 ${m.counts['已报送'] + m.counts['逾期报送']} / ${m.units.length} 个单位`;
    $('month-status').dataset.status = mine?.status ?? '';
    const banner = $('month-banner');
    const soon = m.countdown.ms < 3 * 86_400_000;
    banner.hidden = !(mine && owes && soon);
    banner.textContent = m.countdown.ms <= 0 ? `【催报】本月填报已逾期，请尽快报送。` : `【催报】${m.countdown.label}，请按时报送。`;
    $('month-returned').hidden = !mine?.returned;
    $('month-returned').textContent = mine?.returned ? `已被退回：${mine.returned.reason}` : '';
    $('month-form').hidden = !(me?.role === 'reporter' && owes);
    // Open 问题台账 items carry into the next month: the unit sees what still awaits 销号.
    const ledger: { items: { status: string; text: string; raisedIn: string; overdue: boolean }[] } = await call(
      `/plans/${encodeURIComponent(plan)}/ledger?period=${period}&status=open`,
    );
    $('month-ledger').textContent = ledger.items.length
      ? `未销号问题 ${ledger.items.length} 项（${ledger.items.filter((i) => i.overdue).length} 项逾期）：${ledger.items
          .slice(0, 3)
          .map((i) => `${i.raisedIn.slice(5)}月“${i.text.slice(0, 20)}”`)
          .join('；')}`
      : '';
  } catch (err) {
    $('month-error').hidden = false;
    $('month-error').textContent = (err as Error).message;
  }
}

async function submit(): Promise<void> {
  const list = $('month-errors');
  list.replaceChildren();
  $('month-error').hidden = true;
  try {
    const r = await call<{ status: string }>(`/plans/${encodeURIComponent(val('plan'))}/periods/${val('month')}/submit`, {
      method: 'POST',
      body: JSON.stringify({ reporter: val('month-reporter'), phone: val('month-phone'), reviewer: val('month-reviewer') }),
    });
    $('month-status').textContent = `本单位：${r.status}`;
    await refresh();
  } catch (err) {
    $('month-error').hidden = false;
    $('month-error').textContent = (err as Error).message;
    for (const e of (err as { errors?: { message: string }[] }).errors ?? []) {
      const li = document.createElement('li');
      li.textContent = e.message;
      list.append(li);
    }
  }
}

export function mountMonthPanel(): void {
  $('month-submit')?.addEventListener('click', () => void submit());
  for (const id of ['plan', 'month']) $(id)?.addEventListener('change', () => void refresh());
  // The pane marks body[data-state=connected] once connected; disconnecting clears the cached identity.
  new MutationObserver(() => {
    if (document.body.dataset.state === 'connected') void refresh();
    else {
      me = null;
      if ($('month-panel')) $('month-panel').hidden = true;
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  setInterval(() => void refresh(), 60_000);
}
