package io.onegate.providers.zhipu;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.CredentialSource;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Zhipu's token auth (https://open.bigmodel.cn/dev/api/http-call/http-auth): the key {@code id.secret} signs an
 * HS256 JWT with header {@code {"alg":"HS256","sign_type":"SIGN"}} and claims {@code api_key} (the id),
 * {@code exp} and {@code timestamp}, both in <em>milliseconds</em>. Computed locally (no I/O); the credential
 * expires a minute before the JWT so the transport's cache never hands out a token about to lapse.
 */
public final class ZhipuJwtCredentials implements CredentialSource {
  private static final Duration SAFETY_MARGIN = Duration.ofMinutes(1);
  private final Duration lifetime;

  public ZhipuJwtCredentials(Duration lifetime) {
    if (lifetime.compareTo(SAFETY_MARGIN.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("JWT lifetime must be at least 2 minutes");
    }
    this.lifetime = lifetime;
  }

  @Override
  public UpstreamRequest exchangeRequest(Channel channel) {
    return null;
  }

  @Override
  public Credential parse(Channel channel, int status, Buffer body, Instant now) {
    throw new IllegalStateException("Zhipu credentials are signed locally");
  }

  @Override
  public Credential local(Channel channel, Instant now) {
    String key = channel.key().strip();
    int dot = key.indexOf('.');
    if (dot <= 0 || dot == key.length() - 1 || key.indexOf('.', dot + 1) >= 0) {
      throw new CredentialException(UpstreamErrors.failure(FailureClass.INVALID_KEY, 401, "invalid_key_format",
          "Zhipu key must have the form id.secret", "upstream_error"));
    }
    String id = key.substring(0, dot);
    byte[] secret = key.substring(dot + 1).getBytes(StandardCharsets.UTF_8);
    long nowMillis = now.toEpochMilli();
    Instant expiry = now.plus(lifetime);
    JsonObject header = new JsonObject().put("alg", "HS256").put("sign_type", "SIGN");
    JsonObject claims = new JsonObject().put("api_key", id).put("exp", expiry.toEpochMilli())
        .put("timestamp", nowMillis);
    String signingInput = base64Url(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + base64Url(claims.encode().getBytes(StandardCharsets.UTF_8));
    String jwt = signingInput + "." + base64Url(hmacSha256(secret, signingInput));
    return new Credential(jwt, expiry.minus(SAFETY_MARGIN));
  }

  /** Zhipu's 1003 "token expired": the cached JWT must be re-signed. */
  @Override
  public boolean invalidates(UpstreamFailure failure) {
    return "1003".equals(failure.errorCode());
  }

  private static byte[] hmacSha256(byte[] secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
