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
import dev.byoc.support.EventIntake;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
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
 * carrying the REST API's errors. A database outage is waited out (the record waits), never
 * dead-lettered. The signature covers the value's bytes as produced, so the value
 * is read as bytes.
 */
@ApplicationScoped
public class CommandConsumer {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    private static final Set<EventTypes> COMMANDS = Set.of(EventTypes.REGISTER_COMMAND, EventTypes.UPDATE_COMMAND,
            EventTypes.DELETE_COMMAND);

    private final CommandHandler handler;
    private final ServiceAccounts accounts;
    private final EventIntake intake;
    private final MeterRegistry metrics;

    CommandConsumer(CommandHandler handler, ServiceAccounts accounts, EventIntake intake, MeterRegistry metrics) {
        this.handler = handler;
        this.accounts = accounts;
        this.intake = intake;
        this.metrics = metrics;
    }

    /** One record at a time, in order; acknowledged once what it caused has committed. */
    @Incoming("cluster-commands")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return Uni.createFrom().deferred(() -> handle(record));
    }

    private Uni<Void> handle(ConsumerRecord<String, byte[]> record) {
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
                return Uni.createFrom().voidItem();
            }
            throw deadLetter(ceType, "unknown ce_type " + ceType + " for byoc.cluster-commands");
        }
        return intake.retrying(commandId, () -> Transactions.inSession(session -> accounts.authenticate(commandId,
                ceType, record.value(), headers.get(CommandSignatures.KEY_ID_HEADER),
                headers.get(CommandSignatures.SIGNATURE_HEADER))))
                .chain(verdict -> {
                    if (verdict instanceof ServiceAccounts.Refused refused) {
                        // nothing of an unauthenticated value is read, nor repeated in the answer
                        return refuse(commandId, type, null, CommandRejected.UNAUTHENTICATED,
                                new Violation(CommandSignatures.SIGNATURE_HEADER, refused.message()));
                    }
                    return authenticated(record, commandId, ceType, type,
                            ((ServiceAccounts.Authenticated) verdict).account());
                });
    }

    private Uni<Void> authenticated(ConsumerRecord<String, byte[]> record, String commandId, String ceType, EventTypes type,
            ServiceAccountRepository.Account account) {
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
            return intake.retrying(commandId, () -> handler.reject(commandId, type, null, duplicates.violations()))
                    .invoke(() -> count(ceType, "rejected"));
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
            return refuse(commandId, type, name, CommandRejected.FORBIDDEN, new Violation("actingUser", "service account '"
                    + account.name() + "' may not act for this user; an admin lists the users it may act for in its "
                    + "actingUsers"));
        }
        return intake.retrying(commandId, () -> handler.apply(commandId, type, command))
                .invoke(applied -> count(ceType, applied ? "applied" : "duplicate"))
                .replaceWithVoid()
                .onFailure(ProblemException.class).recoverWithUni(failure -> {
                    ProblemException rejected = (ProblemException) failure;
                    List<Violation> errors = rejected.toProblem().errors() != null ? rejected.toProblem().errors()
                            : List.of(new Violation("$", rejected.getMessage()));
                    LOG.infof("command %s (%s) rejected: %s", commandId, ceType, rejected.getMessage());
                    return intake.retrying(commandId, () -> handler.reject(commandId, type, name, errors))
                            .invoke(() -> count(ceType, "rejected"));
                });
    }

    private Uni<Void> refuse(String commandId, EventTypes type, String name, String reason, Violation error) {
        return intake.retrying(commandId, () -> handler.refuse(commandId, type, name, reason, List.of(error)))
                .invoke(answered -> {
                    count(type.type(), answered ? reason : "duplicate");
                    if (answered) {
                        LOG.infof("command %s (%s) refused, %s: %s", commandId, type.type(), reason, error.message());
                    } else {
                        LOG.debugf("command %s (%s) refused again (%s): not answered twice", commandId, type.type(), reason);
                    }
                }).replaceWithVoid();
    }

    private RuntimeException deadLetter(String type, String reason) {
        count(type, "dead-lettered");
        return new dev.byoc.support.InvalidRecordException(reason);
    }

    private void count(String type, String outcome) {
        metrics.counter("byoc_commands_total", "type", type == null ? "none" : type, "outcome", outcome).increment();
    }
}
