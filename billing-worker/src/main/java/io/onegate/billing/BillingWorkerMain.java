package io.onegate.billing;

import io.onegate.common.process.ProcessMain;

/** {@code java -jar onegate-billing-worker.jar}: one member of the billing consumer group. */
public final class BillingWorkerMain {
  private BillingWorkerMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("billing-worker", BillingWorkerApplication::start);
  }
}
