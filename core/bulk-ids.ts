/** One id's outcome in a bulk add or remove (Immich's BulkIdResponseDto). */
export interface BulkIdResult {
  id: string;
  success: boolean;
  error?: 'duplicate' | 'no_permission' | 'not_found';
}

/**
 * Immich's answer to adding `ids` to a collection (a tag, a memory, an album): one result per id
 * in the order sent — already there is a duplicate (a repeat in the request too), not the
 * requester's to add is no_permission.
 */
export function additions(ids: readonly string[], present: ReadonlySet<string>, allowed: ReadonlySet<string>): BulkIdResult[] {
  const there = new Set(present);
  return ids.map((id) => {
    if (there.has(id)) return { id, success: false, error: 'duplicate' };
    if (!allowed.has(id)) return { id, success: false, error: 'no_permission' };
    there.add(id);
    return { id, success: true };
  });
}

/** Immich's answer to removing `ids`: what is not (or no longer) there is not_found. */
export function removals(ids: readonly string[], present: ReadonlySet<string>): BulkIdResult[] {
  const there = new Set(present);
  return ids.map((id) => {
    if (!there.has(id)) return { id, success: false, error: 'not_found' };
    there.delete(id);
    return { id, success: true };
  });
}

/** The ids that succeeded. */
export const succeeded = (results: readonly BulkIdResult[]) => results.filter((r) => r.success).map((r) => r.id);
