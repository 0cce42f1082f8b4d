package dev.byoc.registry.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Optional;

/**
 * The single key {@code byoc.bootstrap-api-key}. The prefix is the key itself and the value is its
 * parent name, because a mapping of prefix {@code byoc} would claim every {@code byoc.*} key.
 */
@ConfigMapping(prefix = "byoc.bootstrap-api-key")
public interface BootstrapKeyConfig {
    /** the bootstrap admin key (BYOC_BOOTSTRAP_API_KEY), which authenticates as user {@code admin}; unset or blank = none */
    @WithParentName
    Optional<String> value();
}
