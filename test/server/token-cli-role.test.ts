// The token CLI checks roles against model/accounts.ts Role (the one list): an unknown role is refused,
// a known one passes on to the next check — both before the database is opened.
import { describe, expect, it } from 'vitest';
import { Role } from '../../model/accounts';
import { run } from '../../server/cli/token';

describe('qingdan token create --role', () => {
  it('refuses a role the model does not list', async () => {
    await expect(run(['create', '--role', 'boss'])).rejects.toMatchObject({ code: 'BAD_ROLE' });
    await expect(run(['create'])).rejects.toMatchObject({ code: 'BAD_ROLE' });
  });

  it('takes the model’s reporter role (then asks for its unit)', async () => {
    expect(Role.options).toContain('reporter');
    await expect(run(['create', '--role', 'reporter'])).rejects.toMatchObject({ code: 'NO_UNIT' });
  });
});
