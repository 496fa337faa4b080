// `npx qingdan token create --role admin|reporter|viewer [--unit 单位] [--label 说明]` prints a new token once;
// `npx qingdan token revoke ID`. Works on the configured database (DATABASE_URL or DATA_DIR); with the
// embedded database the server must be stopped first (or use the API: POST /api/v1/units/{id}/tokens).
import { parseArgs } from 'node:util';
import { issueToken, revokeToken } from '../auth/tokens';
import { Role } from '../../model/accounts';
import { createUnit, findUnit } from '../auth/units';
import { CliError } from './cli-error';
import { openConfigured } from './workbook-target';

const open = () => openConfigured('服务运行时请改用 API：POST /api/v1/units/{id}/tokens');

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { role: { type: 'string' }, unit: { type: 'string' }, label: { type: 'string' } },
    allowPositionals: true,
  });
  if (sub === 'create') {
    const parsed = Role.safeParse(values.role);
    if (!parsed.success) throw new CliError('BAD_ROLE', '请用 --role 指定角色：admin、reporter 或 viewer');
    const role = parsed.data;
    if (role === 'reporter' && !values.unit) throw new CliError('NO_UNIT', '填报令牌须用 --unit 指定单位，例如 --unit 综合规划处');
    const database = await open();
    try {
      let unit = values.unit ? await findUnit(database.db, { name: values.unit }) : null;
      if (values.unit && !unit) {
        unit = await createUnit(database.db, values.unit, 'cli');
        console.error(`已创建单位：${values.unit}`);
      }
      const { id, token } = await issueToken(database.db, { role, unit, label: values.label }, 'cli');
      console.error(`已创建${unit ? unit.name + '的' : ''} ${role} 令牌（编号 ${id}），只显示这一次：`);
      console.log(token);
      return 0;
    } finally {
      await database.close();
    }
  }
  if (sub === 'revoke') {
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id <= 0) throw new CliError('BAD_ID', '用法：qingdan token revoke 令牌编号');
    const database = await open();
    try {
      if (!(await revokeToken(database.db, id, 'cli'))) throw new CliError('UNKNOWN_TOKEN', `找不到令牌或已撤销：${id}`);
      console.error(`已撤销令牌 ${id}`);
      return 0;
    } finally {
      await database.close();
    }
  }
  throw new CliError('USAGE', '用法：qingdan token create --role admin|reporter|viewer [--unit 单位] [--label 说明] | qingdan token revoke 编号');
}
