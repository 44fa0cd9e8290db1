import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { safeLocalStorage } from '../storage';
import {
  createTranslator,
  INTL_LOCALE,
  LOCALE_STORAGE_KEY,
  type Locale,
  readStoredLocale,
  type Translate,
} from './translate';

interface I18nContextValue {
  locale: Locale;
  /** BCP 47 tag for Intl APIs (`ko-KR`, `en-US`). */
  intlLocale: string;
  t: Translate;
  setLocale: (locale: Locale) => void;
}

const I18nContext = createContext<I18nContextValue | null>(null);

export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(
    () => initialLocale ?? readStoredLocale(safeLocalStorage()),
  );

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      safeLocalStorage()?.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Private mode or quota: the choice lasts for this page only.
    }
  }, []);

  const value = useMemo<I18nContextValue>(
    () => ({ locale, intlLocale: INTL_LOCALE[locale], t: createTranslator(locale), setLocale }),
    [locale, setLocale],
  );
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18nContextValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}
