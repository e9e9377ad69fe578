/**
 * The sample import file the docs point at (docs/examples/members.csv) is read by the import as
 * it stands: every row a member, none rejected.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOf, readMemberFile } from '../../scripts/loyalty/memberFile';

describe('docs/examples/members.csv', () => {
  it('imports every row, the suspended member and the quoted email included', async () => {
    const file = join(__dirname, '..', '..', 'docs', 'examples', 'members.csv');
    const read = await readMemberFile(file, formatOf(file, undefined));
    expect(read.rejected).toEqual([]);
    expect(read.rows.map((r) => r.member.email)).toEqual([
      'david@contoso.com',
      'emily@outlook.com',
      'sam@fabrikam.com',
      "o'brien+news@contoso.com",
    ]);
    expect(read.rows.find((r) => r.member.email === 'sam@fabrikam.com')?.member.status).toBe(
      'suspended',
    );
  });
});
