package io.onegate.providers.spi;

import io.onegate.common.error.FailureClass;
import io.vertx.core.json.JsonObject;

/**
 * A classified upstream failure: the class (drives retry and auto-disable), the status to show the client, the
 * upstream's structured error code (for the health worker), and the OpenAI-shaped error object for the client.
 *
 * @param clientError {@code {"message","type","param","code"}} (the inside of {@code {"error": …}})
 */
public record UpstreamFailure(FailureClass failureClass, int httpStatus, String errorCode, JsonObject clientError) {
}
