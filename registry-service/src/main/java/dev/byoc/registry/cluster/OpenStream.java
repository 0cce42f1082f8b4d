package dev.byoc.registry.cluster;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * What every live stream of the registry does the same way (one cluster's, the fleet's): events
 * go out one at a time and never after the end, and a revoked key ends the stream with
 * {@code event: closed} and its reason.
 */
abstract class OpenStream implements ClusterChanges.Listener {
    final MultiEmitter<? super OutboundSseEvent> emitter;
    final Sse sse;
    private boolean done;

    /**
     * A stream made by {@code create}, watched through {@code watch} (closed when the stream ends,
     * with the slot), with a keep-alive comment every {@code keepAlive}, and its first read at once.
     */
    static Multi<OutboundSseEvent> serve(io.vertx.core.Vertx vertx, Duration keepAlive, Runnable releaseSlot,
            BiFunction<MultiEmitter<? super OutboundSseEvent>, Sse, OpenStream> create, Sse sse,
            Function<OpenStream, AutoCloseable> watch) {
        return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
            OpenStream stream = create.apply(emitter, sse);
            AutoCloseable watching = watch.apply(stream);
            long timer = vertx.setPeriodic(keepAlive.toMillis(), t -> stream.send(sse.newEventBuilder().comment("keep-alive")
                    .build()));
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                releaseSlot.run();
                try {
                    watching.close();
                } catch (Exception e) {
                    org.jboss.logging.Logger.getLogger(OpenStream.class).debugf("closing the watch of a stream: %s",
                            e.getMessage());
                }
            });
            stream.changed(); // the first read: the current state, or what followed the position
        });
    }

    OpenStream(MultiEmitter<? super OutboundSseEvent> emitter, Sse sse) {
        this.emitter = emitter;
        this.sse = sse;
    }

    @Override
    public synchronized void keyRevoked() {
        if (!done) {
            done = true;
            emitter.emit(sse.newEventBuilder().name("closed").data("{\"reason\": \"the API key of this stream was revoked\"}")
                    .build());
            emitter.complete();
        }
    }

    synchronized void send(OutboundSseEvent event) {
        if (!done) {
            emitter.emit(event);
        }
    }

    synchronized boolean done() {
        return done;
    }

    /** The last event was sent: the stream ends. */
    synchronized void finish() {
        if (!done) {
            done = true;
            emitter.complete();
        }
    }
}
