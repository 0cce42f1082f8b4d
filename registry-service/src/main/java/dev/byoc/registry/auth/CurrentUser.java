package dev.byoc.registry.auth;

import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of this request, set by {@link ApiKeyFilter}. */
@RequestScoped
public class CurrentUser {
    private String username;
    private boolean admin;
    private String keyHash;

    void set(String username, boolean admin, String keyHash) {
        this.username = username;
        this.admin = admin;
        this.keyHash = keyHash;
    }

    /** The SHA-256 of the key this request came with (null for the bootstrap admin key, which is not revocable). */
    public String keyHash() {
        return keyHash;
    }

    public String username() {
        return username;
    }

    public boolean admin() {
        return admin;
    }
}
