// Per-case timeouts for tests that start child processes (tsx + PGlite, a second server, the CLI).
// Each child spends seconds just starting; on a loaded 2-core machine (issue 8: `npm test` once timed
// out at 60 s in test/workbook/cli.test.ts) several in one case need minutes, not the default 60 s.
// A child that hangs is still caught: the children themselves carry CHILD_MS.
export const CHILD_PROCESS_CASE_MS = 300_000;
export const CHILD_MS = 120_000;
