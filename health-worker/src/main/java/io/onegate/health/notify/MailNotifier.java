package io.onegate.health.notify;

import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends the notification by email with One API's SMTP options: {@code SMTPServer}, {@code SMTPPort} (465 means
 * implicit TLS; any other port upgrades with STARTTLS, required whenever a password would be sent),
 * {@code SMTPAccount} and {@code SMTPToken} (login), {@code SMTPFrom} (sender; the account when empty). Skips
 * silently when the server or the recipient is missing.
 */
public final class MailNotifier implements Notifier {
  private final Vertx vertx;

  public MailNotifier(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Void> send(Notification notification, Options options) {
    String server = options.get("SMTPServer").trim();
    if (server.isEmpty() || notification.emailTo().isEmpty()) {
      return Future.succeededFuture();
    }
    MailConfig config = config(options);
    String from = options.get("SMTPFrom").isBlank() ? options.get("SMTPAccount") : options.get("SMTPFrom");
    MailMessage message = new MailMessage().setFrom(from).setTo(List.of(notification.emailTo()))
        .setSubject(notification.subject()).setText(notification.text());
    MailClient client = MailClient.create(vertx, config);
    return client.sendMail(message)
        .timeout(30, TimeUnit.SECONDS)
        .<Void>mapEmpty()
        .eventually(client::close);
  }

  static MailConfig config(Options options) {
    int port = (int) options.longValue("SMTPPort");
    String account = options.get("SMTPAccount");
    boolean login = !account.isBlank();
    MailConfig config = new MailConfig().setHostname(options.get("SMTPServer").trim()).setPort(port)
        .setConnectTimeout(10_000);
    if (port == 465) {
      config.setSsl(true).setStarttls(StartTLSOptions.DISABLED);
    } else {
      config.setStarttls(login ? StartTLSOptions.REQUIRED : StartTLSOptions.OPTIONAL);
    }
    if (login) {
      config.setLogin(LoginOption.REQUIRED).setUsername(account).setPassword(options.get("SMTPToken"));
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    return config;
  }
}
