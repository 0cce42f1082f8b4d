package dev.byoc.monitor.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Optional;

/**
 * The single key {@code byoc.admin-api-key}. The prefix is the key itself and the value is its
 * parent name, because a mapping of prefix {@code byoc} would claim every {@code byoc.*} key.
 */
@ConfigMapping(prefix = "byoc.admin-api-key")
public interface AdminKeyConfig {
    /** the admin key every {@code /api/} call must send as a bearer token (BYOC_BOOTSTRAP_API_KEY); unset or blank = every admin call answers 401 */
    @WithParentName
    Optional<String> value();
}
