package dev.byoc.contracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.byoc.contracts.tenant.ExternalIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signature of commands (contracts/README.md "Signed commands"): the Java side, and the shell +
 * openssl snippets of the README, run as printed (kcat replaced by a function that records what it
 * would produce), so the documentation cannot drift from what the registry verifies.
 */
class CommandSignaturesTests {
    // the example of the README
    static final String SECRET = "hX3q0Yb2kzQe7Wm9cR4tVn8pLs1uJd6fGa5oIy0xNwE";
    static final String ID = "c2e8f4a6-1d3b-4f7a-b5c9-8e0d2a4f6b13";
    static final String TYPE = "byoc.cluster.delete.v1";
    static final byte[] VALUE = "{\"actingUser\":\"alice\",\"name\":\"demo-01\",\"force\":false}".getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v1,MYunuXfSUM7WXdSnsWp8GWXGIi5TIsH5wTPHV20vGj4=";
    static final String PLATFORM_SECRET = "an-example-platform-secret-of-32-characters-or-more";
    static final String MARKER = "<!-- signed-command-example -->";

    @Test
    void theDocumentedExampleSignsAsDocumented() throws IOException {
        assertThat(CommandSignatures.sign(SECRET, ID, TYPE, VALUE)).isEqualTo(SIGNATURE);
        assertThat(CommandSignatures.verify(SECRET, ID, TYPE, VALUE, SIGNATURE)).isTrue();
        assertThat(readme()).contains("`" + SIGNATURE + "`").contains(SECRET).contains(ID)
                .contains("`" + new String(VALUE, StandardCharsets.UTF_8) + "`");
        assertThat(CommandSignatures.headers("sa_1", SECRET, ID, TYPE, VALUE))
                .containsEntry(CommandSignatures.KEY_ID_HEADER, "sa_1")
                .containsEntry(CommandSignatures.SIGNATURE_HEADER, SIGNATURE);
    }

    @Test
    void onlyTheExactCommandVerifies() {
        byte[] tampered = new String(VALUE, StandardCharsets.UTF_8).replace("false", "true ").getBytes(StandardCharsets.UTF_8);
        assertThat(CommandSignatures.check(SECRET, ID, TYPE, tampered, SIGNATURE)).isEqualTo(CommandSignatures.Check.MISMATCH);
        assertThat(CommandSignatures.check(SECRET, UUID.randomUUID().toString(), TYPE, VALUE, SIGNATURE))
                .as("the id is signed").isEqualTo(CommandSignatures.Check.MISMATCH);
        assertThat(CommandSignatures.check(SECRET, ID, "byoc.cluster.update.v1", VALUE, SIGNATURE))
                .as("the type is signed").isEqualTo(CommandSignatures.Check.MISMATCH);
        assertThat(CommandSignatures.check(SECRET + "x", ID, TYPE, VALUE, SIGNATURE)).isEqualTo(CommandSignatures.Check.MISMATCH);
        for (String malformed : new String[] {null, "", "v1,", "v2," + SIGNATURE.substring(3), SIGNATURE.substring(3),
                "v1,not base64!", "V1," + SIGNATURE.substring(3)}) {
            assertThat(CommandSignatures.check(SECRET, ID, TYPE, VALUE, malformed)).as(String.valueOf(malformed))
                    .isEqualTo(CommandSignatures.Check.MALFORMED);
            assertThat(CommandSignatures.verify(SECRET, ID, TYPE, VALUE, malformed)).isFalse();
        }
        assertThat(CommandSignatures.check(SECRET, ID, TYPE, VALUE, "v1,AAAA")).isEqualTo(CommandSignatures.Check.MISMATCH);
    }

