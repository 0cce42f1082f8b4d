package dev.byoc.provisioner.validation;

import dev.byoc.provisioner.config.ProvisionerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the checks of one validation that do not depend on each other at the same time, each on a
 * thread of its own (the SDK's synchronous clients hold a thread per call): a validation waits for
 * its slowest check, not for the sum of them. Four threads per cluster validated at once, so a
 * validation never waits for another's checks.
 */
@ApplicationScoped
class ConcurrentChecks {
    private final ExecutorService threads;

    ConcurrentChecks(ProvisionerConfig config) {
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(4 * config.maxConcurrency(), r -> {
            Thread thread = new Thread(r, "byoc-check-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The results in the order of {@code work}. An exception of one (shutdown, the platform's own
     * fault) is rethrown as it was, after every other one finished; an interrupt of the caller
     * interrupts them all.
     */
    <T> List<T> all(List<Callable<T>> work) throws InterruptedException {
        List<T> results = new ArrayList<>(work.size());
        RuntimeException failure = null;
        for (Future<T> future : threads.invokeAll(work)) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                failure = failure != null ? failure : e.getCause() instanceof RuntimeException r ? r
                        : new IllegalStateException(e.getCause());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    @PreDestroy
    void close() {
        threads.shutdownNow();
    }
}
