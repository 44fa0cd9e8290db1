import { useEffect, useEffectEvent, useState } from 'react';
import { remainingMs } from '../countdown';
import { serverNow } from '../server-clock';

/**
 * Milliseconds left until `expiresAt` (a server time, so measured on the server's clock: see server-clock), re-rendering on every whole second of the remaining time (not on
 * the wall clock's seconds, so `mm:ss` steps evenly). `onExpire` runs once when it reaches zero (at once if
 * the deadline has already passed). Null without a deadline.
 */
export function useCountdown(expiresAt: string | null | undefined, onExpire?: () => void): number | null {
  const target = expiresAt ? Date.parse(expiresAt) : Number.NaN;
  const valid = !Number.isNaN(target);
  const [now, setNow] = useState(() => serverNow());
  const expire = useEffectEvent(() => onExpire?.());

  useEffect(() => {
    if (Number.isNaN(target)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      const current = serverNow();
      setNow(current);
      const left = target - current;
      if (left <= 0) {
        expire();
        return;
      }
      // Wake when the remaining time crosses the next whole second.
      timer = setTimeout(tick, left % 1000 || 1000);
    };
    tick();
    return () => clearTimeout(timer);
  }, [target]);

  return valid ? remainingMs(target, now) : null;
}
