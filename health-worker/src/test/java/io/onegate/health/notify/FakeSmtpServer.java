package io.onegate.health.notify;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A minimal SMTP server (RFC 5321 command/reply subset: EHLO, MAIL, RCPT, DATA, QUIT; no STARTTLS, no AUTH)
 * on 127.0.0.1:0 that records each message's envelope and data.
 */
final class FakeSmtpServer implements AutoCloseable {
  record Mail(String from, List<String> to, String data) {
  }

  final List<Mail> mails = new CopyOnWriteArrayList<>();
  private final NetServer server;

  FakeSmtpServer(Vertx vertx) throws Exception {
    server = vertx.createNetServer().connectHandler(this::session).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  private void session(NetSocket socket) {
    String[] from = {""};
    List<String> to = new CopyOnWriteArrayList<>();
    StringBuilder data = new StringBuilder();
    boolean[] inData = {false};
    RecordParser parser = RecordParser.newDelimited("\r\n", line -> {
      String text = line.toString();
      if (inData[0]) {
        if (text.equals(".")) {
          inData[0] = false;
          mails.add(new Mail(from[0], List.copyOf(to), data.toString()));
          socket.write("250 2.0.0 queued\r\n");
        } else {
          data.append(text).append('\n');
        }
        return;
      }
      String upper = text.toUpperCase();
      if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
        socket.write("250-fake.smtp\r\n250 8BITMIME\r\n");
      } else if (upper.startsWith("MAIL FROM:")) {
        from[0] = text.substring(10).trim();
        socket.write("250 2.1.0 ok\r\n");
      } else if (upper.startsWith("RCPT TO:")) {
        to.add(text.substring(8).trim());
        socket.write("250 2.1.5 ok\r\n");
      } else if (upper.equals("DATA")) {
        inData[0] = true;
        socket.write("354 end with .\r\n");
      } else if (upper.equals("QUIT")) {
        socket.write("221 bye\r\n").onComplete(v -> socket.close());
      } else if (upper.equals("RSET") || upper.equals("NOOP")) {
        socket.write("250 ok\r\n");
      } else {
        socket.write("502 not implemented\r\n");
      }
    });
    socket.handler(parser);
    socket.write("220 fake.smtp ESMTP\r\n");
  }

  @Override
  public void close() {
    server.close();
  }
}
