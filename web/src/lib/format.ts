/** Formatting for display. Event times are always shown in Korea time, whatever the browser's zone. */

export const EVENT_TIME_ZONE = 'Asia/Seoul';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: EVENT_TIME_ZONE });
    cache.set(key, format);
  }
  return format;
}

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

/** `2026년 3월 14일 토요일 오후 7:30` / `Saturday, March 14, 2026 at 7:30 PM`. */
export function formatDateTimeLong(iso: string, locale: string): string {
  return dateFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}

/** `2026. 3. 14. (토) 오후 7:30` / `Sat, Mar 14, 2026, 7:30 PM`. */
export function formatDateTimeShort(iso: string, locale: string): string {
  return dateFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(iso));
}

export function formatPrice(amount: number, locale: string, currency = 'KRW'): string {
  return numberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
}

export function formatNumber(value: number, locale: string): string {
  return numberFormat(locale, {}).format(value);
}

/** `오후 7:30:05` / `7:30:05 PM`, Korea time: when a live update arrived. */
export function formatTimeOfDay(at: Date | number, locale: string): string {
  return dateFormat(locale, { timeStyle: 'medium' }).format(at);
}
