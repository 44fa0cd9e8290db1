import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { pool } from './stats';

/**
 * The seeds' design as the baseline: one Socket.IO server, clients in a room per event, `io.to(room).emit`.
 * Same machine, same client count, same messages as the TIKETI run.
 */

export interface FanoutTarget {
  /** Opens the clients; returns once every client is subscribed. */
  connect(onMessage: (client: number, payload: { seq: number }) => void): Promise<void>;
  /** Sends one message to every subscribed client. */
  publish(payload: { seq: number; sentAt: number; seats: unknown[] }): Promise<void>;
  close(): Promise<void>;
}

export function socketIoTarget(clients: number, connectConcurrency: number): FanoutTarget {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'], serveClient: false });
  const sockets: Socket[] = [];
  const room = 'event:bench';
  server.on('connection', (socket) => {
    socket.on('join-event', (_data, ack?: () => void) => {
      void socket.join(room);
      ack?.();
    });
  });

  return {
    async connect(onMessage) {
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const { port } = http.address() as AddressInfo;
      await pool([...Array(clients).keys()], connectConcurrency, async (i) => {
        const socket = connect(`http://127.0.0.1:${port}`, {
          transports: ['websocket'],
          reconnection: false,
        });
        sockets.push(socket);
        socket.on('seat-locked', (payload: { seq: number }) => onMessage(i, payload));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect_error', reject);
          socket.once('connect', () => socket.emit('join-event', { eventId: 'bench' }, () => resolve()));
        });
      });
    },
    async publish(payload) {
      server.to(room).emit('seat-locked', payload);
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await server.close();
    },
  };
}
