/**
 * policies/README.md agrees with the code: its upload order is the order the kit renders (and
 * `npm run policy` prints), and it says where the policy schema is read from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../support/policyKit';

const README = readFileSync(join(__dirname, '..', '..', 'policies', 'README.md'), 'utf8');

describe('policies/README.md', () => {
  it('lists the rendered files in the order the kit renders them', () => {
    const step = /Upload, in the order `npm run policy` prints:([\s\S]*?)\(each after/.exec(README);
    const named = [...(step?.[1] ?? '').matchAll(/`(\w+\.xml)`/g)].map((m) => m[1]);
    const rendered = render({ baseUrl: 'https://contoso.azurewebsites.net', auth: 'none' });
    expect(named).toEqual([
      'TrustFrameworkBase.xml',
      'TrustFrameworkLocalization.xml',
      ...rendered.map((f) => f.name),
    ]);
  });

  it('says the schema is read from B2C_POLICY_XSD or policies/schema/', () => {
    expect(README).toContain('`B2C_POLICY_XSD`');
    expect(README).toContain('`policies/schema/`');
  });
});
