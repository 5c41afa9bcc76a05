import type { ApiClient } from './api-client.js';
import { str } from './read.js';

export interface HomeLabel {
  address: string;
  region: string | undefined;
}

/**
 * Addresses for the homes on one page of a list (health rows carry only the home id). One call
 * per distinct home on the page — bounded by the page size, never by the size of the fleet.
 * Homes the caller may not see simply get no label.
 */
export async function homeLabels(
  api: ApiClient,
  ids: Array<string | undefined>,
): Promise<Map<string, HomeLabel>> {
  const unique = [...new Set(ids.filter((x): x is string => typeof x === 'string' && x.length > 0))];
  const out = new Map<string, HomeLabel>();
  await Promise.all(
    unique.map(async (id) => {
      const r = await api.get(`/api/v1/homes/${encodeURIComponent(id)}`);
      if (r.ok) out.set(id, { address: str(r.data, 'address') ?? id, region: str(r.data, 'region') });
    }),
  );
  return out;
}
