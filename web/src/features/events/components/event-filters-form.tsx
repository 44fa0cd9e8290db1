import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { LIMITS } from '../../../lib/contract';
import { useDebouncedValue } from '../../../lib/hooks/use-debounced-value';
import { useI18n } from '../../../lib/i18n';
import {
  type EventFilters,
  hasActiveFilters,
  isDateRangeValid,
  PUBLIC_STATUSES,
  type PublicStatus,
} from '../utils/event-filters';

const SEARCH_DEBOUNCE_MS = 300;

interface EventFiltersFormProps {
  filters: EventFilters;
  setFilters: (patch: Partial<EventFilters>, options?: { replace?: boolean }) => void;
}

export function EventFiltersForm({ filters, setFilters }: EventFiltersFormProps) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState(filters.q);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  // The last q this form wrote to the URL: lets us tell our own updates from Back/Forward or "clear".
  const pushedQ = useRef(filters.q);

  useEffect(() => {
    const q = debounced.trim();
    if (q === pushedQ.current) return;
    pushedQ.current = q;
    // Typing replaces the history entry: Back should not step through every keystroke.
    setFilters({ q }, { replace: true });
  }, [debounced, setFilters]);

  useEffect(() => {
    if (filters.q === pushedQ.current) return;
    pushedQ.current = filters.q;
    setText(filters.q);
  }, [filters.q]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = text.trim();
    if (q === pushedQ.current) return;
    pushedQ.current = q;
    setFilters({ q });
  };

  const rangeValid = isDateRangeValid(filters);
  const rangeErrorId = `${id}-range-error`;

  return (
    <search aria-label={t('events.filters')}>
      <form className="filters" onSubmit={onSubmit}>
        <div className="field filters__search">
          <label className="field__label" htmlFor={`${id}-q`}>
            {t('events.search.label')}
          </label>
          <input
            id={`${id}-q`}
            className="input"
            type="search"
            name="q"
            value={text}
            maxLength={LIMITS.searchMax}
            placeholder={t('events.search.placeholder')}
            autoComplete="off"
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-status`}>
            {t('events.status.label')}
          </label>
          <select
            id={`${id}-status`}
            className="input"
            value={filters.status}
            onChange={(e) => setFilters({ status: e.target.value as PublicStatus | '' })}
          >
            <option value="">{t('events.status.all')}</option>
            {PUBLIC_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <DateField
          id={`${id}-from`}
          label={t('events.from.label')}
          value={filters.from}
          max={filters.to || undefined}
          errorId={rangeValid ? undefined : rangeErrorId}
          onChange={(from) => setFilters({ from })}
        />
        <DateField
          id={`${id}-to`}
          label={t('events.to.label')}
          value={filters.to}
          min={filters.from || undefined}
          errorId={rangeValid ? undefined : rangeErrorId}
          onChange={(to) => setFilters({ to })}
        />
        {hasActiveFilters(filters) ? (
          <div className="filters__actions">
            <button
              type="button"
              className="button button--ghost"
              onClick={() => setFilters({ q: '', status: '', from: '', to: '' })}
            >
              {t('events.clearFilters')}
            </button>
          </div>
        ) : null}
        <p id={rangeErrorId} className="field__error filters__error" aria-live="polite">
          {rangeValid ? '' : t('events.dateRangeInvalid')}
        </p>
      </form>
    </search>
  );
}

interface DateFieldProps {
  id: string;
  label: string;
  value: string;
  min?: string | undefined;
  max?: string | undefined;
  /** Set while the range is invalid: marks the input invalid and points at the message. */
  errorId: string | undefined;
  onChange: (value: string) => void;
}

/** One end of the date range. */
function DateField({ id, label, value, min, max, errorId, onChange }: DateFieldProps) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input"
        type="date"
        value={value}
        min={min}
        max={max}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
