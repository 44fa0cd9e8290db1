import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

/**
 * Closes a WebSocket from the server side (`DELETE {endpoint}/@connections/{id}`): API Gateway drops the socket and
 * runs `$disconnect`, which deletes the connection's rows. 'gone' when it was already closed (410).
 */
export interface ConnectionCloser {
  close(connectionId: string): Promise<'closed' | 'gone'>;
}

export function sdkConnectionCloser(client: Pick<ApiGatewayManagementApiClient, 'send'>): ConnectionCloser {
  return {
    async close(connectionId) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
        return 'closed';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if ((error as Error).name === 'GoneException' || status === 410) return 'gone';
        throw error;
      }
    },
  };
}
