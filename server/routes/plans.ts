// /plans, by concern: the plan itself (plan-crud), importing and correcting it (plan-import), its months
// and rows (plan-periods) and its settings (plan-settings).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../auth/middleware';
import type { Db } from '../db/connect';
import type { Importer } from '../services/import';
import type { PreviewStore } from '../services/previews';
import { planCrudRoutes } from './plan-crud';
import { planImportRoutes } from './plan-import';
import { periodRoutes } from './plan-periods';
import { planSettingsRoutes } from './plan-settings';

export interface PlanRouteDeps {
  db: Db;
  previews: PreviewStore;
  importer: () => Promise<Importer>;
}

export function planRoutes(deps: PlanRouteDeps, app: OpenAPIHono<AppEnv>): void {
  planCrudRoutes(deps.db, app);
  planImportRoutes(deps, app);
  periodRoutes(deps.db, app);
  planSettingsRoutes(deps.db, app);
}
