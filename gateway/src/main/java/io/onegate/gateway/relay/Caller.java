package io.onegate.gateway.relay;

import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;

/** The authenticated caller of one request; {@code pinnedChannel} is 0 when no channel was pinned. */
public record Caller(TokenRecord token, UserRecord user, int pinnedChannel) {
}
