package dev.byoc.registry.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.CloudEventHeaders;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * byoc.cluster-commands: an input like the REST API, never a back door around its checks. A record
 * whose envelope is broken (no ce_ headers, unknown type, not JSON) goes to the DLQ; a well-formed
 * command that breaks a rule is answered with command-rejected carrying the REST API's errors.
 */
@ApplicationScoped
public class CommandConsumer {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    private static final Set<EventTypes> COMMANDS = Set.of(EventTypes.REGISTER_COMMAND, EventTypes.UPDATE_COMMAND,
            EventTypes.DELETE_COMMAND);

    private final CommandHandler handler;
    private final MeterRegistry metrics;

    CommandConsumer(CommandHandler handler, MeterRegistry metrics) {
        this.handler = handler;
        this.metrics = metrics;
    }

    @Incoming("cluster-commands")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, String> record) throws Exception {
        Map<String, String> headers = IncomingEvents.toMap(record.headers());
        String ceType = headers.get(CloudEventHeaders.TYPE);
        String commandId = headers.get(CloudEventHeaders.ID);
        for (String required : CloudEventHeaders.REQUIRED) {
            if (headers.get(required) == null || headers.get(required).isBlank()) {
                throw deadLetter(ceType, "missing CloudEvents header " + required);
            }
        }
        EventTypes type = EventTypes.of(ceType).filter(COMMANDS::contains).orElse(null);
        if (type == null) {
            if (EventTypes.isNewerVersionOfKnownType(ceType)) {
                count(ceType, "skipped");
                return;
            }
            throw deadLetter(ceType, "unknown ce_type " + ceType + " for byoc.cluster-commands");
        }
        GridClusterRequest.Result duplicates = GridClusterRequest.parse(record.value() == null ? "" : record.value());
        JsonNode command;
        try {
            command = Json.mapper().readTree(record.value());
        } catch (Exception e) {
            boolean duplicateKey = duplicates.violations().stream().anyMatch(v -> v.message().startsWith("duplicate key"));
            if (!duplicateKey) {
                throw deadLetter(ceType, "value is not valid JSON");
            }
            handler.reject(commandId, type, null, duplicates.violations());
            count(ceType, "rejected");
            return;
        }
        if (command == null || !command.isObject()) {
            throw deadLetter(ceType, "value is not a JSON object");
        }
        String name = command.has("name") ? command.path("name").asText()
                : command.path("request").path("name").asText(null);
        try {
            boolean applied = handler.apply(commandId, type, command);
            count(ceType, applied ? "applied" : "duplicate");
        } catch (ProblemException rejected) {
            List<Violation> errors = rejected.toProblem().errors() != null ? rejected.toProblem().errors()
                    : List.of(new Violation("$", rejected.getMessage()));
            handler.reject(commandId, type, name, errors);
            count(ceType, "rejected");
            LOG.infof("command %s (%s) rejected: %s", commandId, ceType, rejected.getMessage());
        }
    }

    private RuntimeException deadLetter(String type, String reason) {
        count(type, "dead-lettered");
        return new dev.byoc.support.InvalidRecordException(reason);
    }

    private void count(String type, String outcome) {
        metrics.counter("byoc_commands_total", "type", type == null ? "none" : type, "outcome", outcome).increment();
    }
}
