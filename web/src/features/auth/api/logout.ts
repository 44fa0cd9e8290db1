import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/api';
import { authKeys } from './auth-keys';

export function useLogout() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.signOut(),
    onSettled: () => queryClient.removeQueries({ queryKey: authKeys.all }),
  });
}
