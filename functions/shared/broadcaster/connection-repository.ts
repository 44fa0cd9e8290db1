import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { topics } from '../../../shared/ws';

/**
 * Connections table (single-table design; dynalite-compatible: no transactions, no TTL API needed):
 *   connection   pk=CONN#<id>  sk=META           gsi2pk=USER#<userId>  gsi2sk=CONN#<id>
 *   subscription pk=CONN#<id>  sk=TOPIC#<topic>  gsi1pk=TOPIC#<topic>  gsi1sk=CONN#<id>
 * Query pk → everything of a connection (cleanup); GSI1 → subscribers of a topic (broadcast, never a Scan);
 * GSI2 → a user's connections. Every row carries `expiresAt` (epoch seconds) for DynamoDB TTL and the sweep.
 *
 * It lives beside the broadcaster because every publishing function reads it (GSI1) and cleans it up on 410;
 * the realtime function writes it.
 */

export const connectionKey = (connectionId: string) => `CONN#${connectionId}`;
export const topicKey = (topic: string) => `TOPIC#${topic}`;
const META = 'META';

type Key = { pk: string; sk: string };
export interface UserConnection {
  connectionId: string;
  connectedAt: number;
  sessionId?: string;
}
export type PageCursor = Record<string, unknown>;

export interface ConnectionRepository {
  /**
   * The connection row plus its `user:{id}` subscription (every connection gets per-user messages). `sessionId` is
   * the `$connect` token's `sid`, so logout can close that session's sockets.
   */
  add(input: {
    connectionId: string;
    userId: string;
    connectedAt: number;
    sourceIp?: string;
    sessionId?: string;
  }): Promise<void>;
  /** Deletes the connection row and every subscription row of it; returns how many rows went. */
  remove(connectionId: string): Promise<number>;
  get(connectionId: string): Promise<{ userId: string; connectedAt: number } | null>;
  /** A user's live connections (GSI2), oldest first: the per-user cap and logout read it. */
  ofUser(userId: string): Promise<UserConnection[]>;
  /** Idempotent (a Put): subscribing again refreshes the row's expiry. */
  subscribe(connectionId: string, userId: string, topic: string): Promise<void>;
  unsubscribe(connectionId: string, topic: string): Promise<void>;
  topicsOf(connectionId: string): Promise<string[]>;
  /**
   * Heartbeat: pushes the connection row's expiry out (one conditional UpdateItem) and refreshes subscription
   * rows past half their lifetime. False when the connection row no longer exists (swept while alive).
   */
  touch(connectionId: string): Promise<boolean>;
  /** One page of a topic's live subscribers from GSI1. */
  subscribersPage(
    topic: string,
    cursor?: PageCursor,
  ): Promise<{ connectionIds: string[]; cursor?: PageCursor }>;
  /**
   * Deletes rows whose `expiresAt` has passed: an expired connection row takes all of its rows with it.
   * A Scan, which is fine for a periodic maintenance job (it never runs on a request path).
   */
  removeExpired(): Promise<{ scanned: number; connections: number; rows: number }>;
}

/** Oldest first; the id breaks ties so every instance orders the same connections the same way. */
export const byAge = (
  a: { connectionId: string; connectedAt: number },
  b: { connectionId: string; connectedAt: number },
) =>
  a.connectedAt - b.connectedAt ||
  (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0);

