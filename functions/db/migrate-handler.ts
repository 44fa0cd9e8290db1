import { MANIFEST } from '../manifest';
import { databaseClientConfig, readSecretJson } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { migrate } from './migrate';
import { DB_ROLES, type DbRole } from './roles';

/**
 * CloudFormation custom resource (Provider framework) that runs migrations on every deploy whose
 * migration hash changed (or whose role secrets changed), as the master user, then (re)creates the function
 * roles with the passwords in their secrets and re-applies their grants. Delete does nothing: dropping
 * production data is never automatic.
 */
export async function handler(event: {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
}) {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId ?? 'migrations' };
  const config = loadConfig(MANIFEST.migrate.parts);
  const databaseUrl = await databaseClientConfig(config);
  const passwords: Partial<Record<DbRole, string>> = {};
  for (const role of DB_ROLES) {
    const arn = config.DB_ROLE_SECRET_ARNS[role];
    // A role without a secret would be unreachable through the proxy: fail the deploy instead.
    if (!arn) throw new Error(`DB_ROLE_SECRET_ARNS has no secret for the ${role} role`);
    passwords[role] = (await readSecretJson<{ password: string }>(arn)).password;
  }
  const applied = await migrate({ databaseUrl, log: (m) => console.log(m), roles: { passwords } });
  return { PhysicalResourceId: 'migrations', Data: { applied: applied.join(',') } };
}
