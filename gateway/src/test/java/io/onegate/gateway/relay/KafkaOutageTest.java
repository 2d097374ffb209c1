package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.EmbeddedKafka;
import io.onegate.embedded.FreePorts;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A gateway node on its own real Kafka broker. The node starts while the broker is not there yet (it starts
 * degraded and serves); the broker comes up; later it is stopped for 60 s while the OpenAI SDK keeps sending
 * requests. Every request is served, and once the broker is back (same port, same log) every served request's
 * usage event is on the usage topic.
 */
class KafkaOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  @Test
  void kafkaStoppedForSixtySecondsEveryRequestIsServedAndEveryUsageEventArrivesAfterwards() throws Exception {
    int kafkaPort = FreePorts.find();
    Path kafkaLog = Files.createTempDirectory("onegate-outage-kafka");
    EmbeddedKafka kafka = null;
    String bootstrap = "127.0.0.1:" + kafkaPort;
    Config config = RelayFixture.config(Map.of(Settings.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrap));
    ProcessRuntime rt = RelayFixture.runtime(config);
    Vertx fakeVertx = Vertx.vertx();
    ProcessMain.Application app = null;
    try {
      FakeOpenAiUpstream upstream = await(new FakeOpenAiUpstream(fakeVertx).start());
      int user = RelayFixture.user(rt, "outage", 1, 1_000_000_000L, "default");
      RelayFixture.token(rt, user, key('o'), 1, -1, 0, true, "", "");
      RelayFixture.channel(rt, config, 1, "upstream-key", upstream.baseUrl(), "gpt-4o-mini", "default", 0, 0, "");
      app = RelayFixture.gateway(rt);
      OpenAIClient sdk = OpenAIOkHttpClient.builder().apiKey("sk-" + key('o'))
          .baseUrl("http://127.0.0.1:" + config.get(Settings.PORT) + "/v1").maxRetries(0)
          .timeout(Duration.ofSeconds(10)).build();
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
          .addUserMessage("Say hello").build();
      List<String> served = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        served.add(chat(sdk, params)); // no broker yet
      }
      kafka = EmbeddedKafka.start(kafkaLog, kafkaPort);
      for (int i = 0; i < 10; i++) {
        served.add(chat(sdk, params));
      }

      kafka.close();
      long outageStart = System.nanoTime();
      int duringOutage = 0;
      while (System.nanoTime() - outageStart < OUTAGE.toNanos()) {
        served.add(chat(sdk, params));
        duringOutage++;
        Thread.sleep(100);
      }
      kafka = EmbeddedKafka.start(kafkaLog, kafkaPort);
      for (int i = 0; i < 10; i++) {
        served.add(chat(sdk, params));
      }

      Set<String> arrived = new HashSet<>();
      int records = 0;
      try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
        consumer.subscribe(List.of(Topics.of(config).usage()));
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!arrived.containsAll(served) && System.nanoTime() < until) {
          for (var r : consumer.poll(Duration.ofMillis(300))) {
            arrived.add(UsageEvent.decode(r.value()).requestId());
            records++;
          }
        }
      }
      io.onegate.testkit.Figures.report("Kafka outage: %d requests served (%d during the %d s outage), %d usage records read, "
          + "%d distinct request ids%n", served.size(), duringOutage, OUTAGE.toSeconds(), records, arrived.size());
      assertThat(served).doesNotHaveDuplicates();
      assertThat(duringOutage).isGreaterThan(100);
      assertThat(arrived).as("usage events on the topic after the outage").containsAll(served);
    } finally {
      RelayFixture.stop(app, rt);
      fakeVertx.close();
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  /** One chat completion through the SDK; it must succeed. Returns the request id the gateway gave it. */
  private static String chat(OpenAIClient sdk, ChatCompletionCreateParams params) {
    HttpResponseFor<ChatCompletion> response = sdk.chat().completions().withRawResponse().create(params);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.parse().choices()).isNotEmpty();
    return response.headers().values("X-Oneapi-Request-Id").get(0);
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-outage-test");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }
}
