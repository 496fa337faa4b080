// `npx qingdan restore FILE`: see server/cli/backup.ts.
export { restore as run } from './backup';
