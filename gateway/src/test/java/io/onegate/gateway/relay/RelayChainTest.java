package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayChainTest {
  private static final RelayContext CTX = RelayContext.start("r1", null, null, null, null, null, null, null, null);

  @Test
  void filtersRunInOrderAndCanShortCircuit() {
    List<String> seen = new ArrayList<>();
    RelayResult refused = RelayResult.refused(GatewayError.NO_CHANNEL, "m", "g");
    RelayChain chain = RelayChain.of(List.of(
        (ctx, next) -> {
          seen.add("first");
          return next.proceed(ctx);
        },
        (ctx, next) -> {
          seen.add("second");
          return Future.succeededFuture(refused);
        },
        (ctx, next) -> {
          seen.add("never");
          return next.proceed(ctx);
        }));
    RelayResult result = chain.proceed(CTX).result();
    assertThat(result.refusal()).isEqualTo(GatewayError.NO_CHANNEL);
    assertThat(result.context()).as("the refusal carries the context of the filter that refused").isSameAs(CTX);
    assertThat(seen).containsExactly("first", "second");
  }

  @Test
  void aThrowingFilterBecomesAFailedFutureAndTheLastFilterCannotProceed() {
    RelayChain throwing = RelayChain.of(List.of((ctx, next) -> {
      throw new IllegalStateException("boom");
    }));
    assertThat(throwing.proceed(CTX).failed()).isTrue();
    RelayChain tooFar = RelayChain.of(List.of((ctx, next) -> next.proceed(ctx)));
    assertThat(tooFar.proceed(CTX).cause()).hasMessageContaining("last relay filter");
  }

  @Test
  void retriesOnlyFixableFailures() {
    assertThat(io.onegate.common.error.FailureClass.BAD_REQUEST.retryOnAnotherChannel()).isFalse();
    assertThat(io.onegate.common.error.FailureClass.RATE_LIMITED.retryOnAnotherChannel()).isTrue();
  }
}
