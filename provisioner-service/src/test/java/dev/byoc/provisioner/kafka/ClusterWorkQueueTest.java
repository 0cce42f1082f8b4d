package dev.byoc.provisioner.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher behind the consumer: order per cluster, a bound across clusters, backpressure. No timing. */
class ClusterWorkQueueTest {
    ClusterWorkQueue queue;
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        if (queue != null) {
            queue.close(Duration.ofSeconds(5));
        }
    }

    private void blockUntilReleased() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theWorkOfOneClusterRunsInSubmissionOrderWhileClustersInterleave() {
        queue = new ClusterWorkQueue(4, 1000);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            String key = "cluster-" + (i % 5);
            int n = i;
            queue.submit(key, () -> {
                seen.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(n);
                done.incrementAndGet();
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == 200);
        for (int k = 0; k < 5; k++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = k; i < 200; i += 5) {
                expected.add(i);
            }
            assertThat(seen.get("cluster-" + k)).containsExactlyElementsOf(expected);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.pending() == 0);
    }

    @Test
    void noMoreThanMaxConcurrencyClustersRunAtOnceAndALaterWorkOfABusyClusterWaits() {
        queue = new ClusterWorkQueue(2, 100);
        AtomicInteger started = new AtomicInteger();
        AtomicBoolean thirdStarted = new AtomicBoolean();
        AtomicBoolean secondOfAStarted = new AtomicBoolean();
        queue.submit("a", () -> {
            started.incrementAndGet();
            blockUntilReleased();
        });
        queue.submit("b", () -> {
            started.incrementAndGet();
            blockUntilReleased();
        });
        queue.submit("a", () -> secondOfAStarted.set(true));
        queue.submit("c", () -> thirdStarted.set(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.running() == 2);
        // both workers are held by a and b: c and a's second work cannot have started
        assertThat(started.get()).isEqualTo(2);
        assertThat(thirdStarted).isFalse();
        assertThat(secondOfAStarted).isFalse();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> thirdStarted.get() && secondOfAStarted.get());
    }

    @Test
    void submitWaitsWhileMaxPendingWorksAreQueuedOrRunning() {
        queue = new ClusterWorkQueue(1, 2);
        CompletionStage<Void> first = queue.submit("a", this::blockUntilReleased);
        CompletionStage<Void> second = queue.submit("b", this::blockUntilReleased);
        CompletionStage<Void> third = queue.submit("c", () -> { });
        assertThat(first.toCompletableFuture()).isDone();
        assertThat(second.toCompletableFuture()).isDone();
        assertThat(third.toCompletableFuture()).isNotDone();
        assertThat(queue.pending()).isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> third.toCompletableFuture().isDone());
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.pending() == 0);
    }
}
