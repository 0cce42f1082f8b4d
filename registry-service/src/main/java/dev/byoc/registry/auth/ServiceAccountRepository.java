package dev.byoc.registry.auth;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static final String COLUMNS = "name, key_id, acting_users, created_at, revoked_at";

    private final AgroalDataSource dataSource;

    ServiceAccountRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return the account, or empty when a live account of that name exists already */
    public Optional<Account> create(String name, String keyId, List<String> actingUsers) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into service_accounts (name, key_id, acting_users) "
                        + "values (?, ?, ?) on conflict (name) where revoked_at is null do nothing returning " + COLUMNS)) {
            s.setString(1, name);
            s.setString(2, keyId);
            s.setArray(3, c.createArrayOf("text", actingUsers.toArray(String[]::new)));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(account(r)) : Optional.empty();
            }
        }
    }

    public List<Account> list(boolean includeRevoked) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select " + COLUMNS + " from service_accounts"
                        + (includeRevoked ? "" : " where revoked_at is null") + " order by name, created_at")) {
            List<Account> accounts = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    accounts.add(account(r));
                }
            }
            return accounts;
        }
    }

    /** The account of a key id, revoked or not. */
    public Optional<Account> byKeyId(String keyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select " + COLUMNS + " from service_accounts where key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(account(r)) : Optional.empty();
            }
        }
    }

    /** @return false when no live account has that name */
    public boolean revoke(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "update service_accounts set revoked_at = now() where name = ? and revoked_at is null")) {
            s.setString(1, name);
            return s.executeUpdate() == 1;
        }
    }

    private static Account account(ResultSet r) throws SQLException {
        Array users = r.getArray(3);
        Timestamp revoked = r.getTimestamp(5);
        return new Account(r.getString(1), r.getString(2), List.copyOf(Arrays.asList((String[]) users.getArray())),
                r.getTimestamp(4).toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
