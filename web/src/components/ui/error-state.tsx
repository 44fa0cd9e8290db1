import type { ReactNode } from 'react';

interface ErrorStateProps {
  title: string;
  message?: ReactNode;
  retryLabel?: string;
  onRetry?: () => void;
  children?: ReactNode;
}

/** A failed load: what went wrong and, when it makes sense, a way to try again. */
export function ErrorState({ title, message, retryLabel, onRetry, children }: ErrorStateProps) {
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">{title}</p>
      {message ? <p className="state__body">{message}</p> : null}
      {onRetry && retryLabel ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {retryLabel}
        </button>
      ) : null}
      {children}
    </div>
  );
}
