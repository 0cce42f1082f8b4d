package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.spec.ClusterEdit;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.testsupport.fuzz.FuzzedInputs;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The contract's request rules on generated input, without a server: many more cases than the
 * HTTP suite ({@link InputFuzzTests}) can afford. Parsing never throws, and its answer is either a
 * request or a list of violations that each name a path.
 */
class RequestRulesFuzzTests {
    private static final String VALID = Specs.grid("fz-rules-01", null);

    @Test
    void everyCreateBodyIsEitherARequestOrViolationsWithPaths() {
        long seed = FuzzedInputs.seed(20261202L);
        FuzzedInputs fuzz = new FuzzedInputs(seed);
        int valid = 0;
        for (int i = 0; i < FuzzedInputs.cases(1000) * 20; i++) {
            String body = i % 10 == 9 ? new String(fuzz.rawBytes(VALID), StandardCharsets.UTF_8) : fuzz.body(VALID);
            GridClusterRequest.Result result;
            try {
                result = GridClusterRequest.parse(body);
            } catch (RuntimeException e) {
                throw new AssertionError("case " + i + " of seed " + seed + " threw for " + body, e);
            }
            valid += result.valid() ? 1 : 0;
            assertThat(result.valid() ? result.parsed() : result.violations()).as("case " + i + ": " + body).isNotNull();
            if (!result.valid()) {
                String what = "case " + i + ": " + body;
                assertThat(result.violations()).as(what).isNotEmpty().extracting(Violation::path).as(what)
                        .noneMatch(path -> path == null || path.isBlank());
            }
        }
        assertThat(valid).as("the generator must also produce valid requests").isPositive();
    }

    @Test
    void everyMergePatchIsEitherAnEditOrViolationsWithPaths() {
        ClusterSpec current = GridClusterRequest.parse(VALID).parsed().spec();
        String patch = """
                {"spec": {"performance_profile": "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING",
                          "driver": {"kubernetes": {"aws": {"instance_types": [{"name": "m5.2xlarge"}]}}}}}""";
        long seed = FuzzedInputs.seed(20261203L);
        FuzzedInputs fuzz = new FuzzedInputs(seed);
        for (int i = 0; i < FuzzedInputs.cases(1000) * 20; i++) {
            String text = fuzz.mergePatch(patch);
            JsonNode node;
            try {
                node = Json.mapper().readTree(text);
            } catch (Exception notJson) {
                continue; // the resource answers 400 "not valid JSON" before the rules run
            }
            ClusterEdit.Result result;
            try {
                result = ClusterEdit.apply(current, node);
            } catch (RuntimeException e) {
                throw new AssertionError("case " + i + " of seed " + seed + " threw for " + text, e);
            }
            if (!result.valid()) {
                assertThat(result.violations()).extracting(Violation::path).as("case " + i + ": " + text)
                        .noneMatch(path -> path == null || path.isBlank());
            } else {
                assertThat(result.spec()).as("case " + i + ": " + text).isNotNull();
            }
        }
    }
}
