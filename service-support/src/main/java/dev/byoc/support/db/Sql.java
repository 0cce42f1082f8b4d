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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Native SQL through a Hibernate Reactive session, for the statements that have no good ORM form
 * ({@code ON CONFLICT}, {@code FOR UPDATE SKIP LOCKED}, multi-row upserts). Values travel in their
 * text form and the SQL casts them ({@code cast(cast(:id as text) as uuid)}), so no Java-to-PostgreSQL type
 * inference is involved — the Vert.x client would, for one, send a String bound to a jsonb
 * parameter as a JSON string. Results are converted back here, whatever Java type the driver chose.
 */
public final class Sql {
    private static final Pattern PARAMETER = Pattern.compile("(?<!:):([A-Za-z][A-Za-z0-9_]*)");
    /** Rows per statement of a multi-row insert: well below PostgreSQL's 65,535 parameters. */
    private static final int ROWS_PER_STATEMENT = 500;

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

    /**
     * {@code head} + one {@code row} template per row (its {@code :names} numbered per row) +
     * {@code tail}, in statements of at most 500 rows. The template's parameters come from each
     * row's map, or from {@code shared} (the same for every row, not numbered). Returns the rows the statements returned (when {@code tail} has a
     * {@code returning} of one text column) — empty otherwise.
     */
    public static Uni<List<String>> insertRows(Mutiny.Session session, String head, String row, String tail,
            Map<String, ?> shared, List<Map<String, ?>> rows, boolean returning) {
        List<String> returned = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            List<Map<String, ?>> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
            StringBuilder sql = new StringBuilder(head);
            Map<String, Object> parameters = new LinkedHashMap<>(shared);
            for (int i = 0; i < chunk.size(); i++) {
                int index = i;
                Matcher names = PARAMETER.matcher(row);
                sql.append(i == 0 ? " " : ", ").append(names.replaceAll(
                        m -> shared.containsKey(m.group(1)) ? m.group() : ":" + m.group(1) + "_" + index));
                chunk.get(i).forEach((name, value) -> parameters.put(name + "_" + index, value));
            }
            sql.append(' ').append(tail);
            chain = chain.chain(() -> returning
                    ? column(session, sql.toString(), parameters, String.class).invoke(returned::addAll).replaceWithVoid()
                    : execute(session, sql.toString(), parameters).replaceWithVoid());
        }
        return chain.replaceWith(() -> returned);
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
