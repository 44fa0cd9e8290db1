import { countdownAnnouncement, countdownPhase, formatCountdown } from '../../lib/countdown';
import { useCountdown } from '../../lib/hooks/use-countdown';
import { useI18n } from '../../lib/i18n';

interface CountdownProps {
  /** ISO deadline. */
  expiresAt: string;
  /** What runs out: "좌석 선점 시간", "결제 기한"… */
  label: string;
  /** Shown (and announced) once the time is up. */
  expiredText: string;
  onExpire?: () => void;
  className?: string;
}

/**
 * A visible `mm:ss` countdown to a server deadline, in a warning style under a minute. The ticking clock is
 * not announced every second: a polite live region speaks only at minute boundaries, under a minute, and at
 * expiry.
 */
export function Countdown({ expiresAt, label, expiredText, onExpire, className }: CountdownProps) {
  const { t } = useI18n();
  const ms = useCountdown(expiresAt, onExpire) ?? 0;
  const phase = countdownPhase(ms);
  const announcement = countdownAnnouncement(ms);
  const spoken =
    announcement.kind === 'expired'
      ? expiredText
      : announcement.kind === 'underMinute'
        ? t('countdown.underMinute', { label })
        : t('countdown.minutesLeft', { label, minutes: announcement.minutes });
  return (
    <div className={`countdown countdown--${phase}${className ? ` ${className}` : ''}`} data-phase={phase}>
      <span className="countdown__label">{label}</span>
      {phase === 'expired' ? (
        <span className="countdown__time">{expiredText}</span>
      ) : (
        <span className="countdown__time" role="timer" aria-label={spoken}>
          {formatCountdown(ms)}
        </span>
      )}
      <span className="visually-hidden" aria-live="polite" aria-atomic="true">
        {spoken}
      </span>
    </div>
  );
}
