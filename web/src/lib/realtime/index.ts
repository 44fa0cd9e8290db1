export {
  type MessageHandler,
  RealtimeClient,
  type RealtimeClientOptions,
  type RealtimeStatus,
  type SendResult,
  type ServerMessageData,
} from './realtime-client';
export { useRealtimeClient } from './realtime-context';
export { useJoinEvent, useRealtimeMessage, useRealtimeReconnect, useRealtimeStatus } from './realtime-hooks';
export { RealtimeProvider } from './realtime-provider';
