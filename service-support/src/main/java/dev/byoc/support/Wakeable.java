package dev.byoc.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A task that runs on its own thread each time it is woken, never twice at once: wake-ups that
 * come while it runs fold into exactly one more run, so no wake-up is lost and a burst of them
 * costs one run. How a service reacts to a commit at once (the outbox relay to the transaction
 * that filled the outbox, the monitor's poller to a validated cluster) and keeps its timer only as
 * the fallback. The task may block (database, AWS): it is not on an event loop.
 *
 * <p>By hand: the scheduler's {@code concurrentExecution = SKIP} drops a trigger that comes while
 * the task runs, and a lost wake-up would leave the work to the next timer tick.
 */
public final class Wakeable implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Wakeable.class);

    private final String name;
    private final Runnable task;
    private final ExecutorService thread;
    /** A run is queued or running. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** A wake-up came after the running task's start. */
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean closed;

    public Wakeable(String name, Runnable task) {
        this.name = name;
        this.task = task;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the task soon; returns at once. */
    public void wake() {
        woken.set(true);
        if (!closed && scheduled.compareAndSet(false, true)) {
            thread.execute(this::run);
        }
    }

    private void run() {
        try {
            while (woken.getAndSet(false) && !closed) {
                task.run();
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s: %s", name, e.getMessage());
        } finally {
            scheduled.set(false);
            if (woken.get()) {
                wake(); // woken between the last look and now
            }
        }
    }

    /** Closed: a long task may stop early. */
    public boolean closed() {
        return closed;
    }

    /** Stops taking wake-ups and waits a little for a run in progress. */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
