import { databaseClientConfig } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { migrate } from './migrate';

/**
 * CloudFormation custom resource (Provider framework) that runs migrations on every deploy whose
 * migration hash changed. Delete does nothing: dropping production data is never automatic.
 */
export async function handler(event: {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
}) {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId ?? 'migrations' };
  const databaseUrl = await databaseClientConfig(loadConfig(['database']));
  const applied = await migrate({ databaseUrl, log: (m) => console.log(m) });
  return { PhysicalResourceId: 'migrations', Data: { applied: applied.join(',') } };
}
