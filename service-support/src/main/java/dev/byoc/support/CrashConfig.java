package dev.byoc.support;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** {@code byoc.crash.*}: a test knob, unset in every profile. */
@ConfigMapping(prefix = "byoc.crash")
public interface CrashConfig {
    /**
     * {@code byoc.crash.at} ({@code BYOC_CRASH_AT}): the {@link CrashPoint#id()} where the process
     * halts the first time it gets there, as a SIGKILL would. Unset: never. Only the system tests
     * set it (ChaosIT's kill-at-a-window rows); an unknown name stops the service at start.
     */
    Optional<String> at();
}
