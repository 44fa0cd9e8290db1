import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

/**
 * Closes a WebSocket from the server side (`DELETE @connections/{id}`); API Gateway then runs `$disconnect`,
 * which removes the connection's rows. A connection already gone (410) counts as closed.
 */
export interface ConnectionCloser {
  close(connectionId: string): Promise<void>;
}

export function managementApiCloser(client: Pick<ApiGatewayManagementApiClient, 'send'>): ConnectionCloser {
  return {
    async close(connectionId) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      } catch (error) {
        if ((error as Error).name !== 'GoneException') throw error;
      }
    },
  };
}
