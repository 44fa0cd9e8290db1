import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK, portBusyError, type ServiceName } from './ports';

/** Listens on loopback; EADDRINUSE becomes the friendly "port busy" error. Returns the bound port. */
export function listen(server: Server, port: number, service: ServiceName): Promise<number> {
  // Longer than a client's idle keep-alive socket lives, as on AWS endpoints: a server closing idle sockets at
  // Node's default 5 s races the broadcaster's pool picking them, which fails posts ("socket hang up").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? portBusyError(service, port) : error);
    };
    server.once('error', onError);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, then drops idle and (after `graceMs`) active keep-alive connections so close() settles. */
export function closeServer(server: Server, graceMs = 2000): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
