package dev.byoc.support.db;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;

/**
 * Native SQL in a Hibernate Reactive session's transaction, for the statements that have no good
 * ORM form ({@code ON CONFLICT}, {@code FOR UPDATE SKIP LOCKED}, multi-row upserts, CTEs). Values
 * travel in their text form and the SQL casts them ({@code cast(cast(:id as text) as uuid)}), so no
 * Java-to-PostgreSQL type inference is involved — the Vert.x client would, for one, send a String
 * bound to a jsonb parameter as a JSON string. Results are converted back here, whatever Java type
 * the driver chose. The one exception is a set of keys: bind a {@code UUID[]} to
 * {@code id = any(cast(:ids as uuid[]))}: cast from {@code text[]}, the same condition took
 * PostgreSQL 30–70 ms per rebuild batch of 500 keys instead of under 5 ms (measured with
 * log_min_duration_statement; the rebuild ran at 10,300 events/s instead of 16,600).
 *
 * <p>Statements run on the session's own connection ({@link ReactiveConnection}, Hibernate
 * Reactive's incubating SPI), after a flush of the session, as Hibernate's native queries do — but
 * without Hibernate's native query pipeline, which on the registration benchmark cost about a
 * quarter of the throughput: it re-parses each statement for parameters and builds a result
 * mapping and a plan per run. Worse, its plan cache never hits for a native SELECT (Hibernate
 * Reactive 3.2 wraps each result mapping in a new ReactiveResultSetMapping, which has no equals),
 * so every run adds one more entry under the same hash, up to the cache's 2048, and each lookup
 * walks that collision chain. Named parameters ({@code :name}) become PostgreSQL's
 * positional ones here, once per statement text; a collection value expands to one parameter per
 * element, for {@code in (:ids)}. Hand-written because neither Hibernate nor the Vert.x client
 * offers named parameters on a connection that is already in a transaction.
 */
public final class Sql {
    private static final int MAX_CACHED_STATEMENTS = 512;
    private static final Map<String, Positional> STATEMENTS = new ConcurrentHashMap<>();

    private Sql() {
    }

    /** Runs a statement with named parameters; the number of rows it changed. */
    public static Uni<Integer> execute(Mutiny.Session session, String sql, Map<String, ?> parameters) {
        return session.flush().chain(() -> {
            Bound bound = bind(sql, parameters);
            return Uni.createFrom().completionStage(() -> connection(session).update(bound.sql(), bound.values()));
        });
    }

    /** A query with named parameters; each row as an Object[] (one column included). */
    public static Uni<List<Object[]>> rows(Mutiny.Session session, String sql, Map<String, ?> parameters) {
        return session.flush().chain(() -> {
            Bound bound = bind(sql, parameters);
            return Uni.createFrom().completionStage(() -> connection(session).select(bound.sql(), bound.values()));
        }).map(result -> {
            List<Object[]> rows = new ArrayList<>(result.size());
            result.forEachRemaining(rows::add);
            return rows;
        });
    }

    /** A query whose rows have one column, converted to {@code type} (String, Integer, Long, UUID, Instant, Boolean). */
    public static <T> Uni<List<T>> column(Mutiny.Session session, String sql, Map<String, ?> parameters, Class<T> type) {
        return rows(session, sql, parameters).map(rows -> rows.stream().map(r -> convert(r[0], type)).toList());
    }

    private static ReactiveConnection connection(Mutiny.Session session) {
        return ((MutinySessionImpl) session).getReactiveConnection();
    }

    private static <T> T convert(Object value, Class<T> type) {
        if (value == null) {
            return null;
        }
        Object converted = type == String.class ? text(value)
                : type == Integer.class ? (Object) integer(value)
                : type == Long.class ? (Object) bigint(value)
                : type == UUID.class ? uuidOf(value)
                : type == Instant.class ? instant(value)
                : value;
        return type.cast(converted);
    }

    /** A statement with {@code $n} parameters and its values in order. */
    record Bound(String sql, Object[] values) {
    }

    /** A statement text with {@code $n} parameters, and the name of each in order. */
    record Positional(String sql, List<String> names) {
    }

