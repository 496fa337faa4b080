// PLACEHOLDER owned by the add-in work (issue 4): serves the built task pane (/addin/), a local
// office.js (/office-js/), /manifest.xml and the dashboard. Replaced by the real module.
import type { Hono } from 'hono';

export function mountAddin(_app: Hono<any>): void {}
