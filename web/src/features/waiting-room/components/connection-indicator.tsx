import { useI18n } from '../../../lib/i18n';
import type { RealtimeStatus } from '../../../lib/realtime';

const VIEW = {
  idle: { label: 'queue.connectionIdle', tone: 'pending' },
  connecting: { label: 'realtime.connecting', tone: 'pending' },
  connected: { label: 'realtime.connected', tone: 'ok' },
  reconnecting: { label: 'realtime.reconnecting', tone: 'pending' },
  offline: { label: 'realtime.offline', tone: 'down' },
  paused: { label: 'realtime.paused', tone: 'pending' },
} as const satisfies Record<RealtimeStatus, unknown>;

/**
 * The realtime connection's state inside the waiting room, the same pill as the header's (which the modal
 * hides): text plus color, never color alone. While the socket is down the room polls; it says so.
 */
export function ConnectionIndicator({ status }: { status: RealtimeStatus }) {
  const { t } = useI18n();
  const view = VIEW[status];
  return (
    <p className="waiting-room__connection">
      <span className={`connection-status__pill connection-status__pill--${view.tone}`} data-status={status}>
        <span className="connection-status__dot" aria-hidden="true" />
        <span className="visually-hidden">{t('realtime.label')}: </span>
        {t(view.label)}
      </span>
      {status === 'connected' ? null : <span className="muted small">{t('queue.polling')}</span>}
    </p>
  );
}
