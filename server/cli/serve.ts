// `npx qingdan serve`: the same as `npm start` (without building the add-in).
import { runForever } from '../main';

export async function run(_args: string[]): Promise<number> {
  return runForever();
}
