package io.onegate.providers.baidu;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.CredentialSource;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.UpstreamErrors;
import io.onegate.providers.support.Urls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Baidu's OAuth client-credentials exchange (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/Ilkkrb0i5): the key
 * {@code AK|SK} becomes {@code POST {base}/oauth/2.0/token?grant_type=client_credentials&client_id=AK&client_secret=SK},
 * answered with {@code {"access_token","expires_in"}} (30 days) or {@code {"error","error_description"}}. Like
 * One API, the token is refreshed when less than an hour of life remains: the credential's expiry is set one hour
 * before the token's.
 */
public final class BaiduAccessTokens implements CredentialSource {
  private static final Duration REFRESH_MARGIN = Duration.ofHours(1);
  /** Error codes of the chat API that mean "this access token is stale", not "the key is dead". */
  private static final Set<String> STALE_TOKEN_CODES = Set.of("110", "111");

  @Override
  public UpstreamRequest exchangeRequest(Channel channel) {
    String[] parts = channel.key().strip().split("\\|");
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new CredentialException(UpstreamErrors.failure(FailureClass.INVALID_KEY, 401, "invalid_key_format",
          "Baidu key must have the form AK|SK", "upstream_error"));
    }
    String url = Urls.base(channel, BaiduAdaptor.DEFAULT_BASE_URL)
        + "/oauth/2.0/token?grant_type=client_credentials&client_id=" + Urls.enc(parts[0].strip())
        + "&client_secret=" + Urls.enc(parts[1].strip());
    return new UpstreamRequest("POST", url, Map.of("accept", "application/json", "content-type",
        "application/json"), Buffer.buffer());
  }

  @Override
  public Credential parse(Channel channel, int status, Buffer body, Instant now) {
    JsonObject json = Json.object(body);
    String token = Json.str(json, "access_token");
    long expiresIn = Json.num(json, "expires_in");
    if (status == 200 && token != null && !token.isEmpty() && expiresIn > 0) {
      Duration life = Duration.ofSeconds(expiresIn);
      Duration usable = life.compareTo(REFRESH_MARGIN.multipliedBy(2)) > 0 ? life.minus(REFRESH_MARGIN)
          : life.dividedBy(2);
      return new Credential(token, now.plus(usable));
    }
    throw new CredentialException(tokenFailure(status, json));
  }

  @Override
  public boolean invalidates(UpstreamFailure failure) {
    return failure.errorCode() != null && STALE_TOKEN_CODES.contains(failure.errorCode());
  }

  /** https://cloud.baidu.com/doc/WENXINWORKSHOP/s/Ilkkrb0i5 ("错误码"): invalid_client = unknown AK or wrong SK. */
  private static UpstreamFailure tokenFailure(int status, JsonObject json) {
    String error = Json.str(json, "error");
    FailureClass failureClass;
    if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
      failureClass = FailureClass.INVALID_KEY;
    } else if (error != null) {
      failureClass = FailureClass.BAD_REQUEST;
    } else {
      failureClass = status >= 400 ? UpstreamErrors.byStatus(status) : FailureClass.TRANSIENT;
    }
    String message = Json.str(json, "error_description", "access token exchange failed");
    return UpstreamErrors.failure(failureClass, status, error, message, "baidu_error");
  }
}
