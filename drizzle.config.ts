// drizzle-kit: `npm run db:generate` writes the ONE migrations folder (./drizzle) from server/db/schema.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './drizzle',
});
