package dev.byoc.provisioner.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the work of many clusters at once, at most {@code maxConcurrency} at a time, and the work
 * of one cluster strictly one after another, in the order it was submitted.
 *
 * <p>{@link #submit} completes when the work is admitted, which is at once unless
 * {@code maxPending} works are already queued or running: the Kafka consumer method returns that
 * stage, and SmallRye asks for the next record only when it completes, so a backlog stays in
 * Kafka (the connector pauses the partitions) instead of in memory.
 */
final class ClusterWorkQueue {
    private static final Logger LOG = Logger.getLogger(ClusterWorkQueue.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ThreadPoolExecutor workers;
    private final int maxPending;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private final AtomicInteger running = new AtomicInteger();
    private int pending;
    private volatile boolean closing;

    ClusterWorkQueue(int maxConcurrency, int maxPending) {
        if (maxConcurrency < 1 || maxPending < 1) {
            throw new IllegalArgumentException("max-concurrency and max-pending must be at least 1");
        }
        this.maxPending = maxPending;
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "byoc-provisioner-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues {@code work} behind every earlier work of {@code key}. The returned stage completes
     * when the work is admitted (not when it ran); {@code work} must not throw.
     */
    CompletionStage<Void> submit(String key, Runnable work) {
        return admit().thenRun(() -> chain(key, work));
    }

    /** Works queued or running. */
    synchronized int pending() {
        return pending;
    }

    int running() {
        return running.get();
    }

    boolean closing() {
        return closing;
    }

    private synchronized CompletableFuture<Void> admit() {
        if (pending < maxPending) {
            pending++;
            return DONE;
        }
        CompletableFuture<Void> ticket = new CompletableFuture<>();
        waiting.add(ticket);
        return ticket;
    }

    private void chain(String key, Runnable work) {
        CompletableFuture<Void> next;
        synchronized (this) {
            CompletableFuture<Void> previous = tails.getOrDefault(key, DONE);
            next = previous.thenRunAsync(() -> run(work), workers);
            tails.put(key, next);
        }
        CompletableFuture<Void> done = next;
        done.whenComplete((ignored, failure) -> finished(key, done));
    }

    private void run(Runnable work) {
        if (closing) {
            return; // not acknowledged: the record is redelivered to whoever owns the partition next
        }
        running.incrementAndGet();
        try {
            work.run();
        } catch (Throwable t) {
            LOG.errorf(t, "cluster work failed");
        } finally {
            running.decrementAndGet();
        }
    }

    private void finished(String key, CompletableFuture<Void> done) {
        CompletableFuture<Void> admitted;
        synchronized (this) {
            tails.remove(key, done);
            admitted = waiting.poll();
            if (admitted == null) {
                pending--;
            }
        }
        if (admitted != null) {
            admitted.complete(null); // the slot passes to the waiting record
        }
    }

    /**
     * Stops starting work (queued work is dropped unacknowledged, so Kafka redelivers it); lets
     * running work finish for {@code grace}, then interrupts it.
     */
    void close(Duration grace) {
        closing = true;
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (running.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }
}
