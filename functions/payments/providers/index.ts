import { getPool, readSecretJson } from '../../shared/clients';
import { loadConfig } from '../../shared/config';
import { pgSandboxLedger } from '../adapters/pg-sandbox-ledger';
import type { PaymentProvider, ProviderName } from '../ports';
import { providerBreaker, withCircuitBreaker } from './resilience';
import { sandboxProvider } from './sandbox';
import { tossProvider } from './toss';

/**
 * One provider instance per name per cold start, each behind its own circuit breaker (the breaker's memory is
 * the point: a fresh one per call would never open). `getProvider()` is the configured provider (new payments);
 * `getProvider(payment.provider)` is the one a payment was made with, for its charge and its refunds.
 */

const cache = new Map<ProviderName, Promise<PaymentProvider>>();

export function getProvider(name?: ProviderName): Promise<PaymentProvider> {
  const config = loadConfig(['payments']);
  const chosen = name ?? config.PAYMENT_PROVIDER;
  let pending = cache.get(chosen);
  if (!pending) {
    pending = build(chosen, config);
    cache.set(chosen, pending);
    // A failed cold-start dependency (secret read) may recover on the next call.
    pending.catch(() => cache.delete(chosen));
  }
  return pending;
}

async function build(name: ProviderName, config: ReturnType<typeof loadConfig<['payments']>>) {
  const breaker = providerBreaker({
    failureThreshold: config.PROVIDER_BREAKER_FAILURES,
    cooldownMs: config.PROVIDER_BREAKER_COOLDOWN_MS,
  });
  if (name === 'sandbox') {
    const provider = sandboxProvider({
      ledger: pgSandboxLedger(await getPool()),
      timeoutMs: config.SANDBOX_TIMEOUT_MS,
      approveDelayMs: config.SANDBOX_APPROVE_DELAY_MS,
    });
    return withCircuitBreaker(provider, breaker);
  }
  const secretKey = config.TOSS_SECRET_KEY ?? (await readTossSecret(config.TOSS_SECRET_ARN));
  const provider = tossProvider({
    baseUrl: config.TOSS_API_URL,
    secretKey,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
  });
  return withCircuitBreaker(provider, breaker);
}

async function readTossSecret(arn: string | undefined): Promise<string> {
  if (!arn) throw new Error('Toss Payments needs TOSS_SECRET_ARN or TOSS_SECRET_KEY');
  const secret = await readSecretJson<{ secretKey?: unknown }>(arn);
  if (typeof secret.secretKey !== 'string' || !secret.secretKey) {
    throw new Error('The Toss Payments secret must be JSON with a non-empty "secretKey"');
  }
  return secret.secretKey;
}
