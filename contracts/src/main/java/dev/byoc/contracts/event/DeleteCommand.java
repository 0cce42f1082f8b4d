package dev.byoc.contracts.event;

public record DeleteCommand(String actingUser, String name, boolean force) implements EventData {
}
