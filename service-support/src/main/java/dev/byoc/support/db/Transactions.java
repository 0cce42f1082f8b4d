package dev.byoc.support.db;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Reactive transactions the way every service opens them: Panache's, so that Panache
 * repositories and native statements of one unit of work share one session and one commit.
 */
public final class Transactions {
    private Transactions() {
    }

    /** {@code work} in a transaction (committed when its Uni succeeds, rolled back when it fails). */
    public static <T> Uni<T> inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> work.apply(session)));
    }

    /** {@code work} in a session without a transaction of its own (reads). */
    public static <T> Uni<T> inSession(Function<Mutiny.Session, Uni<T>> work) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> work.apply(session)));
    }

    /**
     * {@code uni}, its result delivered back on the caller's Vert.x context. For work that completes
     * elsewhere — a Kafka producer's ack arrives on the producer's thread — inside a transaction:
     * Hibernate Reactive allows a session only on the context that opened it.
     */
    public static <T> Uni<T> onThisContext(Uni<T> uni) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    /**
     * From a thread that is not Vert.x's (a rebuild's Kafka loop, a test): runs the transaction on a
     * fresh, safe Vert.x context and blocks until it ends.
     */
    public static <T> T await(Function<Mutiny.Session, Uni<T>> work) {
        return awaitOnContext(() -> inTransaction(work));
    }

    /** From a thread that is not Vert.x's: subscribes on a fresh, safe Vert.x context and blocks until done. */
    public static <T> T awaitOnContext(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> work.get());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
