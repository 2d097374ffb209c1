package io.onegate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The streaming usage reader agrees with the tree reader and ignores everything but the top-level usage. */
class OpenAiUsageTest {

  private static Usage both(String json) {
    Usage streamed = OpenAiAdaptor.usageOfBody(Buffer.buffer(json));
    assertThat(streamed).isEqualTo(OpenAiAdaptor.usageOf(new JsonObject(json)));
    return streamed;
  }

  @Test
  void chatUsageIsReadAfterNestedObjectsThatAlsoHaveAUsageField() {
    Usage u = both("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hi\",\"usage\":{\"prompt_tokens\":99}}}],"
        + "\"meta\":{\"usage\":{\"prompt_tokens\":98}},\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,"
        + "\"total_tokens\":21,\"prompt_tokens_details\":{\"cached_tokens\":0}}}");
    assertThat(u).isEqualTo(new Usage(9, 12, Usage.Source.REPORTED));
  }

  @Test
  void embeddingsUsageWithOnlyTotalTokensCountsAsPrompt() {
    assertThat(both("{\"object\":\"list\",\"data\":[],\"usage\":{\"prompt_tokens\":0,\"total_tokens\":8}}"))
        .isEqualTo(new Usage(8, 0, Usage.Source.REPORTED));
  }

  @Test
  void missingNullOrZeroUsageIsNone() {
    assertThat(both("{\"id\":\"x\"}")).isEqualTo(Usage.NONE);
    assertThat(both("{\"usage\":null}")).isEqualTo(Usage.NONE);
    assertThat(both("{\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}}")).isEqualTo(Usage.NONE);
  }

  @Test
  void aBodyThatIsNotJsonIsNone() {
    assertThat(OpenAiAdaptor.usageOfBody(Buffer.buffer("<html>oops</html>"))).isEqualTo(Usage.NONE);
    assertThat(OpenAiAdaptor.usageOfBody(Buffer.buffer("{\"usage\":{\"prompt_tokens\":"))).isEqualTo(Usage.NONE);
  }
}
