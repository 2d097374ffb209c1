package io.onegate.gateway;

import io.onegate.common.process.ProcessMain;

/** {@code java -jar onegate-gateway.jar}: one gateway node. */
public final class GatewayMain {
  private GatewayMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("gateway", GatewayApplication::start);
  }
}
