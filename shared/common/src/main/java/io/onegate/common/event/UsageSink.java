package io.onegate.common.event;

/**
 * Where the relay hands the facts of its requests: one {@link UsageEvent} per admitted request, one
 * {@link AttemptOutcome} per upstream attempt, and a {@link UsageEvent} of type {@link UsageEvent#TYPE_ERROR} for a
 * request refused before admission whose caller is known (rate-bounded per user by the relay; it reserved nothing,
 * so it charges nothing: the billing worker only writes its error log row). The gateway's implementation delivers them to Kafka
 * ({@code EventEmitter}); tests record them ({@code RecordingUsageSink}).
 *
 * <p>Contract of both methods (OkHttp's {@code EventListener} rule): called on the request's event loop; return in
 * microseconds; never throw; never block (no I/O wait, no lock held by another thread for long). An implementation
 * that cannot deliver at once queues or spills; it never fails the request.
 *
 * <p>Ordering contract: the relay's settle step calls {@link #usage} BEFORE the client's response is finished —
 * for a non-stream answer before {@code response.end(…)} writes the body's last bytes; for a stream before the
 * final {@code data: [DONE]} (or error event) and the end of the stream are written; for a client abort and for a
 * failure as soon as it is known (the error answer is written after). So a client that received a complete answer
 * implies the event was handed over: if the implementation makes the event durable before {@link #usage} returns
 * (a journal), no billing is lost when the gateway is killed right after answering. An attempt's
 * {@link #outcome} is handed over when the attempt ends, before the usage event of its request.
 */
public interface UsageSink {

  /** The settled charge of one admitted request (exactly once per request), or a refused request's error event. */
  void usage(UsageEvent event);

  /** How one upstream attempt ended (exactly once per attempt). */
  void outcome(AttemptOutcome outcome);
}
