import { createTranslator, readStoredLocale } from '../lib/i18n';
import { safeLocalStorage } from '../lib/storage';

/**
 * Shown when /config.json cannot be loaded: the app cannot know where its API is, so it stops here with a
 * clear message and a retry instead of rendering pages that would all fail. Rendered outside the providers.
 */
export function BootError({ detail, onRetry }: { detail: string; onRetry: () => void }) {
  const t = createTranslator(readStoredLocale(safeLocalStorage()));
  return (
    <main className="boot-error container" role="alert">
      <h1 className="page-title">{t('boot.configError.title')}</h1>
      <p>{t('boot.configError.body')}</p>
      <p className="muted small">
        <code>{detail}</code>
      </p>
      <button type="button" className="button button--primary" onClick={onRetry}>
        {t('boot.retry')}
      </button>
    </main>
  );
}
