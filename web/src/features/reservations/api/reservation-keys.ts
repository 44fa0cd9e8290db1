export const reservationKeys = {
  all: ['reservations'] as const,
  lists: () => [...reservationKeys.all, 'list'] as const,
  list: (page: number) => [...reservationKeys.lists(), page] as const,
  detail: (id: string) => [...reservationKeys.all, 'detail', id] as const,
  payment: (paymentId: string) => [...reservationKeys.all, 'payment', paymentId] as const,
};
