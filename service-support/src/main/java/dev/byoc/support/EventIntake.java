package dev.byoc.support;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.db.Transactions;
import dev.byoc.support.projection.ProjectedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The one way our consumers take a record: classify it with the contract's rules, count it, and
 * either hand back the accepted event, skip it (a newer version of a known type), or fail with
 * {@link InvalidRecordException} — the channel's dead-letter strategy then writes the record to
 * the DLQ with the exception's message as {@code dead-letter-reason}, and the partition moves on.
 * Any other failure while applying ({@link Fault}) is retried here, never dead-lettered: the record waits.
 */
@ApplicationScoped
public class EventIntake {
    private static final Logger LOG = Logger.getLogger(EventIntake.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Applies a batch of accepted events (in log order) in one transaction; returns those applied for the first time. */
    @FunctionalInterface
    public interface BatchApplier {
        Uni<List<ProjectedEvent>> apply(Mutiny.Session session, List<ProjectedEvent> events);
    }

    /** What follows a batch's commit (publishing what it announced, say), before the batch is acknowledged. */
    @FunctionalInterface
    public interface AfterCommit {
        Uni<Void> after(List<ProjectedEvent> applied);
    }

    private record Taken(KafkaRecord<String, String> record, ConsumerRecord<String, String> consumed, ProjectedEvent event) {
    }

    private final MeterRegistry metrics;

    EventIntake(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public Optional<IncomingEvent.Accepted> accept(ConsumerRecord<String, String> record, List<EventTypes> allowed) {
        IncomingEvent event = IncomingEvents.read(record.headers(), record.value(), allowed);
        if (event instanceof IncomingEvent.DeadLetter dead) {
            count(dead.type(), "dead-lettered");
            LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), dead.reason());
            throw new InvalidRecordException(dead.reason());
        }
        if (event instanceof IncomingEvent.Skipped skipped) {
            count(skipped.type(), "skipped");
            return Optional.empty();
        }
        IncomingEvent.Accepted accepted = (IncomingEvent.Accepted) event;
        count(accepted.type().type(), "consumed");
        return Optional.of(accepted);
    }

    /**
     * The whole intake for a projection fed in batches (a channel with {@code batch=true}): every
     * record classified; the bad ones nacked one by one, so the channel's dead-letter strategy
     * writes exactly those to the DLQ; the accepted ones applied in one transaction (retried whole
     * while the database is unavailable); {@code after} run once it has committed; then the batch
     * acknowledged. One commit per poll rather than per record is what lets a consumer keep up
     * with a burst (issue #15: the monitor folded about 40 records a second one at a time).
     * A batch whose transaction fails for a reason retrying cannot cure (a value no row holds) is
     * applied again one record per transaction, so only the culprit is dead-lettered.
     */
    public Uni<Void> projectBatch(KafkaRecordBatch<String, String> batch, List<EventTypes> allowed,
            BatchApplier projection) {
        return projectBatch(batch, allowed, projection, applied -> Uni.createFrom().voidItem());
    }

    /** {@link #projectBatch(KafkaRecordBatch, List, BatchApplier)}, with {@code after} run once the batch has committed. */
    public Uni<Void> projectBatch(KafkaRecordBatch<String, String> batch, List<EventTypes> allowed,
            BatchApplier projection, AfterCommit after) {
        return Uni.createFrom().deferred(() -> {
            List<Taken> taken = new ArrayList<>();
            Uni<Void> nacked = Uni.createFrom().voidItem();
            for (KafkaRecord<String, String> record : batch.getRecords()) {
                ConsumerRecord<String, String> consumed = consumerRecord(record);
                try {
                    accept(consumed, allowed).ifPresent(accepted -> taken.add(new Taken(record, consumed, ProjectedEvent.of(accepted, consumed))));
                } catch (InvalidRecordException invalid) {
                    nacked = nacked.chain(() -> Uni.createFrom().completionStage(() -> record.nack(invalid)));
                }
            }
            List<ProjectedEvent> events = taken.stream().map(Taken::event).toList();
            return nacked.chain(() -> applyBatch(events, projection).onFailure(f -> !Fault.of(f).retried())
                            .recoverWithUni(failure -> oneByOne(taken, projection)))
                    .chain(after::after)
                    .chain(() -> Uni.createFrom().completionStage(batch::ack));
        });
    }

