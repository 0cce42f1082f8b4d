package dev.byoc.registry.auth;

import dev.byoc.contracts.Json;
import dev.byoc.support.db.Sql;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Table {@code service_accounts}: name, key id, acting users, created/revoked; never a secret. */
@ApplicationScoped
public class ServiceAccountRepository {
    /** {@code actingUsers} = {@code ["*"]} means any user. */
    public record Account(String name, String keyId, List<String> actingUsers, Instant createdAt, Instant revokedAt) {
        public static final String ANY_USER = "*";

        public boolean revoked() {
            return revokedAt != null;
        }

        public boolean anyUser() {
            return actingUsers.equals(List.of(ANY_USER));
        }

        public boolean mayActFor(String user) {
            return anyUser() || actingUsers.contains(user);
        }
    }

    /** acting_users travels as JSON text: no array type inference between the driver and PostgreSQL */
    private static final String COLUMNS = "name, key_id, array_to_json(acting_users)::text, created_at, revoked_at";

    /** In the caller's session. @return the account, or empty when a live account of that name exists already */
    public Uni<Optional<Account>> create(String name, String keyId, List<String> actingUsers) {
        return Panache.getSession().chain(session -> Sql.rows(session, "insert into service_accounts (name, key_id, "
                + "acting_users) values (:name, :keyId, array(select json_array_elements_text(cast(cast(:users as text) "
                + "as json)))) on conflict (name) where revoked_at is null do nothing returning " + COLUMNS,
                Map.of("name", name, "keyId", keyId, "users", Json.write(actingUsers))))
                .map(rows -> rows.stream().findFirst().map(ServiceAccountRepository::account));
    }

    public Uni<List<Account>> list(boolean includeRevoked) {
        return Panache.getSession().chain(session -> Sql.rows(session, "select " + COLUMNS + " from service_accounts"
                + (includeRevoked ? "" : " where revoked_at is null") + " order by name, created_at", Map.of()))
                .map(rows -> rows.stream().map(ServiceAccountRepository::account).toList());
    }

    /** The account of a key id, revoked or not. */
    public Uni<Optional<Account>> byKeyId(String keyId) {
        return Panache.getSession().chain(session -> Sql.rows(session, "select " + COLUMNS
                + " from service_accounts where key_id = :keyId", Map.of("keyId", keyId)))
                .map(rows -> rows.stream().findFirst().map(ServiceAccountRepository::account));
    }

    /** @return false when no live account has that name */
    public Uni<Boolean> revoke(String name) {
        return Panache.getSession().chain(session -> Sql.execute(session,
                "update service_accounts set revoked_at = now() where name = :name and revoked_at is null",
                Map.of("name", name))).map(updated -> updated == 1);
    }

    private static Account account(Object[] r) {
        return new Account(Sql.text(r[0]), Sql.text(r[1]), List.of(Json.read(Sql.text(r[2]), String[].class)),
                Sql.instant(r[3]), Sql.instant(r[4]));
    }
}
