import { describe, expect, it } from 'vitest';
import { STAGE_NAMES, stageConfig } from '../../infra/lib/config';
import { buildTestApp } from './support';

describe('stage config', () => {
  it('defaults to dev and resolves every stage', () => {
    expect(stageConfig().stage).toBe('dev');
    for (const stage of STAGE_NAMES) expect(stageConfig(stage).stage).toBe(stage);
  });

  it('rejects unknown stages instead of deploying a guess', () => {
    expect(() => stageConfig('production')).toThrow(/Unknown stage "production"/);
    expect(() => stageConfig(undefined as unknown as string)).not.toThrow();
  });

  it('keeps prod data safe and highly available', () => {
    const prod = stageConfig('prod');
    expect(prod.retainData).toBe(true);
    expect(prod.database).toMatchObject({ multiAz: true, deletionProtection: true });
    expect(prod.redis.nodes).toBeGreaterThan(1);
    expect(prod.network.natGateways).toBeGreaterThan(1);
    expect(stageConfig('dev').network.natGateways).toBe(1);
  });
});

describe('origin secret generation', () => {
  it('is 1 unless -c originSecretGeneration raises it, and must be a whole number from 1', () => {
    expect(stageConfig('prod').web.originSecretGeneration).toBe(1);
    expect(stageConfig('prod', { originSecretGeneration: '3' }).web.originSecretGeneration).toBe(3);
    for (const bad of ['0', '1.5', 'two', -1]) {
      expect(() => stageConfig('dev', { originSecretGeneration: bad }), String(bad)).toThrow(
        /originSecretGeneration/,
      );
    }
  });
});

describe('payment provider', () => {
  it('takes sandbox payments in dev and real ones (Toss) in prod, whose client key comes from context', () => {
    expect(stageConfig('dev').payments.provider).toBe('sandbox');
    expect(stageConfig('prod').payments).toMatchObject({ provider: 'toss' });
    expect(stageConfig('prod').payments.tossClientKey).toBeUndefined();
    expect(stageConfig('prod', { tossClientKey: 'live_ck_x' }).payments.tossClientKey).toBe('live_ck_x');
  });

  it('refuses to synthesize a Toss stage without its client key', () => {
    expect(() => buildTestApp({ stage: 'prod', tossClientKey: '' })).toThrow(/-c tossClientKey/);
  });
});
