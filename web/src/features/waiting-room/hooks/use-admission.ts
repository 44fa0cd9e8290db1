import { useSyncExternalStore } from 'react';
import type { AdmissionGrant } from '../../../lib/admission';
import { useApiClient } from '../../../lib/api';

/** This tab's admission for the event (null when none or expired), following the admission store. */
export function useAdmission(eventId: string): AdmissionGrant | null {
  const { admission } = useApiClient();
  const read = () => admission.get(eventId);
  return useSyncExternalStore(admission.subscribe, read, read);
}

/** How many times a protected call for the event was refused (403 ADMISSION_REQUIRED) in this tab. */
export function useAdmissionRefusals(eventId: string): number {
  const { admission } = useApiClient();
  const read = () => admission.refusals(eventId);
  return useSyncExternalStore(admission.subscribe, read, read);
}

/** Events whose protected calls were refused since their last admission. */
export function useRefusedAdmissions(): readonly string[] {
  const { admission } = useApiClient();
  return useSyncExternalStore(admission.subscribe, admission.refusedEvents, admission.refusedEvents);
}
