/**
 * The place a user had when they entered the room (the progress bar's 0 %), remembered for the tab so a
 * reload, which rejoins at the same ticket, continues the bar instead of starting it over.
 */

const PREFIX = 'tiketi.queue.start.';

export interface StartPositionMemory {
  /** The start for this ticket: the remembered one (if the same ticket and not smaller), else `position`. */
  startFor(eventId: string, ticket: number, position: number): number;
  forget(eventId: string): void;
}

export function createStartPositionMemory(storage: Storage | undefined): StartPositionMemory {
  const memory = new Map<string, { ticket: number; start: number }>();

  const read = (eventId: string) => {
    const known = memory.get(eventId);
    if (known) return known;
    try {
      const value = JSON.parse(storage?.getItem(PREFIX + eventId) ?? 'null') as {
        ticket?: unknown;
        start?: unknown;
      } | null;
      if (value && typeof value.ticket === 'number' && typeof value.start === 'number') {
        return { ticket: value.ticket, start: value.start };
      }
    } catch {
      // Unreadable: start over.
    }
    return null;
  };

  return {
    startFor(eventId, ticket, position) {
      const known = read(eventId);
      const start = known && known.ticket === ticket ? Math.max(known.start, position) : position;
      if (!known || known.ticket !== ticket || known.start !== start) {
        const entry = { ticket, start };
        memory.set(eventId, entry);
        try {
          storage?.setItem(PREFIX + eventId, JSON.stringify(entry));
        } catch {
          // Memory only.
        }
      }
      return start;
    },
    forget(eventId) {
      memory.delete(eventId);
      try {
        storage?.removeItem(PREFIX + eventId);
      } catch {
        // Nothing stored.
      }
    },
  };
}
