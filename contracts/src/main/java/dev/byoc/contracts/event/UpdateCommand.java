package dev.byoc.contracts.event;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code patch} is the JSON merge patch the REST API's PATCH takes. */
public record UpdateCommand(String actingUser, String name, JsonNode patch) implements EventData {
}
