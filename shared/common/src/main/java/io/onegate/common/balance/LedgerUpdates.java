package io.onegate.common.balance;

/**
 * The ledger's row updates, one home for the billing worker's flush ({@code LedgerWriter}) and the tests that race
 * it. Each statement updates a whole batch (arrays through {@code unnest}) relative to the row, bumps
 * {@code quota_version}, and takes a charge off the balance only when the usage was admitted under the row's
 * current {@code quota_generation} (an admin's absolute set starts a new one; usage of an older generation still
 * counts in used_quota and request_count). Per account the batch passes: {@code q} all quota used, {@code legacy}
 * the quota of events without a generation (charged as before generations), {@code gmax} the newest generation
 * among the others (-1 when none) and {@code qmax} their quota at that generation. The row's generation is never
 * below an event's, so events older than {@code gmax} are never charged, and those at {@code gmax} only while the
 * row is still there; the comparison is made on the locked row, so an admin's set committing concurrently is seen.
 */
public final class LedgerUpdates {
  private LedgerUpdates() {
  }

  private static final String USER_CHARGE = "d.legacy + CASE WHEN u.quota_generation <= d.gmax THEN d.qmax ELSE 0 END";
  private static final String TOKEN_CHARGE = "d.legacy + CASE WHEN t.quota_generation <= d.gmax THEN d.qmax ELSE 0 "
      + "END";

  /**
   * Users: $1 ids, $2 q, $3 requests, $4 legacy, $5 gmax, $6 qmax. Returns id, quota, quota_version,
   * quota_generation and the quota charged.
   */
  public static final String USERS = "UPDATE users u SET quota = u.quota - (" + USER_CHARGE + "), "
      + "used_quota = u.used_quota + d.q, request_count = u.request_count + d.n, "
      + "quota_version = u.quota_version + 1 "
      + "FROM unnest($1::int[], $2::bigint[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[]) "
      + "AS d(id, q, n, legacy, gmax, qmax) WHERE u.id = d.id "
      + "RETURNING u.id, u.quota, u.quota_version, u.quota_generation, " + USER_CHARGE;

  /**
   * Tokens: $1 ids, $2 q, $3 legacy, $4 gmax, $5 qmax; unlimited tokens only add to used_quota. Returns id,
   * remain_quota, quota_version, unlimited_quota, quota_generation.
   */
  public static final String TOKENS = "UPDATE tokens t SET remain_quota = CASE WHEN t.unlimited_quota "
      + "THEN t.remain_quota ELSE t.remain_quota - (" + TOKEN_CHARGE + ") END, used_quota = t.used_quota + d.q, "
      + "quota_version = t.quota_version + 1 "
      + "FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) "
      + "AS d(id, q, legacy, gmax, qmax) WHERE t.id = d.id RETURNING t.id, t.remain_quota, t.quota_version, t.unlimited_quota, t.quota_generation";
}
