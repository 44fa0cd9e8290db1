import { useEffect, useId, useRef, useState } from 'react';
import { formatDateTimeLong, formatNumber } from '../../../lib/format';
import { type Translate, useI18n } from '../../../lib/i18n';
import type { RealtimeStatus } from '../../../lib/realtime';
import { progressPercent, waitParts } from '../utils/queue-math';
import type { WaitingRoomState } from '../utils/waiting-room-controller';
import { ConnectionIndicator } from './connection-indicator';
import './waiting-room.css';

interface WaitingRoomModalProps {
  /** The event's title, shown above the room's own. */
  eventTitle?: string;
  state: WaitingRoomState;
  realtimeStatus: RealtimeStatus;
  onLeave: () => void;
}

/** `약 3분 20초` / `About 3 min 20 s`; "calculating" while unknown. */
export function formatWait(t: Translate, seconds: number | null): string {
  if (seconds === null) return t('queue.eta.unknown');
  const parts = waitParts(seconds);
  switch (parts.kind) {
    case 'soon':
      return t('queue.eta.soon');
    case 'seconds':
      return t('queue.eta.seconds', { seconds: parts.seconds });
    case 'minutes':
      return t('queue.eta.minutes', { minutes: parts.minutes, seconds: parts.seconds });
    case 'hours':
      return t('queue.eta.hours', { hours: parts.hours, minutes: parts.minutes });
  }
}

/**
 * The full-screen waiting room: a native modal `<dialog>` (the page behind is inert, focus stays inside;
 * Escape does not close it: leaving the queue is an explicit choice). Shows my place, the people ahead, the
 * estimated wait, a progress bar from where I entered to the front, the connection state, and a leave button
 * with a confirmation; or the sold-out state. Screen readers hear the place every tenth of the way, not on
 * every update.
 */
export function WaitingRoomModal({ eventTitle, state, realtimeStatus, onLeave }: WaitingRoomModalProps) {
  const { t, intlLocale } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const progressId = useId();
  const [confirmingLeave, setConfirmingLeave] = useState(false);
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // The title first, not the leave button.
    headingRef.current?.focus();
    return () => dialog?.close();
  }, []);

  const soldOut = state.phase === 'sold_out';
  const placed = !soldOut && state.ticket !== null;
  const percent = progressPercent(state.startPosition, state.position);
  const number = (value: number) => formatNumber(value, intlLocale);
  const bucket = placed ? Math.floor(percent / 10) : -1;
  const spoken = placed
    ? t('queue.announce', { position: number(state.position), count: number(state.aheadOfYou) })
    : '';
  // Re-announced only when the progress crosses a tenth (the text itself changes on every update).
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the bucket on purpose
  useEffect(() => setAnnouncement(spoken), [bucket]);

  const preQueueUntil = state.room?.preQueueUntil ?? null;
  return (
    <dialog
      ref={ref}
      className="waiting-room"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-phase={state.phase}
      onCancel={(event) => event.preventDefault()}
    >
      <div className="waiting-room__panel">
        {eventTitle ? <p className="waiting-room__event">{eventTitle}</p> : null}
        <h2 id={titleId} ref={headingRef} className="waiting-room__title" tabIndex={-1}>
          {soldOut ? t('queue.soldOutTitle') : t('queue.title')}
        </h2>
        <p id={bodyId} className="waiting-room__body">
          {soldOut ? t('queue.soldOutBody') : t('queue.body')}
        </p>
        {soldOut && state.message ? <p className="notice small">{state.message}</p> : null}

        {placed ? (
          <>
            <dl className="waiting-room__stats">
              <div className="waiting-room__stat waiting-room__stat--main">
                <dt>{t('queue.position')}</dt>
                <dd data-stat="position">{t('queue.positionValue', { position: number(state.position) })}</dd>
              </div>
              <div className="waiting-room__stat">
                <dt>{t('queue.ahead')}</dt>
                <dd data-stat="ahead">{t('queue.aheadValue', { count: number(state.aheadOfYou) })}</dd>
              </div>
              <div className="waiting-room__stat">
                <dt>{t('queue.eta')}</dt>
                <dd data-stat="eta">{formatWait(t, state.estimatedWaitSeconds)}</dd>
              </div>
            </dl>
            <div className="waiting-room__progress-wrap">
              <p id={progressId} className="small muted">
                {t('queue.progress')}
              </p>
              <div
                className="waiting-room__progress"
                role="progressbar"
                aria-labelledby={progressId}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
                aria-valuetext={t('queue.progressValue', { percent })}
              >
                <span className="waiting-room__progress-bar" style={{ width: `${percent}%` }} />
              </div>
            </div>
          </>
        ) : null}
        {!soldOut && state.ticket === null ? (
          <p className="notice small">
            {preQueueUntil
              ? t('queue.preQueue', { time: formatDateTimeLong(preQueueUntil, intlLocale) })
              : t('queue.preQueueDrawing')}
          </p>
        ) : null}

        <ConnectionIndicator status={realtimeStatus} />
        {state.error ? (
          <p className="muted small" data-stat="retrying">
            {t('queue.retrying')}
          </p>
        ) : null}
        <p className="visually-hidden" role="status" aria-live="polite">
          {announcement}
        </p>

        <div className="waiting-room__actions">
          {confirmingLeave ? (
            <>
              <p className="small">{t('queue.leaveConfirm')}</p>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => setConfirmingLeave(false)}
              >
                {t('queue.stay')}
              </button>
              <button type="button" className="button button--danger" onClick={onLeave}>
                {t('queue.leaveYes')}
              </button>
            </>
          ) : (
            <button type="button" className="button button--ghost" onClick={() => setConfirmingLeave(true)}>
              {t('queue.leave')}
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
