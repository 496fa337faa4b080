// The console's strings in zh-CN (default) and en-US. Server messages stay as the server wrote them (Chinese).
export type Lang = 'zh-CN' | 'en-US';

const zh = {
  title: '规划办工作台', connect: '连接', server: '服务地址', token: '管理员令牌', plan: '计划',
  'nav.plans': '计划导入', 'nav.units': '单位与令牌', 'nav.assign': '分工', 'nav.months': '月份', 'nav.ledger': '问题台账', 'nav.targets': '目标调整', 'nav.audit': '审计',
  readonly: '只读（查看者令牌）：可以查看，不能修改', denied: '该令牌是填报单位的令牌，不能使用规划办工作台。请使用管理员或查看者令牌。',
  upload: '上传 .docx 或 .txt（可拖放到此处）', editLive: '修改当前计划的任务和指标', reimport: '作为当前计划的修订版重新导入（显示差异；已有填报的任务归档而不删除）', diff: '与现行计划的差异', added: '新增', changedLbl: '修改', removedLbl: '删除', archivedLbl: '归档（已有填报）', paste: '或粘贴文档全文', pasteImport: '按文本导入', plans: '已有计划', preview: '导入预览', warnings: '需要注意', source: '原文', confirm: '确认导入', confirmed: '已导入计划', noWarnings: '未发现问题',
  units: '单位', unitName: '单位名称', create: '创建', rename: '改名', merge: '并入', tokens: '令牌', issue: '发放令牌', role: '角色', unit: '单位', created: '创建时间', lastUsed: '最近使用', revoke: '撤销', revoked: '已撤销', prefix: '前缀', copy: '复制', shownOnce: '令牌只显示这一次，请复制后发给该单位：',
  assignBy: '选中若干行，一次设置牵头/配合单位', lead: '牵头单位', co: '配合单位', apply: '应用到选中行', number: '序号', task: '任务', assignText: '按序号录入（每行：序号 牵头单位 配合单位，用逗号或制表符分隔）', save: '保存', assignXlsx: '上传分工表（.xlsx：序号、任务、牵头单位、配合单位）',
  month: '月份', reportDay: '每月报送截止日', 'src.setting': '（规划办设置）', 'src.document': '（取自文档“每月N日前”）', 'src.default': '（默认28日）', deadline: '报送截止', status: '状态', close: '关闭月份', reopen: '重新开放', reason: '原因', open: '开放', closed: '已关闭', notReported: '以下单位尚未报送：', allReported: '各单位均已报送。', confirmClose: '确认关闭', cancel: '取消',
  ledger: '问题台账', note: '销号说明', closeItem: '销号', refuse: '不同意销号', reopenItem: '重新打开', remind: '一键催报', raised: '提出月份', text: '存在问题',
  targets: '目标调整', fromMonth: '起始月份', value: '目标值', history: '调整记录', revise: '调整目标',
  audit: '审计', person: '人员', search: '查询', when: '时间', action: '操作', object: '对象', change: '旧值 → 新值',
  due: '完成时限', addTarget: '+指标', addTask: '+子任务', del: '删除', up: '上移', down: '下移', mergeNext: '与下一项合并', split: '拆分', metric: '指标', comparator: '比较', kind: '类型',
};
const en: typeof zh = {
  title: 'Planning office console', connect: 'Connect', server: 'Server', token: 'Admin token', plan: 'Plan',
  'nav.plans': 'Import', 'nav.units': 'Units & tokens', 'nav.assign': 'Assignments', 'nav.months': 'Months', 'nav.ledger': 'Issue ledger', 'nav.targets': 'Target changes', 'nav.audit': 'Audit',
  readonly: 'Read-only (viewer token): you can look, not change', denied: 'This is a reporting unit’s token; the console needs an admin or viewer token.',
  upload: 'Upload a .docx or .txt (or drop it here)', editLive: 'Edit the selected plan’s tasks and targets', reimport: 'Re-import as a revision of the selected plan (shows the differences; reported tasks are archived, not deleted)', diff: 'Differences from the live plan', added: 'Added', changedLbl: 'Changed', removedLbl: 'Deleted', archivedLbl: 'Archived (has progress)', paste: 'or paste the document text', pasteImport: 'Import text', plans: 'Plans', preview: 'Import preview', warnings: 'Check these', source: 'Source text', confirm: 'Confirm import', confirmed: 'Imported plan', noWarnings: 'No problems found',
  units: 'Units', unitName: 'Unit name', create: 'Create', rename: 'Rename', merge: 'Merge into', tokens: 'Tokens', issue: 'Issue token', role: 'Role', unit: 'Unit', created: 'Created', lastUsed: 'Last used', revoke: 'Revoke', revoked: 'Revoked', prefix: 'Prefix', copy: 'Copy', shownOnce: 'Shown only once — copy it and send it to the unit:',
  assignBy: 'Select rows, then set lead/co units at once', lead: 'Lead unit', co: 'Co-units', apply: 'Apply to selected', number: 'No.', task: 'Task', assignText: 'By number (one line each: number, lead, co — comma or tab separated)', save: 'Save', assignXlsx: 'Upload an assignment table (.xlsx: 序号, 任务, 牵头单位, 配合单位)',
  month: 'Month', reportDay: 'Monthly reporting day', 'src.setting': '(office setting)', 'src.document': '(from the document)', 'src.default': '(default: 28th)', deadline: 'Deadline', status: 'Status', close: 'Close month', reopen: 'Reopen', reason: 'Reason', open: 'open', closed: 'closed', notReported: 'Not reported yet: ', allReported: 'Every unit has reported.', confirmClose: 'Close it', cancel: 'Cancel',
  ledger: 'Issue ledger', note: 'Resolution note', closeItem: 'Close (销号)', refuse: 'Refuse', reopenItem: 'Reopen', remind: 'Remind all', raised: 'Raised', text: 'Problem',
  targets: 'Target changes', fromMonth: 'From month', value: 'Value', history: 'History', revise: 'Change target',
  audit: 'Audit', person: 'Person', search: 'Search', when: 'When', action: 'Action', object: 'Object', change: 'old → new',
  due: 'Due', addTarget: '+target', addTask: '+task', del: 'Delete', up: 'Up', down: 'Down', mergeNext: 'Merge with next', split: 'Split', metric: 'Metric', comparator: 'Cmp', kind: 'Kind',
};

export type Key = keyof typeof zh;
let lang: Lang = 'zh-CN';
export const setLang = (l: Lang) => (lang = l);
export const getLang = () => lang;
export const t = (k: Key): string => (lang === 'en-US' ? en : zh)[k];
