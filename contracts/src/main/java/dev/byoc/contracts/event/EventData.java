package dev.byoc.contracts.event;

/** The {@code data} of one CloudEvent of the contract (the Kafka record value). */
public interface EventData {
}
