import { useEffect } from 'react';

/** Sets `<title>` to `"<title> · TIKETI"` (or just `TIKETI`) while the calling page is mounted. */
export function useDocumentTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · TIKETI` : 'TIKETI';
  }, [title]);
}
