package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.byoc.contracts.Json;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The small parts: durations, human times, spec unwrapping, the SSE wire format. */
class PiecesTest {

    @Test
    void durations() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("45m")).isEqualTo(Duration.ofMinutes(45));
        assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(converter.convert("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("use e.g. 45m");
    }

    @Test
    void humanTimes() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        assertThat(Humanize.ago(now.minusSeconds(3), now)).isEqualTo("just now");
        assertThat(Humanize.ago(now.minusSeconds(65), now)).isEqualTo("a minute ago");
        assertThat(Humanize.ago(now.minusSeconds(3 * 3600), now)).isEqualTo("3 hours ago");
        assertThat(Humanize.ago(now.minus(Duration.ofDays(1)), now)).isEqualTo("a day ago");
        assertThat(Humanize.ago(now.minus(Duration.ofDays(2)), now)).isEqualTo("2 days ago");
        assertThat(Humanize.ago(now.minus(Duration.ofDays(400)), now)).isEqualTo("a year ago");
        assertThat(Humanize.elapsed(Duration.ofSeconds(72))).isEqualTo("1m12s");
        assertThat(Humanize.elapsed(Duration.ofMinutes(62))).isEqualTo("1h02m");
    }

    @Test
    void specDocumentsInTheShapesTerraformPrints() {
        String request = TestSpecs.request("tf-01");
        List<String> notes = new ArrayList<>();
        // terraform output -json byoc_cluster, for a jsonencode()d output: a JSON string
        ObjectNode fromString = SpecInput.read(Json.write(request), "stdin", notes);
        assertThat(fromString.path("name").asText()).isEqualTo("tf-01");
        // one output object
        ObjectNode fromOutput = SpecInput.read("{\"sensitive\": false, \"type\": \"string\", \"value\": " + Json.write(request)
                + "}", "stdin", notes);
        assertThat(fromOutput.path("name").asText()).isEqualTo("tf-01");
        // the bare spec object: the name comes from the argument
        String bare = Json.write(Json.tree(Json.read(request, ObjectNode.class).get("spec")));
        ObjectNode wrapped = SpecInput.read(bare, "spec.json", notes);
        assertThat(wrapped.has("spec")).isTrue();
        assertThat(notes).contains("read spec.json as the bare cluster spec");

        assertThatThrownBy(() -> SpecInput.read("[1, 2]", "spec.json", notes)).isInstanceOf(CliException.class)
                .hasMessageContaining("is not a cluster spec");
        assertThatThrownBy(() -> SpecInput.read("{\"name\": ", "spec.json", notes)).isInstanceOf(CliException.class)
                .hasMessageContaining("is not valid JSON");
    }

    @Test
    void theExternalIdIsNeverEchoedInADisagreement() {
        ObjectNode file = SpecInput.read(TestSpecs.request("sec-01"), "spec.json", new ArrayList<>());
        SpecInput.Flags flags = new SpecInput.Flags(null, null, null, "another-secret-9999", null, null, null, false);

        assertThatThrownBy(() -> SpecInput.merge(file, flags, "spec.json")).isInstanceOf(CliException.class)
                .satisfies(e -> assertThat(String.join("\n", ((CliException) e).details()))
                        .contains("ending " + TestSpecs.EXTERNAL_ID_MASKED).contains("the flag ends …9999")
                        .doesNotContain(TestSpecs.EXTERNAL_ID).doesNotContain("another-secret"));
    }

    @Test
    void theSseWireFormat() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(("retry: 100\r\n: keep-alive\r\n\r\n"
                        + "event: status\r\ndata: {\"id\": \"c1\",\r\ndata:  \"status\": \"pending\"}\r\n\r\n"
                        + "event: other\ndata: {\"status\": \"ignored\"}\n\n"
                        + "data:{\"id\":\"c1\",\"status\":\"running\"}\n\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        BlockingQueue<StatusStream.Signal> signals = new LinkedBlockingQueue<>();
        RegistryClient client = new RegistryClient(new Credentials.Target("http://127.0.0.1:" + server.getAddress().getPort(),
                "k", "test"));
        try (StatusStream stream = new StatusStream(client, "c", signals::add, Duration.ofSeconds(5), Duration.ofSeconds(1))) {
            stream.start();
            List<String> seen = new ArrayList<>();
            StatusStream.Dropped dropped = null;
            while (dropped == null) {
                StatusStream.Signal signal = signals.poll(5, TimeUnit.SECONDS);
                assertThat(signal).isNotNull();
                if (signal instanceof StatusStream.Update update) {
                    seen.add(update.data().path("status").asText());
                } else if (signal instanceof StatusStream.Dropped d) {
                    dropped = d;
                }
            }
            assertThat(seen).containsExactly("pending", "running");
            assertThat(dropped.why()).isEqualTo("the registry closed the stream");
            assertThat(dropped.retryIn()).isEqualTo(Duration.ofMillis(100)); // the server's retry:
        } finally {
            server.stop(0);
        }
    }
}
