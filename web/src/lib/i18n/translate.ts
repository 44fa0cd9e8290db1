import { en } from './en';
import { type Ko, ko, type MessageKey } from './ko';

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ko';
export const LOCALE_STORAGE_KEY = 'tiketi.lang';

/** BCP 47 tags for Intl formatting. */
export const INTL_LOCALE: Record<Locale, string> = { ko: 'ko-KR', en: 'en-US' };

export const dictionaries: Record<Locale, { readonly [K in MessageKey]: string }> = { ko, en };

/** `'{page} / {total} 페이지'` → `'page' | 'total'`. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;

/** Parameters `t()` takes for a key: none, or an object naming exactly the placeholders. */
export type MessageParams<K extends MessageKey> = [Placeholders<Ko[K]>] extends [never]
  ? []
  : [params: Record<Placeholders<Ko[K]>, string | number>];

export type Translate = <K extends MessageKey>(key: K, ...params: MessageParams<K>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function interpolate(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    return value === undefined ? match : String(value);
  });
}

export function createTranslator(locale: Locale): Translate {
  const dictionary = dictionaries[locale];
  return (key, ...params) => interpolate(dictionary[key] ?? ko[key] ?? key, params[0]);
}

/** Placeholder names in a message, for parity checks between dictionaries. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** Reads the persisted language; Korean unless the user chose otherwise. Storage may be unavailable. */
export function readStoredLocale(storage: Pick<Storage, 'getItem'> | undefined): Locale {
  try {
    const stored = storage?.getItem(LOCALE_STORAGE_KEY);
    return isLocale(stored) ? stored : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export type { MessageKey };
