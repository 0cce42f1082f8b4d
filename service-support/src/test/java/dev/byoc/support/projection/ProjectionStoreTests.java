package dev.byoc.support.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's guarantees on real PostgreSQL, with a toy projection (events counted per cluster,
 * last status kept): positions, ce_id dedupe, batches that fold exactly like single events.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ProjectionStoreTests {

    /** Per cluster: how many events, the last status announced, the last event id. */
    record Row(UUID clusterId, int events, String status, String lastEventId) {
    }

    static final class Counting implements Projection<Row> {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Row fold(Row current, ProjectedEvent event) {
            String status = event.event().data() instanceof StatusChanged changed ? changed.to().wire()
                    : current == null ? null : current.status();
            return new Row(event.key(), current == null ? 1 : current.events() + 1, status, event.id());
        }

        @Override
        public Uni<Map<UUID, Row>> load(Mutiny.Session session, int version, Set<UUID> keys) {
            return Sql.rows(session, "select cast(cluster_id as text), events, status, last_event_id from toy "
                    + "where version = :version and cluster_id = any(cast(:keys as uuid[])) for update",
                    Map.of("version", version, "keys", keys.toArray(UUID[]::new))).map(rows -> {
                        Map<UUID, Row> loaded = new java.util.HashMap<>();
                        rows.forEach(r -> loaded.put(Sql.uuidOf(r[0]), new Row(Sql.uuidOf(r[0]), Sql.integer(r[1]),
                                Sql.text(r[2]), Sql.text(r[3]))));
                        return loaded;
                    });
        }

        @Override
        public Uni<Void> store(Mutiny.Session session, int version, Map<UUID, Row> rows) {
            writes += rows.size();
            List<Object[]> values = rows.values().stream().map(row -> new Object[] {row.clusterId().toString(),
                    row.events(), row.status(), row.lastEventId()}).toList();
            return Sql.insertColumns(session, "toy", Map.of("version", version), List.of(new Sql.Column("cluster_id", "uuid"),
                    new Sql.Column("events", "int"), new Sql.Column("status", "text"), new Sql.Column("last_event_id", "text")),
                    values, "on conflict (version, cluster_id) do update set events = excluded.events, "
                            + "status = excluded.status, last_event_id = excluded.last_event_id").replaceWithVoid();
        }

        @Override
        public String table() {
            return "toy";
        }

        int writes;
    }

    Counting projection;
    ProjectionStore<Row> store;

    @BeforeEach
    void clean() {
        Transactions.await(session -> Sql.execute(session, "truncate toy, projections, projection_events, "
                + "projection_positions", Map.of())
                .chain(() -> Sql.execute(session, "insert into projections (name, live_version, state) "
                        + "values ('counting', 1, 'live')", Map.of())));
        projection = new Counting();
        store = new ProjectionStore<>(projection);
    }

    static final List<UUID> CLUSTERS = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    static final String[] STATUSES = {"pending", "running", "failed"};

    static ProjectedEvent statusChanged(String eventId, UUID cluster, String to, int partition, long offset) {
        String data = """
                {"clusterId": "%s", "name": "toy", "from": null, "to": "%s", "reason": "because",
                 "causeEventId": "%s", "observedAt": "%s"}""".formatted(cluster, to, UUID.randomUUID(), Instant.now());
        IncomingEvent event = IncomingEvents.read(Map.of("ce_specversion", "1.0", "ce_id", eventId,
                "ce_type", EventTypes.STATUS_CHANGED.type(), "ce_source", EventTypes.STATUS_CHANGED.producer(), "ce_time", Instant.now().toString()),
                data, EventTypes.CLUSTER_EVENTS);
        return ProjectedEvent.of((IncomingEvent.Accepted) event, partition, offset, 0L);
    }

    /** 60 events over three clusters on two partitions, in log order per partition. */
    static List<ProjectedEvent> log() {
        List<ProjectedEvent> events = new ArrayList<>();
        long[] offsets = new long[2];
        for (int i = 0; i < 60; i++) {
            int cluster = i % 3;
            int partition = cluster == 2 ? 1 : 0;
            events.add(statusChanged(UUID.randomUUID().toString(), CLUSTERS.get(cluster), STATUSES[i % 3 == 0 ? i % 2 : 2],
                    partition, offsets[partition]++));
        }
        return events;
    }

    int apply(int version, List<ProjectedEvent> events) {
        return Transactions.await(session -> store.apply(session, version, events, ProjectionStore.Changes.none()));
    }

    Map<Integer, Long> positions(int version) {
        return Transactions.await(session -> store.positions(session, version));
    }

    List<String> rows(int version) {
        return Transactions.await(session -> Sql.rows(session, "select cast(cluster_id as text), events, status, "
                + "last_event_id from toy where version = :version order by cluster_id", Map.of("version", version))
                .map(rows -> rows.stream().map(r -> r[0] + "|" + r[1] + "|" + r[2] + "|" + r[3]).toList()));
    }

    @Test
    void aBatchFoldsExactlyLikeTheSameEventsOneByOne() {
        List<ProjectedEvent> log = log();
        for (ProjectedEvent event : log) {
            assertThat(apply(1, List.of(event))).isEqualTo(1);
        }
        int writesOneByOne = projection.writes;
        assertThat(apply(2, log)).isEqualTo(60);

        assertThat(rows(2)).hasSize(3).containsExactlyElementsOf(rows(1));
        assertThat(rows(1)).allSatisfy(row -> assertThat(row).contains("|20|"));
        assertThat(positions(2)).isEqualTo(positions(1)).isEqualTo(Map.of(0, 39L, 1, 19L));
        assertThat(writesOneByOne).isEqualTo(60);
        assertThat(projection.writes - writesOneByOne).as("one write per cluster per batch").isEqualTo(3);
    }

    @Test
    void theSameRecordAgainChangesNothing() {
        List<ProjectedEvent> log = log();
        apply(1, log);
        List<String> before = rows(1);
        assertThat(apply(1, log)).isZero();
        assertThat(apply(1, List.of(log.get(10)))).isZero();
        assertThat(rows(1)).isEqualTo(before);
    }

    @Test
    void theSameEventUnderANewOffsetIsSkipped() {
        ProjectedEvent first = statusChanged(UUID.randomUUID().toString(), CLUSTERS.get(0), "running", 0, 0);
        apply(1, List.of(first));
        ProjectedEvent again = statusChanged(first.id(), CLUSTERS.get(0), "failed", 0, 7);
        assertThat(apply(1, List.of(again))).isZero();
        assertThat(rows(1)).singleElement().asString().contains("|1|running|");
        assertThat(positions(1)).as("the position still moves past it").containsEntry(0, 7L);
    }

    @Test
    void aDuplicateInsideOneBatchIsAppliedOnce() {
        ProjectedEvent first = statusChanged(UUID.randomUUID().toString(), CLUSTERS.get(1), "running", 0, 3);
        ProjectedEvent copy = statusChanged(first.id(), CLUSTERS.get(1), "failed", 0, 4);
        assertThat(apply(1, List.of(first, copy))).isEqualTo(1);
        assertThat(rows(1)).singleElement().asString().contains("|1|running|");
    }

    @Test
    void changesAreToldInLogOrderWithTheRowBeforeAndAfter() {
        List<ProjectedEvent> log = log().subList(0, 6);
        List<String> told = new ArrayList<>();
        Transactions.await(session -> store.apply(session, 1, log, (before, after, event) -> {
            told.add((before == null ? 0 : before.events()) + "->" + after.events() + ":" + event.offset());
            return Uni.createFrom().voidItem();
        }));
        assertThat(told).containsExactly("0->1:0", "0->1:1", "0->1:0", "1->2:2", "1->2:3", "1->2:1");
    }
}
