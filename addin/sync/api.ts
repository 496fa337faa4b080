// The add-in's HTTP client is the one typed client of /api/v1 (model/api-client.ts), given the browser's
// fetch. NetworkError (no answer: keep the batch, re-send with the same batchId) and ApiError (a problem
// response: code and Chinese message) are that client's.
import { ApiClient as Client, type FetchLike } from '../../model/api-client';

export { ApiError, NetworkError, type PlanWithAssignments } from '../../model/api-client';

export class ApiClient extends Client {
  constructor(baseUrl: string, token: string, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
    super(baseUrl, token, ((url, init) => fetchImpl(url, init as RequestInit)) as FetchLike);
  }
}
