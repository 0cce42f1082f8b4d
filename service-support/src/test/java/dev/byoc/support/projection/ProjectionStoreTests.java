package dev.byoc.support.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.testsupport.PostgresServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's guarantees on real PostgreSQL, with a toy projection (events counted per cluster,
 * last status kept): positions, ce_id dedupe, batches that fold exactly like single events.
 */
class ProjectionStoreTests {
    static String url;
    static String user;

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
        public Map<UUID, Row> load(Connection c, int version, Set<UUID> keys) throws SQLException {
            return ProjectionRows.forUpdate(c, "select cluster_id, events, status, last_event_id from toy "
                    + "where version = ? and cluster_id = any (?) for update", version, keys,
                    r -> new Row(r.getObject(1, UUID.class), r.getInt(2), r.getString(3), r.getString(4)));
        }

        @Override
        public void store(Connection c, int version, Map<UUID, Row> rows) throws SQLException {
            writes += rows.size();
            try (PreparedStatement s = c.prepareStatement("insert into toy values (?, ?, ?, ?, ?) on conflict (version, "
                    + "cluster_id) do update set events = excluded.events, status = excluded.status, "
                    + "last_event_id = excluded.last_event_id")) {
                for (Row row : rows.values()) {
                    s.setInt(1, version);
                    s.setObject(2, row.clusterId());
                    s.setInt(3, row.events());
                    s.setString(4, row.status());
                    s.setString(5, row.lastEventId());
                    s.addBatch();
                }
                s.executeBatch();
            }
        }

        @Override
        public void deleteVersion(Connection c, int version) throws SQLException {
            ProjectionRows.deleteVersion(c, "toy", version);
        }

        int writes;
    }

    Counting projection;
    ProjectionStore<Row> store;

    @BeforeAll
    static void database() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        url = postgres.jdbcUrl(postgres.createDatabase("engine"));
        user = postgres.user();
        try (Connection c = connection(); Statement s = c.createStatement();
                InputStream ddl = ProjectionStore.class.getResourceAsStream("projection-engine.sql")) {
            s.execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
            s.execute("create table toy (version int, cluster_id uuid, events int, status text, last_event_id text, "
                    + "primary key (version, cluster_id))");
        }
    }

    @BeforeEach
    void clean() throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("truncate toy, projections, projection_events, projection_positions");
            s.execute("insert into projections (name, live_version, state) values ('counting', 1, 'live')");
        }
        projection = new Counting();
        store = new ProjectionStore<>(null, projection);
    }

    static Connection connection() throws SQLException {
        return DriverManager.getConnection(url, user, "");
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

    int apply(int version, List<ProjectedEvent> events) throws SQLException {
        try (Connection c = connection()) {
            return store.apply(c, version, events, ProjectionStore.Changes.none());
        }
    }

    List<String> rows(int version) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select cluster_id, events, status, last_event_id from toy where version = "
                        + version + " order by cluster_id")) {
            while (r.next()) {
                rows.add(r.getString(1) + "|" + r.getInt(2) + "|" + r.getString(3) + "|" + r.getString(4));
            }
        }
        return rows;
    }

    @Test
    void aBatchFoldsExactlyLikeTheSameEventsOneByOne() throws SQLException {
        List<ProjectedEvent> log = log();
        for (ProjectedEvent event : log) {
            assertThat(apply(1, List.of(event))).isEqualTo(1);
        }
        int writesOneByOne = projection.writes;
        assertThat(apply(2, log)).isEqualTo(60);

        assertThat(rows(2)).hasSize(3).containsExactlyElementsOf(rows(1));
        assertThat(rows(1)).allSatisfy(row -> assertThat(row).contains("|20|"));
        try (Connection c = connection()) {
            assertThat(store.positions(c, 2)).isEqualTo(store.positions(c, 1)).isEqualTo(Map.of(0, 39L, 1, 19L));
        }
        assertThat(writesOneByOne).isEqualTo(60);
        assertThat(projection.writes - writesOneByOne).as("one write per cluster per batch").isEqualTo(3);
    }

    @Test
    void theSameRecordAgainChangesNothing() throws SQLException {
        List<ProjectedEvent> log = log();
        apply(1, log);
        List<String> before = rows(1);
        assertThat(apply(1, log)).isZero();
        assertThat(apply(1, List.of(log.get(10)))).isZero();
        assertThat(rows(1)).isEqualTo(before);
    }

    @Test
    void theSameEventUnderANewOffsetIsSkipped() throws SQLException {
        ProjectedEvent first = statusChanged(UUID.randomUUID().toString(), CLUSTERS.get(0), "running", 0, 0);
        apply(1, List.of(first));
        ProjectedEvent again = statusChanged(first.id(), CLUSTERS.get(0), "failed", 0, 7);
        assertThat(apply(1, List.of(again))).isZero();
        assertThat(rows(1)).singleElement().asString().contains("|1|running|");
        try (Connection c = connection()) {
            assertThat(store.positions(c, 1)).as("the position still moves past it").containsEntry(0, 7L);
        }
    }

    @Test
    void aDuplicateInsideOneBatchIsAppliedOnce() throws SQLException {
        ProjectedEvent first = statusChanged(UUID.randomUUID().toString(), CLUSTERS.get(1), "running", 0, 3);
        ProjectedEvent copy = statusChanged(first.id(), CLUSTERS.get(1), "failed", 0, 4);
        assertThat(apply(1, List.of(first, copy))).isEqualTo(1);
        assertThat(rows(1)).singleElement().asString().contains("|1|running|");
    }

    @Test
    void changesAreToldInLogOrderWithTheRowBeforeAndAfter() throws SQLException {
        List<ProjectedEvent> log = log().subList(0, 6);
        List<String> told = new ArrayList<>();
        try (Connection c = connection()) {
            store.apply(c, 1, log, (before, after, event) -> told.add(
                    (before == null ? 0 : before.events()) + "->" + after.events() + ":" + event.offset()));
        }
        assertThat(told).containsExactly("0->1:0", "0->1:1", "0->1:0", "1->2:2", "1->2:3", "1->2:1");
    }
}
