// The HTTP app: hardening middleware, /health, the authenticated /api/v1 (our routes + the workbook
// routes), OpenAPI + offline docs, and the add-in's static files. No listening here (see main.ts).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { ZodError } from 'zod';
import { authenticate, type AppEnv } from './auth/middleware';
import { AuthThrottle, type ThrottleOptions } from './auth/throttle';
import { describeError, logText } from './log-safe';
import { refuseBadText } from './routes/text-guard';
import type { Config } from './config';
import type { Db } from './db/connect';
import { renderDocs } from './routes/docs';
import { planRoutes } from './routes/plans';
import { problem, zodFields } from './routes/problem';
import { syncRoutes } from './routes/sync';
import { accountRoutes } from './routes/accounts';
import { workbookProblem, workbookRoutes } from './routes/workbook';
import { reportRoutes } from './routes/reports';
import { targetRoutes } from './routes/targets';
import { ledgerRoutes, monthRoutes, reminderRoutes } from './routes/month';
import type { ReminderOptions } from './services/reminders';
import { mountDashboard } from './dashboard';
import { mountAddin } from './static';
import { loadImporter, type Importer } from './services/import';
import { PreviewStore } from './services/previews';
import { mountConsole } from './console';
import { consoleRoutes } from './routes/console';
import { WorkbookError } from './workbook/errors';
import { AppError } from '../model/errors';

export type { Actor } from './auth/tokens';
export type { AppEnv } from './auth/middleware';

export interface AppDeps {
  db: Db;
  config?: Partial<Pick<Config, 'addinOrigins' | 'bodyLimit'>>;
  /** One line per request (with its request id) and per server error; default console.log. */
  log?: (line: string) => void;
  /** The plan importer; default model/importer loaded on first use. */
  importer?: () => Promise<Importer>;
  /** Bad tokens allowed per address and window before 429 (server/auth/throttle.ts). */
  authThrottle?: ThrottleOptions;
  /** The clock of the month-end loop (issue 10: deadlines, reminders); default the real one. */
  now?: () => Date;
  /** 催报 delivery options (fetch, backoff, log) for 一键催报. */
  reminders?: Omit<ReminderOptions, 'now'>;
}

/**
 * For the add-in, dashboard and office pages: scripts only from here (office.js is served locally at
 * /office-js/; Microsoft's CDNs for a QINGDAN_OFFICE_JS=cdn build), styles inline too (Fluent UI
 * components set them), API calls to here or an https server the user names in the dashboard.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", 'https://appsforoffice.microsoft.com', 'https://appsforoffice.cdn.partner.office365.cn'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'https:'],
  frameSrc: ["'self'", 'https:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

function isPublic(path: string): boolean {
  return path === '/api/v1/openapi.json' || path === '/api/v1/docs';
}

type Log = (line: string) => void;

/** Every error the app answers with, as a problem response: the expected ones by their code, the rest logged. */
function errorHandler(log: Log) {
  return (err: Error, c: Context<AppEnv>) => {
    // One error type (model/errors.ts AppError) carries its own status and code; a workbook's adds the
    // cells and the annotated copy. Then the errors thrown by zod, JSON.parse and hono themselves.
    if (err instanceof WorkbookError) return workbookProblem(c, err);
    if (err instanceof AppError) return problem(c, err.status, err.code, err.message, err.details());
    if (err instanceof ZodError) return problem(c, 400, 'VALIDATION_FAILED', '请求内容不符合要求', zodFields(err));
    if (err instanceof SyntaxError) return problem(c, 400, 'BAD_JSON', '请求体不是有效的 JSON');
    if (err instanceof HTTPException) {
      const status = err.status;
      const json = /JSON/i.test(err.message);
      const code = status === 413 ? 'BODY_TOO_LARGE' : json ? 'BAD_JSON' : status === 400 ? 'BAD_REQUEST' : 'HTTP_ERROR';
      const detail = status === 413 ? '请求体过大' : json ? '请求体不是有效的 JSON' : '请求无效';
      return problem(c, status, code, detail);
    }
    log(`[${c.get('requestId')}] 内部错误 ${c.req.method} ${logText(c.req.path)}: ${describeError(err)}`);
    return problem(c, 500, 'INTERNAL', `服务器内部错误（请求号 ${c.get('requestId')}）`);
  };
}

