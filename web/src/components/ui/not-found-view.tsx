import { Link } from 'react-router';

interface NotFoundViewProps {
  title: string;
  body: string;
  linkLabel: string;
  linkTo?: string;
}

export function NotFoundView({ title, body, linkLabel, linkTo = '/' }: NotFoundViewProps) {
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <p className="not-found__code" aria-hidden="true">
        404
      </p>
      <h1 id="not-found-title" className="page-title" tabIndex={-1}>
        {title}
      </h1>
      <p className="muted">{body}</p>
      <Link className="button button--primary" to={linkTo}>
        {linkLabel}
      </Link>
    </section>
  );
}
