package io.onegate.health;

import io.onegate.common.process.ProcessMain;

/** {@code java -jar onegate-health-worker.jar}: one health worker. */
public final class HealthWorkerMain {
  private HealthWorkerMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("health-worker", HealthWorkerApplication::start);
  }
}