    @Test
    void accountSecretsAreDerivedFromThePlatformSecretAndTheKeyIdOnly() throws Exception {
        String secret = CommandSignatures.accountSecret(PLATFORM_SECRET, "sa_5d1c0e7b9a3f4e2d8c6b1a09");
        assertThat(secret).isEqualTo(CommandSignatures.accountSecret(PLATFORM_SECRET, "sa_5d1c0e7b9a3f4e2d8c6b1a09"))
                .hasSize(43).matches("^[A-Za-z0-9_-]+$")
                .isNotEqualTo(CommandSignatures.accountSecret(PLATFORM_SECRET, "sa_5d1c0e7b9a3f4e2d8c6b1a0a"))
                .isNotEqualTo(CommandSignatures.accountSecret(PLATFORM_SECRET + "!", "sa_5d1c0e7b9a3f4e2d8c6b1a09"));
        // the documented derivation, recomputed with openssl
        String shell = run("printf '%s' \"service-account-key/v1/$KEY_ID\" | openssl dgst -sha256 -hmac \"$PLATFORM\" -binary"
                + " | openssl base64 -A | tr '+/' '-_' | tr -d '='", Map.of("KEY_ID", "sa_5d1c0e7b9a3f4e2d8c6b1a09",
                        "PLATFORM", PLATFORM_SECRET), null);
        assertThat(shell.trim()).isEqualTo(secret);
        // domain-separated from the external IDs of the same platform secret
        assertThat(ExternalIds.withSecret(PLATFORM_SECRET).issuedTo("sa_5d1c0e7b9a3f4e2d8c6b1a09")).doesNotContain(secret);
        assertThatThrownBy(() -> CommandSignatures.accountSecret("short", "sa_1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandSignatures.accountSecret(PLATFORM_SECRET, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- the README's shell snippets ----

    static String readme() throws IOException {
        Path file = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("README.md");
        assertThat(file).as("run from the contracts module").isRegularFile();
        return Files.readString(file);
    }

    /** Every ```sh block of the README that produces onto byoc.cluster-commands. */
    static List<String> commandSnippets() throws IOException {
        List<String> snippets = new ArrayList<>();
        Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme());
        while (block.find()) {
            String snippet = block.group(1);
            if (snippet.contains("kcat -P") && snippet.contains("-t byoc.cluster-commands")) {
                snippets.add(snippet);
            }
        }
        return snippets;
    }

    @Test
    void theReadmeHasAShortSignedExampleAndSignsEveryCommandExample() throws IOException {
        String readme = readme();
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("the README marks its signed example with " + MARKER).isPositive();
        Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(marker)).isTrue();
        assertThat(readme.substring(marker + MARKER.length(), block.start()).trim()).as("the block right after the marker").isEmpty();
        String example = block.group(1);
        assertThat(example.lines().count()).as("at most 10 lines").isLessThanOrEqualTo(10);
        assertThat(commandSnippets()).contains(example).hasSizeGreaterThanOrEqualTo(3);
    }

    /** What the kcat stand-in recorded: topic, key, headers in order, and the value it read. */
    record Produced(String topic, String key, Map<String, String> headers, byte[] value) {
    }

    @ParameterizedTest
    @MethodSource("commandSnippets")
    void everyReadmeCommandSnippetProducesACommandTheRegistryAccepts(String snippet, @TempDir Path out) throws Exception {
        String keyId = "sa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        String secret = CommandSignatures.accountSecret(PLATFORM_SECRET, keyId);
        // kcat as a shell function: records its arguments (NUL-separated) and the value it would send
        String stub = "kcat() { printf '%s\\0' \"$@\" > \"$OUT/args\"; cat > \"$OUT/value\"; }\n";
        run(stub + snippet, Map.of("KEY_ID", keyId, "SECRET", secret, "OUT", out.toString()), out);

        Produced produced = produced(out);
        assertThat(produced.topic()).isEqualTo("byoc.cluster-commands");
        Map<String, String> headers = produced.headers();
        String ceId = headers.get(CloudEventHeaders.ID);
        String ceType = headers.get(CloudEventHeaders.TYPE);
        assertThat(UUID.fromString(ceId)).isNotNull();
        assertThat(headers).containsKeys(CloudEventHeaders.REQUIRED.toArray(String[]::new))
                .containsEntry(CommandSignatures.KEY_ID_HEADER, keyId);
        // the signature the shell computed is the one Java computes over the bytes kcat would produce
        assertThat(headers.get(CommandSignatures.SIGNATURE_HEADER))
                .isEqualTo(CommandSignatures.sign(secret, ceId, ceType, produced.value()));
        assertThat(CommandSignatures.verify(secret, ceId, ceType, produced.value(), headers.get(CommandSignatures.SIGNATURE_HEADER)))
                .isTrue();
        // and the value is a valid command of its type
        assertThat(SchemaValidator.violations(ceType, new String(produced.value(), StandardCharsets.UTF_8))).isEmpty();
    }

    static Produced produced(Path out) throws IOException {
        List<String> args = Arrays.asList(Files.readString(out.resolve("args")).split("\0"));
        String topic = null;
        String key = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < args.size() - 1; i++) {
            switch (args.get(i)) {
                case "-t" -> topic = args.get(++i);
                case "-k" -> key = args.get(++i);
                case "-H" -> {
                    String header = args.get(++i);
                    int eq = header.indexOf('=');   // kcat splits name=value at the first '='
                    headers.put(header.substring(0, eq), header.substring(eq + 1));
                }
                default -> {
                }
            }
        }
        byte[] input = Files.readAllBytes(out.resolve("value"));
        // kcat -P sends one record per line and drops the newline that ends it
        assertThat(input).as("one line of input").endsWith((byte) '\n');
        byte[] value = Arrays.copyOf(input, input.length - 1);
        assertThat(new String(value, StandardCharsets.UTF_8)).as("a single record").doesNotContain("\n");
        return new Produced(topic, key, headers, value);
    }

    /** Runs {@code script} with bash (errexit, nounset, pipefail); returns its stdout. */
    static String run(String script, Map<String, String> env, Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + script)
                .redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("bash + openssl ran the snippet:\n" + script + "\n---\n" + text).isZero();
        return text;
    }
}
