import type { ReactNode } from 'react';

export function EmptyState({
  title,
  hint,
  children,
}: {
  title: string;
  hint?: string;
  children?: ReactNode;
}) {
  return (
    <div className="state" role="status">
      <p className="state__title">{title}</p>
      {hint ? <p className="state__body">{hint}</p> : null}
      {children}
    </div>
  );
}
