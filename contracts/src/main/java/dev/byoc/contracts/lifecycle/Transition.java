package dev.byoc.contracts.lifecycle;

/**
 * The outcome of applying one event: the next state, and whether the event was legal in the
 * state it met. Illegal events leave the state as it was; callers count them.
 */
public record Transition(ClusterState previous, ClusterState next, boolean legal) {

    public boolean statusChanged() {
        return previous.status() != next.status();
    }

    static Transition of(ClusterState previous, ClusterState next) {
        return new Transition(previous, next, true);
    }

    static Transition illegal(ClusterState state) {
        return new Transition(state, state, false);
    }
}
