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
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Native SQL through a Hibernate Reactive session, for the statements that have no good ORM form
 * ({@code ON CONFLICT}, {@code FOR UPDATE SKIP LOCKED}, multi-row upserts). Values travel in their
 * text form and the SQL casts them ({@code cast(cast(:id as text) as uuid)}), so no Java-to-PostgreSQL type
 * inference is involved — the Vert.x client would, for one, send a String bound to a jsonb
 * parameter as a JSON string. Results are converted back here, whatever Java type the driver chose.
 */
public final class Sql {
    private Sql() {
    }

    /** Runs a statement with named parameters; the number of rows it changed. */
    public static Uni<Integer> execute(Mutiny.Session session, String sql, Map<String, ?> parameters) {
        Mutiny.MutationQuery query = session.createNativeQuery(sql);
        parameters.forEach(query::setParameter);
        return query.executeUpdate();
    }

    /** A query with named parameters; each row as an Object[] (one column included). */
    public static Uni<List<Object[]>> rows(Mutiny.Session session, String sql, Map<String, ?> parameters) {
        Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql, Object[].class);
        parameters.forEach(query::setParameter);
        return query.getResultList();
    }

    /** A query whose rows have one column. */
    public static <T> Uni<List<T>> column(Mutiny.Session session, String sql, Map<String, ?> parameters, Class<T> type) {
        Mutiny.SelectionQuery<T> query = session.createNativeQuery(sql, type);
        parameters.forEach(query::setParameter);
        return query.getResultList();
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
