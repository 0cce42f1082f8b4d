package dev.byoc.registry.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An API key of a user (table {@code api_keys}): only its SHA-256 and its last four characters. */
@Entity
@Table(name = "api_keys")
public class ApiKey {
    @Id
    public UUID id;
    public String username;
    @Column(name = "key_hash")
    public String keyHash;
    @Column(name = "key_hint")
    public String keyHint;
    @Column(name = "revoked_at")
    public Instant revokedAt;
}
