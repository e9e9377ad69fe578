#!/usr/bin/env node
/**
 * azd's postdown hook (azure.yaml): after `azd down`, the Key Vault kv-… is only soft-deleted
 * unless it was purged, and its name stays taken for the retention period (90 days). This sets
 * KEY_VAULT_NAME_SEED in the azd environment to a new random value, so the next `azd up` names
 * a new vault (infra/main.bicep, keyVaultNameSeed) instead of failing on the deleted one. The
 * secrets come from the azd environment on every provision, so the new vault gets them too.
 * Plain JavaScript, so it runs on every azd platform without a build.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import process from 'node:process';

const seed = randomBytes(6).toString('hex');
const run = spawnSync('azd', ['env', 'set', 'KEY_VAULT_NAME_SEED', seed], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (run.status === 0) {
  process.stdout.write(
    'KEY_VAULT_NAME_SEED renewed: the next azd up creates a new Key Vault (the old one stays soft-deleted until purged).\n',
  );
}
process.exit(run.status ?? 1);
