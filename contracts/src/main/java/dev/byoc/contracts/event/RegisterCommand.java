package dev.byoc.contracts.event;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code request} is the Grid-shaped create request, exactly as the REST API takes it. */
public record RegisterCommand(String actingUser, JsonNode request) implements EventData {
}
