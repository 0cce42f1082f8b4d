package dev.byoc.monitor.watch;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * This replica's name, shown by the watch endpoint and put in the AssumeRole session name, so
 * CloudTrail (or the stand-in's journal) shows which replica polled which cluster.
 */
@ApplicationScoped
public class Replica {
    private final String id;

    Replica(dev.byoc.monitor.MonitorConfig config) {
        this.id = config.instanceId().filter(s -> !s.isBlank()).orElse(UUID.randomUUID().toString().substring(0, 8));
    }

    public String id() {
        return id;
    }
}
