package io.onegate.gateway.relay;

/**
 * The last write of an answer to the client ({@code response.end(body)}, or a stream's {@code data: [DONE]} / error
 * event and end), held back by the dispatcher so that the settle step hands the request's usage event over first
 * (see {@code UsageSink}: no billing is lost when a gateway dies right after answering). Runs at most once;
 * event-loop confined.
 */
final class ClientFinish {
  static final ClientFinish NONE = new ClientFinish(null);

  private Runnable write;

  private ClientFinish(Runnable write) {
    this.write = write;
  }

  static ClientFinish of(Runnable write) {
    return new ClientFinish(write);
  }

  /** Performs the held-back write (the first call only). */
  void run() {
    Runnable w = write;
    write = null;
    if (w != null) {
      w.run();
    }
  }
}
