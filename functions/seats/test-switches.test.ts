import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../shared/config';

/** The race test's seat-guard bypass can only ever be on in the local stack. */
describe('test switches in configuration', () => {
  const base = { HOLD_EXPIRY_STATE_MACHINE_ARN: 'arn:aws:states:x:1:stateMachine:m' };

  it('are refused outside the local stage', () => {
    for (const STAGE of ['dev', 'prod']) {
      expect(() => loadConfig(['holdExpiry'], { ...base, STAGE, TIKETI_TEST_SWITCHES: '1' })).toThrow(
        ConfigError,
      );
    }
    expect(() => loadConfig(['holdExpiry'], { ...base, STAGE: 'prod', TIKETI_TEST_SWITCHES: 'yes' })).toThrow(
      /TIKETI_TEST_SWITCHES/,
    );
  });

  it('are accepted locally, off by default, and the payment window defaults to 10 minutes', () => {
    expect(loadConfig(['holdExpiry'], { ...base, TIKETI_TEST_SWITCHES: '1' }).TIKETI_TEST_SWITCHES).toBe('1');
    const prod = loadConfig(['holdExpiry'], { ...base, STAGE: 'prod' });
    expect(prod.TIKETI_TEST_SWITCHES).toBeUndefined();
    expect(prod.RESERVATION_PAYMENT_SECONDS).toBe(600);
    expect(
      loadConfig(['holdExpiry'], { ...base, RESERVATION_PAYMENT_SECONDS: '90' }).RESERVATION_PAYMENT_SECONDS,
    ).toBe(90);
  });
});
