export const seatKeys = {
  all: ['seats'] as const,
  map: (eventId: string) => [...seatKeys.all, 'map', eventId] as const,
  hold: (eventId: string) => [...seatKeys.all, 'hold', eventId] as const,
};
