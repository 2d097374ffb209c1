package io.onegate.billing.ledger;

import io.onegate.common.event.AttemptError;
import io.onegate.common.event.UsageEvent;

/**
 * One row of the {@code logs} table written by the billing worker: the consume row of a billed request (type 2),
 * or an error row (type {@link UsageEvent#TYPE_ERROR}) for each failure of a request ({@link AttemptError}).
 *
 * @param modelName   the requested model (the upstream model when none was requested)
 * @param httpStatus  the status the row records (0 for consume rows)
 * @param failureClass the failure class of an error row, empty for consume rows
 */
public record LogRow(int userId, long createdAt, int type, String content, String username, String tokenName,
                     String modelName, long quota, long promptTokens, long completionTokens, int channelId,
                     String requestId, long elapsedMillis, boolean stream, boolean systemPromptReset, int tokenId,
                     int httpStatus, String failureClass) {

  /** The consume row of {@code e}. */
  static LogRow consume(UsageEvent e) {
    return new LogRow(e.userId(), LedgerWriter.occurredAt(e), UsageEvent.TYPE_CONSUME, e.content(), e.username(),
        e.tokenName(), model(e), e.quota(), e.promptTokens(), e.completionTokens(), e.channelId(),
        LedgerWriter.requestId(e), e.latencyMillis(), e.stream(), e.systemPromptReset(), e.tokenId(), 0, "");
  }

  /** The error row of {@code failure} of request {@code e}. */
  static LogRow error(UsageEvent e, AttemptError failure) {
    String model = failure.model().isEmpty() ? model(e) : failure.model();
    String content = failure.httpStatus() + " " + failure.failureClass()
        + (failure.code().isEmpty() ? "" : " " + failure.code()) + ": " + failure.message();
    return new LogRow(e.userId(), LedgerWriter.occurredAt(e), UsageEvent.TYPE_ERROR, content, e.username(),
        e.tokenName(), model, 0, 0, 0, failure.channelId(), LedgerWriter.requestId(e),
        failure.latencyMillis() > 0 ? failure.latencyMillis() : e.latencyMillis(), e.stream(), false, e.tokenId(),
        failure.httpStatus(), failure.failureClass());
  }

  private static String model(UsageEvent e) {
    return e.requestedModel().isEmpty() ? e.upstreamModel() : e.requestedModel();
  }
}