export function dynamoConnectionRepository(
  doc: DynamoDBDocumentClient,
  opts: { table: string; ttlSeconds: number; now?: () => number },
): ConnectionRepository {
  const now = opts.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const expiresAt = () => nowSeconds() + opts.ttlSeconds;
  const TableName = opts.table;

  const subscriptionItem = (connectionId: string, userId: string, topic: string) => ({
    pk: connectionKey(connectionId),
    sk: topicKey(topic),
    gsi1pk: topicKey(topic),
    gsi1sk: connectionKey(connectionId),
    connectionId,
    userId,
    topic,
    expiresAt: expiresAt(),
  });

  /** BatchWrite deletes in 25s; unprocessed items (throttling) are retried with a short backoff. */
  async function deleteKeys(keys: Key[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length && attempt < 5; attempt++) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
        requests = (out.UnprocessedItems?.[TableName] ?? []) as typeof requests;
        if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async function rowsOf(connectionId: string, topicsOnly = false) {
    const items: Record<string, unknown>[] = [];
    let startKey: PageCursor | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: topicsOnly ? 'pk = :pk AND begins_with(sk, :t)' : 'pk = :pk',
          ExpressionAttributeValues: topicsOnly
            ? { ':pk': connectionKey(connectionId), ':t': 'TOPIC#' }
            : { ':pk': connectionKey(connectionId) },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  const repo: ConnectionRepository = {
    async add({ connectionId, userId, connectedAt, sourceIp, sessionId }) {
      const meta = {
        pk: connectionKey(connectionId),
        sk: META,
        gsi2pk: `USER#${userId}`,
        gsi2sk: connectionKey(connectionId),
        connectionId,
        userId,
        connectedAt,
        sourceIp,
        sessionId,
        expiresAt: expiresAt(),
      };
      await Promise.all([
        doc.send(new PutCommand({ TableName, Item: meta })),
        doc.send(
          new PutCommand({ TableName, Item: subscriptionItem(connectionId, userId, topics.user(userId)) }),
        ),
      ]);
    },

    async remove(connectionId) {
      const keys = (await rowsOf(connectionId)).map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
      await deleteKeys(keys);
      return keys.length;
    },

    async get(connectionId) {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': connectionKey(connectionId), ':sk': META },
        }),
      );
      const item = out.Items?.[0];
      return item ? { userId: item.userId as string, connectedAt: item.connectedAt as number } : null;
    },

    async ofUser(userId) {
      const found: UserConnection[] = [];
      let startKey: PageCursor | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'gsi2pk = :u',
            FilterExpression: 'expiresAt > :now',
            ExpressionAttributeValues: { ':u': `USER#${userId}`, ':now': nowSeconds() },
            ProjectionExpression: 'connectionId, connectedAt, sessionId',
            ExclusiveStartKey: startKey,
          }),
        );
        for (const i of page.Items ?? []) {
          found.push({
            connectionId: String(i.connectionId),
            connectedAt: Number(i.connectedAt),
            ...(typeof i.sessionId === 'string' ? { sessionId: i.sessionId } : {}),
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return found.sort(byAge);
    },

    async subscribe(connectionId, userId, topic) {
      await doc.send(new PutCommand({ TableName, Item: subscriptionItem(connectionId, userId, topic) }));
    },

    async unsubscribe(connectionId, topic) {
      await deleteKeys([{ pk: connectionKey(connectionId), sk: topicKey(topic) }]);
    },

    async topicsOf(connectionId) {
      return (await rowsOf(connectionId, true)).map((i) => String(i.topic));
    },

    async touch(connectionId) {
      const next = expiresAt();
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: connectionKey(connectionId), sk: META },
            UpdateExpression: 'SET expiresAt = :e',
            // Never resurrect a row that $disconnect or the sweep already deleted.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':e': next },
          }),
        );
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
      // Subscriptions only need a write when they are past half their life, so most pings cost one read.
      const stale = (await rowsOf(connectionId, true)).filter(
        (i) => Number(i.expiresAt) < nowSeconds() + opts.ttlSeconds / 2,
      );
      await Promise.all(
        stale.map((i) =>
          doc
            .send(
              new UpdateCommand({
                TableName,
                Key: { pk: i.pk, sk: i.sk },
                UpdateExpression: 'SET expiresAt = :e',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':e': next },
              }),
            )
            .catch((error: Error) => {
              if (error.name !== 'ConditionalCheckFailedException') throw error;
            }),
        ),
      );
      return true;
    },

    async subscribersPage(topic, cursor) {
      const page = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'gsi1pk = :t',
          // DynamoDB TTL deletes lazily (and dynalite never): expired rows are not subscribers any more.
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':t': topicKey(topic), ':now': nowSeconds() },
          ProjectionExpression: 'connectionId',
          ExclusiveStartKey: cursor,
        }),
      );
      return {
        connectionIds: (page.Items ?? []).map((i) => String(i.connectionId)),
        cursor: page.LastEvaluatedKey,
      };
    },

    async removeExpired() {
      let scanned = 0;
      const expiredConnections = new Set<string>();
      const expiredRows: Key[] = [];
      let startKey: PageCursor | undefined;
      const cutoff = nowSeconds();
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName,
            FilterExpression: 'expiresAt <= :now',
            ExpressionAttributeValues: { ':now': cutoff },
            ProjectionExpression: 'pk, sk',
            ExclusiveStartKey: startKey,
          }),
        );
        scanned += page.ScannedCount ?? 0;
        for (const item of page.Items ?? []) {
          const key = { pk: String(item.pk), sk: String(item.sk) };
          if (key.sk === META) expiredConnections.add(key.pk.slice('CONN#'.length));
          else expiredRows.push(key);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      let rows = 0;
      for (const id of expiredConnections) rows += await repo.remove(id);
      const leftover = expiredRows.filter((k) => !expiredConnections.has(k.pk.slice('CONN#'.length)));
      await deleteKeys(leftover);
      rows += leftover.length;
      return { scanned, connections: expiredConnections.size, rows };
    },
  };
  return repo;
}
