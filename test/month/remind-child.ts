// One reminder tick in its own process (the two-process test in reminders.test.ts): DATABASE_URL, NOW.
import { openDatabase } from '../../server/db/connect';
import { runReminders } from '../../server/services/reminders';

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL! });
const out = await runReminders(database.db, { now: new Date(process.env.NOW!), instance: `child${process.pid}`, backoffMs: [10, 10], log: () => {} });
console.log(JSON.stringify(out.map((o) => o.status)));
await database.close();
