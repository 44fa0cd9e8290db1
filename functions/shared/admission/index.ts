import { getPool, getRedis, readSecretJson } from '../clients';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { once } from '../once';
import { type AdmissionGate, admissionGate } from './gate';
import { roomSettingsReader } from './settings';

export { type AdmissionGate, admissionGate } from './gate';
export { type AdmissionClaims, signAdmissionToken, verifyAdmissionToken } from './token';

/** The admission secret, once per cold start (config part `admission`). */
export const getAdmissionSecret = once(async (): Promise<string> => {
  const c = loadConfig(['admission']);
  if (c.ADMISSION_TOKEN_SECRET) return c.ADMISSION_TOKEN_SECRET;
  const secret = await readSecretJson<{ secret?: unknown }>(c.ADMISSION_TOKEN_SECRET_ARN!);
  if (typeof secret.secret !== 'string' || secret.secret.length < 32) {
    throw new Error('The admission secret must be JSON with a "secret" of 32+ characters');
  }
  return secret.secret;
});

/** The gate the seats, reservations and payments use cases call on their admission routes. */
export const getAdmissionGate = once(async (): Promise<AdmissionGate> => {
  const settings = roomSettingsReader(await getPool(), 30_000);
  return admissionGate({
    redis: getRedis,
    secret: getAdmissionSecret,
    hasRoom: async (eventId) => (await settings(eventId))?.room != null,
    logger: createLogger('admission'),
  });
});
