package dev.byoc.registry.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.CloudEventHeaders;
import dev.byoc.contracts.envelope.CommandSignatures;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.CommandRejected;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.auth.ServiceAccountRepository;
import dev.byoc.registry.auth.ServiceAccounts;
import dev.byoc.registry.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * byoc.cluster-commands: an input like the REST API, never a back door around its checks. A record
 * whose envelope is broken (no ce_ headers, unknown type, not JSON) goes to the DLQ. Every other
 * command must be signed by a live service account ({@link ServiceAccounts}; else command-rejected,
 * reason unauthenticated) that may act for its {@code actingUser} (else reason forbidden); only then
 * is it applied with the REST rules, a broken rule answered with command-rejected (reason invalid)
 * carrying the REST API's errors. The signature covers the value's bytes as produced, so the value
 * is read as bytes.
 */
@ApplicationScoped
public class CommandConsumer {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    private static final Set<EventTypes> COMMANDS = Set.of(EventTypes.REGISTER_COMMAND, EventTypes.UPDATE_COMMAND,
            EventTypes.DELETE_COMMAND);

    private final CommandHandler handler;
    private final ServiceAccounts accounts;
    private final MeterRegistry metrics;

    CommandConsumer(CommandHandler handler, ServiceAccounts accounts, MeterRegistry metrics) {
        this.handler = handler;
        this.accounts = accounts;
        this.metrics = metrics;
    }

    @Incoming("cluster-commands")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, byte[]> record) throws Exception {
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
        ServiceAccounts.Verdict verdict = accounts.authenticate(commandId, ceType, record.value(),
                headers.get(CommandSignatures.KEY_ID_HEADER), headers.get(CommandSignatures.SIGNATURE_HEADER));
        if (verdict instanceof ServiceAccounts.Refused refused) {
            // nothing of an unauthenticated value is read, nor repeated in the answer
            refuse(commandId, type, null, CommandRejected.UNAUTHENTICATED,
                    new Violation(CommandSignatures.SIGNATURE_HEADER, refused.message()));
            return;
        }
        ServiceAccountRepository.Account account = ((ServiceAccounts.Authenticated) verdict).account();

        String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        GridClusterRequest.Result duplicates = GridClusterRequest.parse(value);
        JsonNode command;
        try {
            command = Json.mapper().readTree(value);
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
        // the account's delegation is checked before any rule, so a command it may not send learns
        // nothing of the user's clusters; a missing actingUser is a broken rule (invalid) below
        JsonNode actingUser = command.get("actingUser");
        if (actingUser != null && actingUser.isTextual() && !actingUser.textValue().isBlank()
                && !account.mayActFor(actingUser.textValue())) {
            refuse(commandId, type, name, CommandRejected.FORBIDDEN, new Violation("actingUser", "service account '"
                    + account.name() + "' may not act for this user; an admin lists the users it may act for in its "
                    + "actingUsers"));
            return;
        }
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

    private void refuse(String commandId, EventTypes type, String name, String reason, Violation error) throws Exception {
        boolean answered = handler.refuse(commandId, type, name, reason, List.of(error));
        count(type.type(), answered ? reason : "duplicate");
        if (answered) {
            LOG.infof("command %s (%s) refused, %s: %s", commandId, type.type(), reason, error.message());
        } else {
            LOG.debugf("command %s (%s) refused again (%s): not answered twice", commandId, type.type(), reason);
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
