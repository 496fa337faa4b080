// The 问题台账 counts printed in the 通报 and kept in a closed month's snapshot: the ledger's own counts
// (server/services/ledger.ts), so the 通报, the dashboard and the ledger screen never disagree.
import type { LedgerCounts } from '../../model/ledger';
import type { PeriodId } from '../../model/progress';
import type { Db } from '../db/connect';
import { ledgerCountsFor } from './ledger';

export function ledgerCountsForBulletin(db: Db, planId: string, period: string): Promise<LedgerCounts> {
  return ledgerCountsFor(db, planId, period as PeriodId);
}
