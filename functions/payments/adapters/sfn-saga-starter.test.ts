import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sfnSagaStarter } from './sfn-saga-starter';

/** The saga's execution, addressed by the payment id. No network. */

const MACHINE = 'arn:aws:states:ap-northeast-2:123456789012:stateMachine:tiketi-dev-payment-saga';
const PAYMENT = '0b9b7c1e-1111-4222-8333-444455556666';
const EXECUTION = `arn:aws:states:ap-northeast-2:123456789012:execution:tiketi-dev-payment-saga:${PAYMENT}`;
const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());

const awsError = (name: string) => Object.assign(new Error(name), { name });
const starter = () => sfnSagaStarter(new SFNClient({ region: 'ap-northeast-2' }), MACHINE);

describe('sfnSagaStarter', () => {
  it('describes the execution named after the payment: running, closed, or missing', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'FAILED' })
      .rejectsOnce(awsError('ExecutionDoesNotExist'));
    const saga = starter();
    // Act + Assess
    expect(await saga.describe(PAYMENT)).toBe('running');
    expect(await saga.describe(PAYMENT)).toBe('closed');
    expect(await saga.describe(PAYMENT)).toBe('missing');
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: EXECUTION,
    });
  });

  it('lets other describe errors through, and counts an existing execution as started', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(awsError('ThrottlingException'));
    sfnMock.on(StartExecutionCommand).rejects(awsError('ExecutionAlreadyExists'));
    const saga = starter();
    await expect(saga.describe(PAYMENT)).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(saga.start({ paymentId: PAYMENT, testFault: null })).resolves.toEqual({
      executionArn: EXECUTION,
    });
  });
});
