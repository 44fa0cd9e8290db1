import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The seeds' design as the baseline: one Socket.IO server, clients in a room per event, `io.to(room).emit`.
 * Its clients live in the same client processes as TIKETI's and receive the same messages.
 */
export async function startSocketIoServer() {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'], serveClient: false });
  const room = 'event:bench';
  server.on('connection', (socket) => {
    socket.on('join-event', (_data: unknown, ack?: () => void) => {
      void socket.join(room);
      ack?.();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    publish: async (seq: number) => {
      server.to(room).emit('seat-locked', { seq });
    },
    close: () => server.close(),
  };
}
