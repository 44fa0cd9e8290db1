/**
 * Key schema of the WebSocket connections table, shared by the CDK data stack and the local stack (dynalite)
 * so both create the same table.
 *
 * Rows (single-table design):
 * - connection meta:  pk=`CONN#<connectionId>`  sk=`META`
 *                     gsi2pk=`USER#<userId>`     gsi2sk=`CONN#<connectionId>`   (user index: fan-out to a user)
 * - subscription:     pk=`CONN#<connectionId>`  sk=`TOPIC#<topic>`
 *                     gsi1pk=`TOPIC#<topic>`     gsi1sk=`CONN#<connectionId>`   (topic index: broadcast)
 * Every row carries `expiresAt` (epoch seconds) for DynamoDB TTL. Disconnect = Query pk + BatchWriteItem
 * deletes (no TransactWriteItems, which dynalite lacks); dynalite has no TTL either, so the local stack sweeps
 * expired rows itself.
 */
export const CONNECTIONS_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    { indexName: 'GSI1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'GSI2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;
