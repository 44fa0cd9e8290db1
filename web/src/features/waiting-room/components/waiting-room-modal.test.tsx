import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { QueueRoom } from '../../../lib/contract';
import { I18nProvider, type Locale } from '../../../lib/i18n';
import type { RealtimeStatus } from '../../../lib/realtime';
import { INITIAL_WAITING_ROOM_STATE, type WaitingRoomState } from '../utils/waiting-room-controller';
import { WaitingRoomModal } from './waiting-room-modal';

const EVENT = '0b8f2c9e-4a51-4f6e-9d3b-2f7f1d1a0a01';

const room: QueueRoom = {
  eventId: EVENT,
  active: true,
  soldOut: false,
  servingCounter: 1_000,
  waiting: 3_000,
  admissionRate: 2,
  preQueueUntil: null,
  at: '2026-03-14T10:00:00Z',
};

const waitingState: WaitingRoomState = {
  ...INITIAL_WAITING_ROOM_STATE,
  phase: 'waiting',
  ticket: 2_234,
  position: 1_234,
  aheadOfYou: 1_180,
  estimatedWaitSeconds: 200,
  startPosition: 2_000,
  room,
};

function render(
  state: WaitingRoomState,
  { locale = 'en', status = 'connected' }: { locale?: Locale; status?: RealtimeStatus } = {},
) {
  return renderToStaticMarkup(
    <I18nProvider initialLocale={locale}>
      <WaitingRoomModal eventTitle="Symphony Night" state={state} realtimeStatus={status} onLeave={vi.fn()} />
    </I18nProvider>,
  );
}

/** The text of the element carrying `attribute` (flat elements only). */
function textOf(html: string, attribute: string): string | undefined {
  const match = new RegExp(`<[a-z]+[^>]*${attribute}[^>]*>([^<]*)<`).exec(html);
  return match?.[1];
}

/** The attributes of the first element carrying `attribute` (or of the first `<tag`, for `<tag`). */
function attributesOf(html: string, attribute: string): Record<string, string> {
  const pattern = attribute.startsWith('<') ? `${attribute}[^>]*>` : `<[a-z]+[^>]*${attribute}[^>]*>`;
  const tag = new RegExp(pattern).exec(html)?.[0] ?? '';
  return Object.fromEntries([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

describe('WaitingRoomModal', () => {
  it('is a labelled modal dialog', () => {
    const html = render(waitingState);
    const dialog = attributesOf(html, '<dialog');
    expect(html.startsWith('<dialog')).toBe(true);
    expect(dialog['aria-modal']).toBe('true');
    const title = new RegExp(`<h2 id="${dialog['aria-labelledby']}"[^>]*>([^<]*)<`).exec(html)?.[1];
    expect(title).toBe('You are in the waiting room');
    expect(html).toContain(`id="${dialog['aria-describedby']}"`);
    expect(html).toContain('Symphony Night');
  });

  it('shows my place, the people ahead, the estimated wait and the progress since I entered', () => {
    // Prepare: entered at 2,000, now 1,234: 38 % of the way
    // Act
    const html = render(waitingState);

    // Assess
    expect(textOf(html, 'data-stat="position"')).toBe('No. 1,234');
    expect(textOf(html, 'data-stat="ahead"')).toBe('1,180');
    expect(textOf(html, 'data-stat="eta"')).toBe('About 3 min 20 s');
    expect(attributesOf(html, 'role="progressbar"')).toMatchObject({
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': '38',
      'aria-valuetext': '38% of the way',
    });
    expect(html).toContain('style="width:38%"');
  });

  it('speaks Korean', () => {
    const html = render(waitingState, { locale: 'ko' });
    expect(textOf(html, 'data-stat="position"')).toBe('1,234번째');
    expect(textOf(html, 'data-stat="ahead"')).toBe('1,180명');
    expect(textOf(html, 'data-stat="eta"')).toBe('약 3분 20초');
    expect(html).toContain('대기열 나가기');
  });

  it('says "calculating" without an estimate', () => {
    const html = render({ ...waitingState, estimatedWaitSeconds: null });
    expect(textOf(html, 'data-stat="eta"')).toBe('Calculating…');
  });

  it('shows the connection state, and that it polls while the socket is down', () => {
    const live = render(waitingState, { status: 'connected' });
    const down = render(waitingState, { status: 'reconnecting' });
    expect(attributesOf(live, 'data-status=')['data-status']).toBe('connected');
    expect(live).not.toContain('Checking your place every few seconds.');
    expect(attributesOf(down, 'data-status=')['data-status']).toBe('reconnecting');
    expect(down).toContain('Reconnecting…');
    expect(down).toContain('Checking your place every few seconds.');
  });

  it('offers to leave (with a confirmation step)', () => {
    const html = render(waitingState);
    expect(html).toMatch(
      /<button type="button" class="button button--ghost">Leave the waiting room<\/button>/,
    );
    expect(html).not.toContain('Leave anyway?');
  });

  it('shows the sold-out state with its message instead of the place', () => {
    const html = render({
      ...waitingState,
      phase: 'sold_out',
      message: 'All tickets are sold.',
      room: { ...room, soldOut: true },
    });
    expect(html).toContain('Sold out for now');
    expect(html).toContain('All tickets are sold.');
    expect(html).not.toContain('role="progressbar"');
    expect(html).not.toContain('data-stat="position"');
    expect(html).toContain('Leave the waiting room');
  });

  it('says when the server cannot be reached and it is retrying', () => {
    const html = render({ ...waitingState, error: new Error('offline') });
    expect(textOf(html, 'data-stat="retrying"')).toBe(
      'Cannot reach the server; retrying. Your place is kept.',
    );
  });

  it('explains the pre-queue draw while there is no ticket yet', () => {
    const html = render({
      ...waitingState,
      ticket: null,
      room: { ...room, preQueueUntil: '2026-03-14T11:00:00Z' },
    });
    expect(html).toContain('Places are drawn at random when sales open at');
    expect(html).not.toContain('role="progressbar"');
  });
});
