import { useI18n } from '../../lib/i18n';
import { type RealtimeStatus, useRealtimeStatus } from '../../lib/realtime';

const VIEW = {
  connecting: { label: 'realtime.connecting', tone: 'pending' },
  connected: { label: 'realtime.connected', tone: 'ok' },
  reconnecting: { label: 'realtime.reconnecting', tone: 'pending' },
  offline: { label: 'realtime.offline', tone: 'down' },
  paused: { label: 'realtime.paused', tone: 'pending' },
} as const satisfies Record<Exclude<RealtimeStatus, 'idle'>, unknown>;

/**
 * The realtime connection's state in the header: text plus color (never color alone), announced politely.
 * Signed-out visitors have no connection, so nothing shows for them, except "offline" when the browser has
 * no network at all. The live region is always rendered (empty when idle) so screen readers pick up changes.
 */
export function ConnectionStatus() {
  const { t } = useI18n();
  const status = useRealtimeStatus();
  const view = status === 'idle' ? null : VIEW[status];
  return (
    <div className="connection-status" role="status" aria-live="polite" aria-atomic="true">
      {view ? (
        <span
          className={`connection-status__pill connection-status__pill--${view.tone}`}
          data-status={status}
        >
          <span className="connection-status__dot" aria-hidden="true" />
          <span className="visually-hidden">{t('realtime.label')}: </span>
          {t(view.label)}
        </span>
      ) : null}
    </div>
  );
}
