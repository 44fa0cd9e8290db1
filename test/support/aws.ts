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
