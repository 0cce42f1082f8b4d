package dev.byoc.registry.auth;

import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of this request, set by {@link ApiKeyFilter}. */
@RequestScoped
public class CurrentUser {
    private String username;
    private boolean admin;

    void set(String username, boolean admin) {
        this.username = username;
        this.admin = admin;
    }

    public String username() {
        return username;
    }

    public boolean admin() {
        return admin;
    }
}
