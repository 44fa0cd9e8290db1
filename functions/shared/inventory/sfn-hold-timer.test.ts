import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { executionArnOf } from '../../shared/sfn';
import { isTransient } from '../transient';
import { sfnHoldTimer, timerTimestamp } from './sfn-hold-timer';

/** StartExecution with retries on transient faults only, idempotent by execution name. No network. */

const MACHINE = 'arn:aws:states:ap-northeast-2:123456789012:stateMachine:tiketi-dev-hold-expiry';
const HOLD = '0b9b7c1e-1111-4222-8333-444455556666';
const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());

const awsError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

function timer() {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const t = sfnHoldTimer({
    sfn: async () => new SFNClient({ region: 'ap-northeast-2' }),
    stateMachineArn: MACHINE,
    logger: {
      warn: (m: string) => logs.push(`warn:${m}`),
      error: (m: string) => logs.push(`error:${m}`),
    } as never,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
  });
  return { t, sleeps, logs };
}

const at = new Date('2026-11-21T10:00:00.250Z');

describe('sfnHoldTimer', () => {
  it('starts one execution named after the hold, with the deadline rounded up to a whole second', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec:1' });
    const { t } = timer();
    expect(await t.start({ holdId: HOLD, eventId: 'e', expiresAt: at })).toBe('arn:exec:1');
    const input = sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ stateMachineArn: MACHINE, name: HOLD });
    expect(JSON.parse(input.input!)).toEqual({
      holdId: HOLD,
      eventId: 'e',
      expiresAt: '2026-11-21T10:00:01Z',
    });
  });

  it('retries throttling with backoff, up to 3 tries, then gives up with null', async () => {
    sfnMock.on(StartExecutionCommand).rejects(awsError('ThrottlingException', 400));
    const { t, sleeps, logs } = timer();
    expect(await t.start({ holdId: HOLD, eventId: 'e', expiresAt: at })).toBeNull();
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
    expect(logs.at(-1)).toMatch(/^error:/);
  });

  it('recovers from a transient failure', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejectsOnce(awsError('ServiceUnavailable', 503))
      .resolves({ executionArn: 'arn:exec:2' });
    const { t } = timer();
    expect(await t.start({ holdId: HOLD, eventId: 'e', expiresAt: at })).toBe('arn:exec:2');
  });

  it('does not retry a failed condition, and treats an existing execution as its own', async () => {
    sfnMock.on(StartExecutionCommand).rejects(awsError('StateMachineDoesNotExist', 400));
    const { t } = timer();
    expect(await t.start({ holdId: HOLD, eventId: 'e', expiresAt: at })).toBeNull();
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);

    sfnMock.reset();
    sfnMock.on(StartExecutionCommand).rejects(awsError('ExecutionAlreadyExists', 400));
    expect(await t.start({ holdId: HOLD, eventId: 'e', expiresAt: at })).toBe(executionArnOf(MACHINE, HOLD));
    expect(executionArnOf(MACHINE, HOLD)).toBe(
      `arn:aws:states:ap-northeast-2:123456789012:execution:tiketi-dev-hold-expiry:${HOLD}`,
    );
  });

  it('classifies errors', () => {
    expect(isTransient(awsError('InternalServerError', 500))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(awsError('InvalidExecutionInput', 400))).toBe(false);
    expect(timerTimestamp(new Date('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01T00:00:00Z');
  });
});
