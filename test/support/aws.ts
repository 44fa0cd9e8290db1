import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/** SDK client options for talking to the local stack's emulators directly from a test (dummy credentials). */
export const localAws = {
  region: 'ap-northeast-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** Connection ids of a user, from the connections table (GSI2: `USER#<userId>` → `CONN#<connectionId>`). */
export async function connectionIdsOf(doc: DynamoDBDocumentClient, table: string, userId: string) {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'GSI2',
      KeyConditionExpression: 'gsi2pk = :u',
      ExpressionAttributeValues: { ':u': `USER#${userId}` },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.pk).replace(/^CONN#/, ''));
}

/**
 * Invokes a local stack function through its Lambda Invoke API (`tiketi-local-<fn>`) and returns its parsed
 * result; a function error fails the test with the error the function returned.
 */
export async function invokeLocal<T = Record<string, unknown>>(
  lambda: LambdaClient,
  fn: string,
  payload: object = {},
): Promise<T> {
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: `tiketi-local-${fn}`, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  const text = Buffer.from(out.Payload ?? []).toString('utf8');
  if (out.FunctionError) throw new Error(`tiketi-local-${fn} failed (${out.FunctionError}): ${text}`);
  return JSON.parse(text) as T;
}
