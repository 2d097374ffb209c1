package io.onegate.health.notify;

import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs the notification as JSON to option {@code WebhookUrl}. With option {@code WebhookSecret} set, header
 * {@value #SIGNATURE_HEADER} carries the lowercase hex HMAC-SHA256 of the exact body bytes under that secret; with
 * option {@code WebhookSecretHeader} also set, that header carries the secret itself (for receivers that only
 * compare a shared token). A non-2xx answer fails the future.
 */
public final class WebhookNotifier implements Notifier {
  public static final String SIGNATURE_HEADER = "X-OneGate-Signature";

  private final HttpClientAgent client;
  private final Clock clock;

  public WebhookNotifier(Vertx vertx, Clock clock) {
    this.client = vertx.httpClientBuilder().with(new HttpClientOptions().setConnectTimeout(5000)).build();
    this.clock = clock;
  }

  @Override
  public Future<Void> send(Notification notification, Options options) {
    String url = options.get("WebhookUrl").trim();
    if (url.isEmpty()) {
      return Future.succeededFuture();
    }
    Buffer body = notification.toJson(clock.instant().getEpochSecond()).toBuffer();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/json");
    String secret = options.get("WebhookSecret");
    if (!secret.isEmpty()) {
      request.putHeader(SIGNATURE_HEADER, sign(secret, body.getBytes()));
      String secretHeader = options.get("WebhookSecretHeader").trim();
      if (!secretHeader.isEmpty()) {
        request.putHeader(secretHeader, secret);
      }
    }
    return client.request(request)
        .compose(req -> req.send(body))
        .expecting(HttpResponseExpectation.SC_SUCCESS)
        .timeout(10, TimeUnit.SECONDS)
        .mapEmpty();
  }

  /** Lowercase hex HMAC-SHA256 of {@code body} under {@code secret}. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public Future<Void> close() {
    return client.close();
  }
}
