export * from './domain';
export * from './errors';
export * from './openapi';
export * from './queue';
export * from './routes';
export * from './ws';
