package dev.byoc.registry.cluster;

import io.smallrye.mutiny.subscription.MultiEmitter;
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
