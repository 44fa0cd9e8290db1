export { type ApiCallOptions, type ApiClient, type ApiResult, createApiClient } from './api-client';
export {
  ApiError,
  type ApiErrorCode,
  codeForStatus,
  fieldErrorsOf,
  isApiError,
  parseErrorResponse,
  parseRetryAfter,
} from './api-error';
export { ApiClientProvider, useApiClient } from './api-provider';
