import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionArnOf } from '../../shared/sfn';
import type { SagaStarter } from '../ports';

/**
 * Starts the payment saga with the payment id as the execution name: Step Functions refuses a second execution
 * of that name (Standard workflows keep names unique for 90 days), so however many confirms race past the
 * database guard, one saga runs per payment.
 */
export function sfnSagaStarter(sfn: SFNClient, stateMachineArn: string): SagaStarter {
  return {
    async start(input) {
      try {
        const out = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: input.paymentId, input: JSON.stringify(input) }),
        );
        return { executionArn: out.executionArn ?? executionArnOf(stateMachineArn, input.paymentId) };
      } catch (error) {
        if (
          error instanceof ExecutionAlreadyExists ||
          (error as { name?: string }).name === 'ExecutionAlreadyExists'
        ) {
          return { executionArn: executionArnOf(stateMachineArn, input.paymentId) };
        }
        throw error;
      }
    },

    async describe(paymentId) {
      try {
        const out = await sfn.send(
          new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, paymentId) }),
        );
        return out.status === 'RUNNING' ? 'running' : 'closed';
      } catch (error) {
        if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return 'missing';
        throw error;
      }
    },
  };
}
