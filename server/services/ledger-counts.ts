// The 问题台账 counts printed in the 通报 (issue 11). The ledger itself is another issue's work (the
// `month` helper); until it is merged there is no ledger and every count is zero. Wire the real counts
// here at merge: this is the only place the 通报 and the close snapshot ask for them.
import type { LedgerCounts } from '../../model/snapshot';
import type { Db } from '../db/connect';

export const NO_LEDGER: LedgerCounts = { total: 0, resolved: 0, open: 0, overdue: 0 };

export async function ledgerCountsForBulletin(_db: Db, _planId: string, _period: string): Promise<LedgerCounts> {
  return { ...NO_LEDGER };
}
