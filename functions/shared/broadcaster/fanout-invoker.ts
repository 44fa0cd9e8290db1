import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FanoutInvoker } from './broadcaster';

/**
 * Fan-out workers are started with asynchronous invocations (`InvocationType: Event`): the publisher does not
 * wait for their posts, Lambda queues the event (retrying throttled starts for hours) and runs shards in
 * parallel up to the worker's reserved concurrency. Locally AWS_ENDPOINT_URL_LAMBDA points the same client at
 * the local stack's Invoke endpoint.
 */
export function lambdaFanoutInvoker(lambda: Pick<LambdaClient, 'send'>, functionName: string): FanoutInvoker {
  return {
    async invoke(shard) {
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(shard)),
        }),
      );
      if (out.StatusCode !== 202) throw new Error(`Invoke of ${functionName} answered ${out.StatusCode}`);
    },
  };
}
