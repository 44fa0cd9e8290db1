import { describe, expect, it } from 'vitest';
import { FANOUT_FUNCTION, functionNameOf, SWEEP_FUNCTION } from './lambda-api';

describe('Lambda Invoke API', () => {
  it('accepts a function by name, name:qualifier, full or partial ARN (as the SDK may send it)', () => {
    expect(functionNameOf('tiketi-local-fanout')).toBe('tiketi-local-fanout');
    expect(functionNameOf('tiketi-local-fanout:%24LATEST')).toBe('tiketi-local-fanout');
    expect(
      functionNameOf('arn%3Aaws%3Alambda%3Aap-northeast-2%3A000000000000%3Afunction%3Atiketi-local-sweep'),
    ).toBe('tiketi-local-sweep');
    expect(
      functionNameOf('arn:aws:lambda:ap-northeast-2:000000000000:function:tiketi-local-sweep:prod'),
    ).toBe('tiketi-local-sweep');
    expect(functionNameOf('000000000000:function:tiketi-local-fanout')).toBe('tiketi-local-fanout');
  });

  it('names the realtime workers the way the handler environment does', () => {
    expect(FANOUT_FUNCTION).toMatchObject({
      name: 'tiketi-local-fanout',
      module: 'functions/realtime/fanout.ts',
    });
    expect(SWEEP_FUNCTION).toMatchObject({
      name: 'tiketi-local-sweep',
      module: 'functions/realtime/sweep.ts',
    });
  });
});
