export { I18nProvider, useI18n } from './i18n-provider';
export type { MessageKey } from './ko';
export {
  createTranslator,
  DEFAULT_LOCALE,
  INTL_LOCALE,
  isLocale,
  LOCALES,
  type Locale,
  readStoredLocale,
  type Translate,
} from './translate';
