import type { CSSProperties, ReactNode } from 'react';

/** A grey placeholder block; hidden from assistive technology (pair it with a status message). */
export function Skeleton({
  width,
  height,
  className,
}: {
  width?: string;
  height?: string;
  className?: string;
}) {
  const style: CSSProperties = { width, height };
  return <span className={`skeleton${className ? ` ${className}` : ''}`} style={style} aria-hidden="true" />;
}

/**
 * A loading list: `count` placeholders drawn by `item`, inside `className`, announced once to screen readers by
 * `label` (the placeholders themselves are hidden from them).
 */
export function SkeletonList({
  label,
  count,
  className,
  item: Item,
}: {
  label: string;
  count: number;
  className: string;
  item: () => ReactNode;
}) {
  return (
    <>
      <p className="visually-hidden" role="status">
        {label}
      </p>
      <div className={className}>
        {Array.from({ length: count }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders, never reordered
          <Item key={i} />
        ))}
      </div>
    </>
  );
}
