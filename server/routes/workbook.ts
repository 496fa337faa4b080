// PLACEHOLDER owned by the workbook work (issue 5): export and upload of the 重点任务清单 workbook.
import { Hono } from 'hono';

export function workbookRoutes(_deps: unknown): Hono<any> {
  return new Hono();
}
