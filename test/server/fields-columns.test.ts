// model/fields.ts names each input field's column of the progress table: it must be the column the
// schema declares (the push path's SQL is to be built from that list).
import { describe, expect, it } from 'vitest';
import { INPUT_FIELDS } from '../../model/fields';
import { progress } from '../../server/db/schema';

describe('the input fields and the progress table', () => {
  it('each field names its own column, with a type of its kind', () => {
    for (const f of INPUT_FIELDS) {
      const col = progress[f.key];
      expect(col.name).toBe(f.column);
      expect(col.dataType).toBe(f.kind === 'number' ? 'number' : 'string');
    }
  });
});