    private Uni<List<ProjectedEvent>> applyBatch(List<ProjectedEvent> events, BatchApplier projection) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String what = events.size() == 1 ? events.get(0).id() : events.size() + " events from " + events.get(0).id();
        return retrying(what, () -> Transactions.inTransaction(session -> projection.apply(session, events)))
                .invoke(applied -> {
                    Set<String> fresh = new HashSet<>();
                    applied.forEach(e -> fresh.add(e.id()));
                    events.forEach(e -> count(e.event().type().type(), fresh.contains(e.id()) ? "applied" : "duplicate"));
                });
    }

    /** After a batch failed for good: each record alone, the one that cannot be applied dead-lettered. */
    private Uni<List<ProjectedEvent>> oneByOne(List<Taken> taken, BatchApplier projection) {
        List<ProjectedEvent> applied = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Taken one : taken) {
            chain = chain.chain(() -> applyBatch(List.of(one.event()), projection).invoke(applied::addAll)
                    .replaceWithVoid().onFailure(f -> !Fault.of(f).retried()).recoverWithUni(failure -> {
                        LOG.warnf("dead-lettering %s-%d@%d: %s", one.consumed().topic(), one.consumed().partition(),
                                one.consumed().offset(), failure.getMessage());
                        count(one.event().event().type().type(), "dead-lettered");
                        return Uni.createFrom().completionStage(() -> one.record().nack(failure));
                    }));
        }
        return chain.replaceWith(applied);
    }

    private static ConsumerRecord<String, String> consumerRecord(KafkaRecord<String, String> record) {
        @SuppressWarnings("unchecked")
        ConsumerRecord<String, String> consumed = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> (ConsumerRecord<String, String>) m.getRecord())
                .orElseThrow(() -> new IllegalStateException("not a record from Kafka: " + record));
        return consumed;
    }

    /**
     * Runs {@code work} (subscribed afresh each time), retrying every failure {@link Fault} says
     * to retry (outages, lost races, the unexpected) with capped exponential backoff; a bad record
     * and a refusal propagate. The wait is a Vert.x timer on the caller's
     * context, so the next attempt runs where Hibernate Reactive needs it — Mutiny's own
     * {@code retry().withBackOff} would resubscribe on a scheduler thread.
     */
    public <T> Uni<T> retrying(String what, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> attempt(what, work, Vertx.currentContext(), FIRST_BACKOFF));
    }

    private <T> Uni<T> attempt(String what, Supplier<Uni<T>> work, Context context, Duration backoff) {
        return Uni.createFrom().deferred(() -> work.get()).onFailure(f -> Fault.of(f).retried()).recoverWithUni(failure -> {
            Fault fault = Fault.of(failure);
            metrics.counter("byoc_consumer_retries_total", "fault", fault.name().toLowerCase(java.util.Locale.ROOT)).increment();
            if (fault == Fault.UNEXPECTED) {
                // a bug or an unknown database error: the record waits rather than be lost; say so loudly
                LOG.errorf(failure, "unexpected failure while applying %s; the partition waits, retrying in %d ms", what,
                        backoff.toMillis());
            } else {
                LOG.warnf("%s while applying %s; retrying in %d ms: %s", fault == Fault.OUTAGE ? "outage" : "concurrent write",
                        what, backoff.toMillis(), failure.getMessage());
            }
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return sleep(context, backoff).chain(() -> attempt(what, work, context, next));
        });
    }

    private static Uni<Void> sleep(Context context, Duration duration) {
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(duration);
        }
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(duration.toMillis(),
                id -> context.runOnContext(ignored -> emitter.complete(null))));
    }

    public void count(String type, String outcome) {
        metrics.counter("byoc_events_total", "type", type == null ? "none" : type, "outcome", outcome).increment();
    }
}
