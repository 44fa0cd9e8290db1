import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';

/**
 * Connections table (single-table design; dynalite-compatible: no transactions, no TTL API needed):
 *   connection  pk=CONN#<id>  sk=META           gsi2pk=USER#<userId>  gsi2sk=CONN#<id>
 *   subscription pk=CONN#<id> sk=TOPIC#<topic>  gsi1pk=TOPIC#<topic>  gsi1sk=CONN#<id>   (realtime issue)
 * Query pk → everything of a connection (cleanup); GSI1 → subscribers of a topic; GSI2 → a user's
 * connections. Every row carries `expiresAt` (epoch seconds) for DynamoDB TTL and the local sweep.
 */

export const connectionKey = (connectionId: string) => `CONN#${connectionId}`;

export interface ConnectionRepository {
  add(input: { connectionId: string; userId: string; connectedAt: number; sourceIp?: string }): Promise<void>;
  /** Deletes the connection row and every subscription row of it. */
  remove(connectionId: string): Promise<number>;
  get(connectionId: string): Promise<{ userId: string; connectedAt: number } | null>;
}

export function dynamoConnectionRepository(
  doc: DynamoDBDocumentClient,
  opts: { table: string; ttlSeconds: number; now?: () => number },
): ConnectionRepository {
  const now = opts.now ?? Date.now;
  return {
    async add({ connectionId, userId, connectedAt, sourceIp }) {
      await doc.send(
        new PutCommand({
          TableName: opts.table,
          Item: {
            pk: connectionKey(connectionId),
            sk: 'META',
            gsi2pk: `USER#${userId}`,
            gsi2sk: connectionKey(connectionId),
            connectionId,
            userId,
            connectedAt,
            sourceIp,
            expiresAt: Math.floor(now() / 1000) + opts.ttlSeconds,
          },
        }),
      );
    },
    async remove(connectionId) {
      let removed = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: opts.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': connectionKey(connectionId) },
            ProjectionExpression: 'pk, sk',
            ExclusiveStartKey: startKey,
          }),
        );
        const keys = (page.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk }));
        for (let i = 0; i < keys.length; i += 25) {
          let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
          // BatchWrite may hand back unprocessed items under throttling: retry them, briefly backing off.
          for (let attempt = 0; requests.length && attempt < 5; attempt++) {
            const out = await doc.send(new BatchWriteCommand({ RequestItems: { [opts.table]: requests } }));
            requests = (out.UnprocessedItems?.[opts.table] ?? []) as typeof requests;
            if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          }
        }
        removed += keys.length;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return removed;
    },
    async get(connectionId) {
      const out = await doc.send(
        new QueryCommand({
          TableName: opts.table,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': connectionKey(connectionId), ':sk': 'META' },
        }),
      );
      const item = out.Items?.[0];
      return item ? { userId: item.userId as string, connectedAt: item.connectedAt as number } : null;
    },
  };
}
