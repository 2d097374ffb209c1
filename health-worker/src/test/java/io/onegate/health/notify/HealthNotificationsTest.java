package io.onegate.health.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.PostgresDsn;
import io.onegate.common.db.Migrations;
import io.onegate.common.db.PgPools;
import io.onegate.common.db.RootBootstrap;
import io.onegate.common.options.Options;
import io.onegate.health.state.StatusChange;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Webhook (signed) and SMTP email notifications against a fake receiver and a fake SMTP server, real PostgreSQL. */
class HealthNotificationsTest {
  private static Vertx vertx;
  private static Pool pg;
  private static FakeSmtpServer smtp;
  private static HttpServer hookServer;
  private static final List<Map.Entry<Map<String, String>, String>> hooks = new CopyOnWriteArrayList<>();
  private static final AtomicReference<Options> options = new AtomicReference<>(Options.defaults());
  private static HealthNotifications notifications;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    PostgresDsn dsn = PostgresDsn.parse(TestInfra.get().newDatabase());
    Migrations.migrate(dsn);
    RootBootstrap.createRootIfNeeded(dsn, Optional.empty(), Optional.empty(), Optional.empty(), Clock.systemUTC());
    pg = PgPools.create(vertx, dsn, 2);
    pg.query("UPDATE users SET email = 'root@example.com' WHERE username = 'root'").execute()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    smtp = new FakeSmtpServer(vertx);
    hookServer = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Map<String, String> headers = new java.util.HashMap<>();
      req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
      hooks.add(Map.entry(headers, body.toString()));
      req.response().setStatusCode(req.path().equals("/fail") ? 500 : 200).end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    notifications = new HealthNotifications(pg, options::get,
        List.of(new WebhookNotifier(vertx, Clock.systemUTC()), new MailNotifier(vertx)));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close();
    }
  }

  private static void configure(Map<String, String> values) {
    options.set(Options.of(values));
  }

  @Test
  void channelDisableGoesToRootByEmailAndToTheSignedWebhook() throws Exception {
    hooks.clear();
    configure(Map.of("SMTPServer", "127.0.0.1", "SMTPPort", String.valueOf(smtp.port()),
        "SMTPFrom", "onegate@example.com",
        "WebhookUrl", "http://127.0.0.1:" + hookServer.actualPort() + "/hook", "WebhookSecret", "s3cret",
        "WebhookSecretHeader", "X-Hook-Token"));
    int mailsBefore = smtp.mails.size();
    notifications.channelStatusChanged(new StatusChange(7, "openai-main", 1, 3,
            "key is dead: INVALID_KEY (HTTP 401, invalid_api_key)", 1_700_000_000L))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(smtp.mails).hasSize(mailsBefore + 1);
    FakeSmtpServer.Mail mail = smtp.mails.get(mailsBefore);
    assertThat(mail.to()).containsExactly("<root@example.com>");
    assertThat(mail.from()).contains("onegate@example.com");
    assertThat(mail.data()).contains("Channel #7 (openai-main) was disabled").contains("invalid_api_key");
    assertThat(hooks).hasSize(1);
    Map<String, String> headers = hooks.get(0).getKey();
    String body = hooks.get(0).getValue();
    assertThat(headers.get("x-onegate-signature"))
        .isEqualTo(WebhookNotifier.sign("s3cret", body.getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(WebhookNotifier.sign("other", body.getBytes(StandardCharsets.UTF_8)));
    assertThat(headers.get("x-hook-token")).isEqualTo("s3cret");
    JsonObject json = new JsonObject(body);
    assertThat(json.getString("event")).isEqualTo("channel.disabled");
    assertThat(json.getJsonObject("data").getInteger("to_status")).isEqualTo(3);
  }

  @Test
  void lowBalanceGoesToTheUserAndTheWebhook() throws Exception {
    hooks.clear();
    configure(Map.of("SMTPServer", "127.0.0.1", "SMTPPort", String.valueOf(smtp.port()),
        "SMTPFrom", "onegate@example.com",
        "WebhookUrl", "http://127.0.0.1:" + hookServer.actualPort() + "/hook"));
    int mailsBefore = smtp.mails.size();
    notifications.lowBalance(42, "alice", "alice@example.com", 900)
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(smtp.mails.get(mailsBefore).to()).containsExactly("<alice@example.com>");
    assertThat(smtp.mails.get(mailsBefore).data()).contains("900");
    assertThat(new JsonObject(hooks.get(0).getValue()).getString("event")).isEqualTo("user.low_balance");
    assertThat(hooks.get(0).getKey()).doesNotContainKey("x-onegate-signature"); // no secret configured
  }

  @Test
  void failingReceiversAreLoggedAndNeverFailTheCaller() throws Exception {
    configure(Map.of("SMTPServer", "127.0.0.1", "SMTPPort", "1", // nothing listens on port 1
        "WebhookUrl", "http://127.0.0.1:" + hookServer.actualPort() + "/fail"));
    var done = notifications.lowBalance(1, "bob", "bob@example.com", 10);
    done.toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS);
    assertThat(done.succeeded()).isTrue();
  }
}
