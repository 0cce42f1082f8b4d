package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.registry.cluster.ClusterRepository;
import dev.byoc.registry.cluster.ClusterRepository.ListQuery;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The list's hot statements, as {@link ClusterRepository#listQuery} writes them, on one owner with
 * 30,000 clusters (seeded in SQL: the plan is the point, not the path in), under EXPLAIN ANALYZE:
 * no sequential scan of clusters or cluster_view, and no statement reads more than a few pages'
 * worth of rows, whatever the page, the depth of the cursor or the rarity of the status.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class ListQueryPlanTests {
    private static final int CLUSTERS = 30_000;
    private static final int FAILED_EVERY = 1_500; // 20 failed clusters among 30,000 running
    private static final int LIMIT = 51; // a page of 50 and one more, as the API asks
    private static final int READ_AT_MOST = 1_000;
    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([a-zA-Z]\\w*)");

    /**
     * The statements that must stay index walks without any statistics (V15): the pages everyone
     * reads, the newest (queued) and GET by name. A rare status (failed, pending, terminating,
     * deleted) is found through its own index only when the planner knows it is rare, that is
     * with the statistics autovacuum gathers (deploy/README.md: keep it on).
     */
    private static final java.util.Set<String> PLANNED_WITHOUT_STATISTICS = java.util.Set.of("first page", "deep page",
            "status=running (almost all)", "status=queued (the 100 newest, not projected yet)", "GET of one cluster by name");

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ClusterRepository clusters;

    @Test
    void theListsStatementsReadOnlyAboutWhatTheyReturn() throws Exception {
        String owner = "plan-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection db = dataSource.getConnection(); Statement sql = db.createStatement()) {
            seed(sql, owner);
            try {
                // a cursor deep in the list: the 20,000th cluster, newest first
                Instant deepCreated;
                UUID deepId;
                try (ResultSet rs = sql.executeQuery("select created_at, id from clusters where owner = '" + owner
                        + "' order by created_at desc, id desc offset 20000 limit 1")) {
                    rs.next();
                    deepCreated = rs.getTimestamp(1).toInstant();
                    deepId = (UUID) rs.getObject(2);
                }
                Map<String, ListQuery> statements = pairs(
                        "first page", clusters.listQuery(owner, false, null, null, null, LIMIT),
                        "deep page", clusters.listQuery(owner, false, null, deepCreated, deepId, LIMIT),
                        "with deleted", clusters.listQuery(owner, true, null, null, null, LIMIT),
                        "status=running (almost all)", clusters.listQuery(owner, false, "running", null, null, LIMIT),
                        "status=failed (20 of 30,000)", clusters.listQuery(owner, false, "failed", null, null, LIMIT),
                        "status=failed, deep page", clusters.listQuery(owner, false, "failed", deepCreated, deepId, LIMIT),
                        "status=pending (none)", clusters.listQuery(owner, false, "pending", null, null, LIMIT),
                        "status=queued (the 100 newest, not projected yet)", clusters.listQuery(owner, false, "queued", null, null, LIMIT),
                        "status=terminating (10, deletion not projected yet)",
                        clusters.listQuery(owner, false, "terminating", null, null, LIMIT),
                        "status=deleted (5, forced)", clusters.listQuery(owner, true, "deleted", null, null, LIMIT),
                        "GET of one cluster by name", clusters.byNameQuery(owner, "c-12345"));
                org.assertj.core.api.SoftAssertions plans = new org.assertj.core.api.SoftAssertions();
                // with the statistics ANALYZE gathered, then without any: a server with autovacuum off (this machine's)
                // never gathers them, and the full bench found the list reading every row of the owner there
                for (boolean statistics : new boolean[] {true, false}) {
                if (!statistics) {
                    sql.execute("delete from pg_statistic where starelid in ('clusters'::regclass, 'cluster_view'::regclass)");
                }
                for (var entry : statements.entrySet()) {
                  // as planned for its values, and as the generic plan PostgreSQL uses for a prepared statement after five runs
                  for (boolean generic : new boolean[] {false, true}) {
                    var statement = Map.entry(entry.getKey() + (generic ? " (generic plan)" : "")
                            + (statistics ? "" : " (no statistics)"), entry.getValue());
                    JsonNode plan = generic ? genericPlan(sql, statement.getValue()) : plan(sql, "explain (analyze, format json) "
                            + inline(statement.getValue()));
                    List<String> scans = new ArrayList<>();
                    long read = rowsRead(plan, scans);
                    System.out.printf("plan of the list, %s: %d rows read: %s%n", statement.getKey(), read, scans);
                    if (!statistics && !PLANNED_WITHOUT_STATISTICS.contains(entry.getKey())) {
                        continue; // printed only: a rare status needs the statistics to pick its index
                    }
                    plans.assertThat(scans).as("%s: scans %s", statement.getKey(), scans)
                            .noneMatch(scan -> scan.startsWith("Seq Scan on clusters") || scan.startsWith("Seq Scan on cluster_view"));
                    plans.assertThat(read).as("%s: rows read by %s", statement.getKey(), scans).isLessThanOrEqualTo(READ_AT_MOST);
                  }
                }
                }
                plans.assertAll();
            } finally {
                sql.execute("delete from cluster_view where owner = '" + owner + "'");
                sql.execute("delete from clusters where owner = '" + owner + "'");
                sql.execute("delete from users where username = '" + owner + "'");
            }
        }
    }

    /** Name, statement, name, statement, … in order (more than Map.of takes). */
    private static Map<String, ListQuery> pairs(Object... namesAndStatements) {
        Map<String, ListQuery> statements = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndStatements.length; i += 2) {
            statements.put((String) namesAndStatements[i], (ListQuery) namesAndStatements[i + 1]);
        }
        return statements;
    }

    private static void seed(Statement sql, String owner) throws Exception {
        sql.execute("insert into users (username) values ('" + owner + "')");
        sql.execute("insert into clusters (id, name, owner, spec, created_at, updated_at) select gen_random_uuid(), "
                + "'c-' || i, '" + owner + "', '{}'::jsonb, now() - i * interval '1 second', now() from generate_series(1, "
                + CLUSTERS + ") i");
        sql.execute("insert into cluster_view (version, cluster_id, name, owner, status, last_partition, last_offset, updated_at) "
                + "select (select live_version from projections where name = 'cluster-view'), id, name, owner, "
                + "case when cast(substr(name, 3) as int) % " + FAILED_EVERY + " = 0 then 'failed' else 'running' end, 0, 0, "
                + "now() from clusters where owner = '" + owner + "'");
        // the 100 newest are not projected yet (queued); 10 of the running have a deletion the view has not seen
        sql.execute("delete from cluster_view where owner = '" + owner + "' and cast(substr(name, 3) as int) <= 100");
        sql.execute("update clusters set deleting_at = now() where owner = '" + owner + "' and cast(substr(name, 3) as int) "
                + "between 5001 and 5010");
        // and 5 were force-deleted (released)
        sql.execute("update clusters set released_at = now(), force_deleted = true where owner = '" + owner
                + "' and cast(substr(name, 3) as int) between 7001 and 7005");
        sql.execute("analyze clusters");
        sql.execute("analyze cluster_view");
    }

    private static JsonNode plan(Statement sql, String explain) throws Exception {
        try (ResultSet rs = sql.executeQuery(explain)) {
            rs.next();
            return Json.mapper().readTree(rs.getString(1)).get(0).get("Plan");
        }
    }

    /** EXPLAIN ANALYZE of the statement prepared with $n parameters, executed with its values under the generic plan. */
    private static JsonNode genericPlan(Statement sql, ListQuery query) throws Exception {
        Matcher m = PARAMETER.matcher(query.sql());
        StringBuilder prepared = new StringBuilder();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
            m.appendReplacement(prepared, Matcher.quoteReplacement("$" + (names.indexOf(m.group(1)) + 1)));
        }
        m.appendTail(prepared);
        List<String> values = names.stream().map(n -> "'" + query.parameters().get(n).toString().replace("'", "''") + "'")
                .toList();
        sql.execute("set plan_cache_mode = force_generic_plan");
        try {
            sql.execute("prepare listed as " + prepared);
            try {
                return plan(sql, "explain (analyze, format json) execute listed" + (values.isEmpty() ? "" : "("
                        + String.join(", ", values) + ")"));
            } finally {
                sql.execute("deallocate listed");
            }
        } finally {
            sql.execute("reset plan_cache_mode");
        }
    }

    /** The statement with its parameters as literals (all of them are text or numbers we made). */
    private static String inline(ListQuery query) {
        Matcher m = PARAMETER.matcher(query.sql());
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            Object value = query.parameters().get(m.group(1));
            assertThat(value).as("parameter " + m.group(1)).isNotNull();
            m.appendReplacement(sql, Matcher.quoteReplacement(value instanceof Number ? value.toString()
                    : "'" + value.toString().replace("'", "''") + "'"));
        }
        m.appendTail(sql);
        return sql.toString();
    }

    /** Rows the scans of clusters and cluster_view returned (per loop × loops), and each scan's description. */
    private static long rowsRead(JsonNode node, List<String> scans) {
        long read = 0;
        String relation = node.path("Relation Name").asText("");
        if (relation.equals("clusters") || relation.equals("cluster_view")) {
            long rows = node.path("Actual Rows").asLong() * Math.max(1, node.path("Actual Loops").asLong())
                    + node.path("Rows Removed by Filter").asLong() * Math.max(1, node.path("Actual Loops").asLong());
            read += rows;
            String index = node.has("Index Name") ? " using " + node.get("Index Name").asText() : "";
            scans.add(node.path("Node Type").asText() + " on " + relation + index + " (" + rows + " rows)");
        }
        for (JsonNode child : node.path("Plans")) {
            read += rowsRead(child, scans);
        }
        return read;
    }
}