const defaultHook = (result: { success: boolean; error?: unknown }, c: Context<AppEnv>) => {
  if (!result.success) return problem(c, 400, 'VALIDATION_FAILED', '请求内容不符合要求，未做任何修改', zodFields(result.error as ZodError));
};

/** Request id and log line, security headers, CORS for the add-in's origins, body limit, text guard. */
function useMiddleware(app: OpenAPIHono<AppEnv>, deps: AppDeps, log: Log): void {
  const origins = new Set(deps.config?.addinOrigins ?? []);
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const start = performance.now();
    await next();
    const actor = c.get('actor');
    log(
      `[${c.get('requestId')}] ${c.req.method} ${logText(c.req.path)} ${c.res.status} ${(performance.now() - start).toFixed(1)}ms${actor ? ' ' + actor.name : ''}`,
    );
  });
  // The task pane runs inside Office's iframe: no X-Frame-Options / COOP that would block it.
  app.use(
    '*',
    secureHeaders({ xFrameOptions: false, crossOriginOpenerPolicy: false, crossOriginResourcePolicy: false, contentSecurityPolicy: CONTENT_SECURITY_POLICY }),
  );
  app.use(
    '/api/*',
    cors({
      origin: (origin) => (origins.has(origin) ? origin : null),
      allowHeaders: ['Authorization', 'Content-Type'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      maxAge: 600,
    }),
  );
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.config?.bodyLimit ?? 20 * 1024 * 1024,
      onError: (c) => problem(c, 413, 'BODY_TOO_LARGE', `请求体过大（上限 ${Math.round((deps.config?.bodyLimit ?? 20 * 1024 * 1024) / 1024 / 1024)} MB）`),
    }),
  );
  app.use('/api/*', refuseBadText());
}

/** /api/v1: the token check (not for the document itself), every route module, the OpenAPI document. */
function apiApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const api = new OpenAPIHono<AppEnv>({ defaultHook });
  const db = deps.db;
  const authed = authenticate(db, new AuthThrottle(deps.authThrottle));
  api.use('*', (c, next) => (isPublic(c.req.path) ? next() : authed(c, next)));
  accountRoutes(db, api);
  planRoutes({ db, previews: new PreviewStore(db), importer: deps.importer ?? loadImporter }, api);
  syncRoutes(db, api);
  api.route('/', workbookRoutes(deps));
  api.route('/', reportRoutes(deps));
  targetRoutes(db, api); // issue 11: 调整目标, 通报 settings
  api.route('/', monthRoutes({ db, now: deps.now }));
  api.route('/', ledgerRoutes({ db, now: deps.now }));
  api.route('/', consoleRoutes(db)); // issue 9: the 分工 table upload
  api.route('/', reminderRoutes({ db, now: deps.now, reminders: deps.reminders }));
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'qingdan 清单', version: '1.0.0', description: '重点任务清单同步服务：计划、单位、填报推送/拉取、指标、审计' },
    servers: [{ url: '/api/v1' }],
  });
  api.get('/docs', (c) =>
    c.html(renderDocs(api.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'qingdan 清单', version: '1.0.0' } }) as never, '/api/v1/openapi.json')),
  );
  return api;
}

export function createApp(deps: AppDeps) {
  const log = deps.log ?? ((line: string) => console.log(line));
  const onError = errorHandler(log);
  const app = new OpenAPIHono<AppEnv>({ defaultHook });
  useMiddleware(app, deps, log);
  app.get('/health', (c) => c.json({ ok: true }));
  const api = apiApp(deps);
  api.onError(onError);
  app.onError(onError);
  app.route('/api/v1', api);
  mountAddin(app);
  mountDashboard(app);
  mountConsole(app);
  app.notFound((c) => problem(c, 404, 'NOT_FOUND', `找不到：${c.req.method} ${c.req.path}`));
  return app;
}