    static Bound bind(String sql, Map<String, ?> parameters) {
        boolean expands = parameters.values().stream().anyMatch(v -> v instanceof Collection<?>);
        Positional positional = expands ? positional(sql, parameters) : STATEMENTS.get(sql);
        if (positional == null) {
            positional = positional(sql, Map.of());
            if (STATEMENTS.size() < MAX_CACHED_STATEMENTS) { // statement texts are few; a runaway caller is not cached
                STATEMENTS.put(sql, positional);
            }
        }
        Map<String, List<?>> lists = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (value instanceof Collection<?> collection) {
                lists.put(name, List.copyOf(collection));
            }
        });
        List<Object> values = new ArrayList<>(positional.names().size());
        for (String name : positional.names()) {
            int element = name.indexOf('#');
            if (element >= 0) {
                values.add(lists.get(name.substring(0, element)).get(Integer.parseInt(name.substring(element + 1))));
                continue;
            }
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("no value for :" + name + " in " + sql);
            }
            values.add(parameters.get(name));
        }
        return new Bound(positional.sql(), values.toArray());
    }

    /**
     * Replaces each {@code :name} outside string literals, quoted identifiers and {@code ::} casts
     * by {@code $n} (the same n for the same name); a collection value in {@code parameters}
     * becomes one {@code $n} per element, named {@code name#i}.
     */
    static Positional positional(String sql, Map<String, ?> parameters) {
        StringBuilder out = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        Map<String, Integer> numbers = new LinkedHashMap<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int close = sql.indexOf(c, i + 1);
                int end = close < 0 ? sql.length() : close + 1;
                out.append(sql, i, end);
                i = end;
            } else if (c == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < sql.length() && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < sql.length() && Character.isJavaIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                String name = sql.substring(i + 1, end);
                if (parameters.get(name) instanceof Collection<?> collection) {
                    if (collection.isEmpty()) {
                        out.append("null"); // in (null) matches nothing, as an empty list should
                    }
                    for (int e = 0; e < collection.size(); e++) {
                        names.add(name + "#" + e);
                        out.append(e == 0 ? "" : ", ").append('$').append(names.size());
                    }
                } else {
                    Integer number = numbers.get(name);
                    if (number == null) {
                        names.add(name);
                        number = names.size();
                        numbers.put(name, number);
                    }
                    out.append('$').append(number);
                }
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Positional(out.toString(), List.copyOf(names));
    }

    /** A column of {@link #insertColumns}: its name and PostgreSQL type ({@code text}, {@code int}, {@code bigint}, {@code uuid}, {@code jsonb}, {@code timestamptz}, …). */
    public record Column(String name, String type) {
    }

    /**
     * A multi-row insert as one statement with one array parameter per column, whatever the
     * number of rows: {@code insert into <table> (<constants>, <columns>) select <constants>, *
     * from unnest(<arrays>) <tail>} — the tail typically {@code on conflict … do update}. Each row
     * gives its values in column order: Integer for {@code int}, Long for {@code bigint}, else the
     * value's text (see {@link #uuid}, {@link #timestamp}), or null.
     *
     * @return the rows inserted or updated
     */
    public static Uni<Integer> insertColumns(Mutiny.Session session, String table, Map<String, ?> constants,
            List<Column> columns, List<Object[]> rows, String tail) {
        Map<String, Object> parameters = new LinkedHashMap<>(constants);
        List<String> arrays = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            String name = "column" + c;
            int index = c;
            switch (column.type()) {
                case "int" -> {
                    parameters.put(name, rows.stream().map(r -> (Integer) r[index]).toArray(Integer[]::new));
                    arrays.add("cast(:" + name + " as int[])");
                }
                case "bigint" -> {
                    parameters.put(name, rows.stream().map(r -> (Long) r[index]).toArray(Long[]::new));
                    arrays.add("cast(:" + name + " as bigint[])");
                }
                default -> {
                    // typed text[] so the driver sends Strings; PostgreSQL converts each element
                    parameters.put(name, rows.stream().map(r -> text(r[index])).toArray(String[]::new));
                    arrays.add("text".equals(column.type()) ? "cast(:" + name + " as text[])"
                            : "cast(cast(:" + name + " as text[]) as " + column.type() + "[])");
                }
            }
        }
        StringBuilder names = new StringBuilder();
        StringBuilder select = new StringBuilder();
        for (Map.Entry<String, ?> constant : constants.entrySet()) {
            names.append(constant.getKey()).append(", ");
            // typed: a bare parameter in a select list would be inferred as text
            String type = constant.getValue() instanceof Integer ? "int" : constant.getValue() instanceof Long ? "bigint" : "text";
            select.append("cast(:").append(constant.getKey()).append(" as ").append(type).append("), ");
        }
        names.append(String.join(", ", columns.stream().map(Column::name).toList()));
        String sql = "insert into " + table + " (" + names + ") select " + select + "* from unnest("
                + String.join(", ", arrays) + ") " + tail;
        return execute(session, sql, parameters);
    }

    /** A value for a {@code cast(cast(:x as text) as timestamptz)} parameter. */
    public static String timestamp(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** A value for a {@code cast(cast(:x as text) as uuid)} parameter. */
    public static String uuid(UUID id) {
        return id == null ? null : id.toString();
    }

    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.time.ZonedDateTime zoned) {
            return zoned.toInstant();
        }
        if (value instanceof LocalDateTime local) {
            return local.toInstant(ZoneOffset.UTC); // the server and the driver work in UTC
        }
        if (value instanceof java.util.Date date) {
            return date.toInstant();
        }
        throw new IllegalArgumentException("not a timestamp: " + value.getClass().getName());
    }

    public static UUID uuidOf(Object value) {
        return value == null ? null : value instanceof UUID id ? id : UUID.fromString(value.toString());
    }

    public static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public static int integer(Object value) {
        return ((Number) value).intValue();
    }

    public static long bigint(Object value) {
        return ((Number) value).longValue();
    }
}
