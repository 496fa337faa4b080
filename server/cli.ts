// `npx qingdan <command> …` — each command lives in server/cli/<command>.ts and exports `run(args)`.
// Errors a user can act on are printed as one Chinese line with a non-zero exit, never a stack trace.
import { CliError } from './cli/cli-error';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number | void> }> }> = {
  parse: { summary: 'parse FILE [--json]      解析工作要点/方案文档（.txt/.docx），打印任务树和指标', load: () => import('./cli/parse') },
  serve: { summary: 'serve                    启动服务（同 npm start）', load: () => import('./cli/serve') },
  manifest: { summary: 'manifest --url URL [--out FILE]  生成指向部署地址的 manifest.xml', load: () => import('./cli/manifest') },
  'manifest-check': { summary: 'manifest-check [FILE]     离线校验 manifest.xml（XSD + 自检）', load: () => import('./cli/manifest-check') },
  export: {
    summary: 'export PLAN PERIOD [--unit U] [--template] [--out FILE] [--url URL --token T]  导出月度重点任务清单',
    load: () => import('./cli/export'),
  },
  upload: {
    summary: 'upload FILE --plan PLAN --period P [--annotated OUT] [--json] [--url URL --token T]  上传填好的清单',
    load: () => import('./cli/upload-command'),
  },
  backup: { summary: 'backup FILE              备份全部数据（JSON；内置数据库须先停止服务）', load: () => import('./cli/backup') },
  restore: { summary: 'restore FILE             从备份恢复到空的数据目录或数据库', load: () => import('./cli/restore') },
  token: { summary: 'token create --role admin|reporter|viewer [--unit U]  创建令牌', load: () => import('./cli/token') },
};

function usage(): string {
  return ['用法: qingdan <命令> [参数]', '', ...Object.values(COMMANDS).map((c) => '  ' + c.summary)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`未知命令：${name}\n\n${usage()}`);
    return 2;
  }
  let mod;
  try {
    mod = await command.load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`命令 ${name} 尚未实现`);
      return 2;
    }
    throw err;
  }
  return (await mod.run(args)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof CliError) {
      console.error(`错误 [${err.code}]：${err.message}`);
      process.exit(err.exitCode);
    }
    console.error(`内部错误：${(err as Error)?.message ?? err}`);
    if (process.env.QINGDAN_DEBUG) console.error(err);
    process.exit(70);
  },
);
