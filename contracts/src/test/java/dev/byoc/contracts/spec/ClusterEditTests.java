package dev.byoc.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterEditTests {
    private static final String AWS = "spec.driver.kubernetes.aws";
    private static final ClusterSpec CURRENT = new ClusterSpec("us-east-1", "arn:aws:iam::123456789012:role/byoc-foo-01",
            "byoc-foo-01-bucket", "foo-01",
            List.of(new ClusterSpec.InstanceType("m5.xlarge", 1)), ClusterSpec.PROFILE_DEFAULT, false);

    private static JsonNode patch(String json) {
        return Json.read(json, JsonNode.class);
    }

    private static String typesPatch(String typesJson) {
        return "{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"instance_types\": " + typesJson + "}}}}}";
    }

    @Test
    void editsInstanceTypesOnly() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch(typesPatch(
                "[{\"name\": \"m5.2xlarge\", \"overprovisioned_ondemand_count\": 2}, {\"name\": \"g4dn.xlarge\"}]")));

        assertThat(result.violations()).isEmpty();
        assertThat(result.changed()).containsExactly("instanceTypes");
        assertThat(result.spec().instanceTypes()).containsExactly(
                new ClusterSpec.InstanceType("m5.2xlarge", 2), new ClusterSpec.InstanceType("g4dn.xlarge", 0));
        // everything else is untouched, including the secret
        assertThat(result.spec()).usingRecursiveComparison().ignoringFields("instanceTypes").isEqualTo(CURRENT);
    }

    @Test
    void editsPerformanceProfileInGridOrWireNames() {
        ClusterEdit.Result grid = ClusterEdit.apply(CURRENT,
                patch("{\"spec\": {\"performance_profile\": \"CLUSTER_PERFORMANCE_PROFILE_COST_SAVING\"}}"));
        assertThat(grid.violations()).isEmpty();
        assertThat(grid.changed()).containsExactly("performanceProfile");
        assertThat(grid.spec().performanceProfile()).isEqualTo(ClusterSpec.PROFILE_COST_SAVING);
        assertThat(grid.spec().instanceTypes()).isEqualTo(CURRENT.instanceTypes());

        ClusterEdit.Result wire = ClusterEdit.apply(CURRENT, patch("{\"spec\": {\"performance_profile\": \"cost-saving\"}}"));
        assertThat(wire.spec()).isEqualTo(grid.spec());
    }

    @Test
    void editsBothAtOnce() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch("""
                {"spec": {"performance_profile": "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING",
                          "driver": {"kubernetes": {"aws": {"instance_types": [{"name": "c5.large"}]}}}}}"""));
        assertThat(result.violations()).isEmpty();
        assertThat(result.changed()).containsExactlyInAnyOrder("performanceProfile", "instanceTypes");
    }

    @Test
    void sameValuesAreUnchanged() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch("""
                {"spec": {"performance_profile": "CLUSTER_PERFORMANCE_PROFILE_DEFAULT",
                          "driver": {"kubernetes": {"aws": {"instance_types":
                              [{"name": "m5.xlarge", "overprovisioned_ondemand_count": 1}]}}}}}"""));
        assertThat(result.valid()).isTrue();
        assertThat(result.changed()).isEmpty();
        assertThat(result.spec()).isEqualTo(CURRENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"spec\": {}}", "{\"spec\": {\"performance_profile\": null}}",
            "{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {}}}}}"})
    void emptyOrNullPatchChangesNothing(String json) {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch(json));
        assertThat(result.valid()).isTrue();
        assertThat(result.changed()).isEmpty();
        assertThat(result.spec()).isEqualTo(CURRENT);
    }

    @Test
    void changingOnlyTheOverprovisionedCountIsAChange() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT,
                patch(typesPatch("[{\"name\": \"m5.xlarge\", \"overprovisioned_ondemand_count\": 3}]")));
        assertThat(result.changed()).containsExactly("instanceTypes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"region", "external_id", "bucket_name", "eks_cluster_name", "cpu_ami_override"})
    void refusesOtherAwsFieldsWithTheirPath(String field) {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT,
                patch("{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"" + field + "\": \"x\"}}}}}"));
        assertThat(result.valid()).isFalse();
        assertThat(result.spec()).isNull();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo(AWS + "." + field);
            assertThat(v.message()).contains("cannot be edited").contains("spec.performance_profile");
        });
    }

    static final String NEW_ROLE = "arn:aws:iam::111122223333:role/byoc-demo-01-2025";

    static String rolePatch(String role) {
        return "{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"role_arn\": " + role + "}}}}}";
    }

    @Test
    void aNewRoleIsARotationRequestThatChangesNothingYet() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch(rolePatch("\"" + NEW_ROLE + "\"")));
        assertThat(result.valid()).isTrue();
        assertThat(result.rotation()).isTrue();
        assertThat(result.candidateRoleArn()).isEqualTo(NEW_ROLE);
        assertThat(result.spec()).isEqualTo(CURRENT);
        assertThat(result.changed()).isEmpty();
    }

    @Test
    void theCurrentRoleIsNoChange() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch(rolePatch("\"" + CURRENT.roleArn() + "\"")));
        assertThat(result.valid()).isTrue();
        assertThat(result.rotation()).isFalse();
        assertThat(result.changed()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"byoc-demo-01\"", "\"arn:aws:iam::1111:role/x\"", "42", "null"})
    void aMalformedRoleIsRefusedAtItsPath(String role) {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch(rolePatch(role)));
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path).containsOnly(AWS + ".role_arn");
    }

    @Test
    void aRotationComesAlone() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch("{\"spec\": {\"performance_profile\": \"cost-saving\", "
                + "\"driver\": {\"kubernetes\": {\"aws\": {\"role_arn\": \"" + NEW_ROLE + "\"}}}}}"));
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo(AWS + ".role_arn");
            assertThat(v.message()).contains("on its own");
        });
    }

    @Test
    void anEditKeepsThePreviousRole() {
        ClusterSpec rotated = CURRENT.rotatedTo(NEW_ROLE);
        assertThat(rotated.previousRoleArn()).isEqualTo(CURRENT.roleArn());
        ClusterEdit.Result result = ClusterEdit.apply(rotated, patch("{\"spec\": {\"performance_profile\": \"cost-saving\"}}"));
        assertThat(result.spec().previousRoleArn()).isEqualTo(CURRENT.roleArn());
        assertThat(result.spec().roleArn()).isEqualTo(NEW_ROLE);
    }

    @Test
    void refusesTopLevelAndSpecFieldsWithTheirPath() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT,
                patch("{\"name\": \"foo-02\", \"spec\": {\"cluster_type\": \"CLUSTER_TYPE_BYOC\", \"driver\": {\"external\": {}}}}"));
        assertThat(result.violations()).extracting(Violation::path)
                .containsExactlyInAnyOrder("name", "spec.cluster_type", "spec.driver.external");
    }

    @Test
    void aRefusedFieldRefusesTheWholePatch() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch("""
                {"spec": {"performance_profile": "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING",
                          "driver": {"kubernetes": {"aws": {"region": "us-west-2"}}}}}"""));
        assertThat(result.valid()).isFalse();
        assertThat(result.spec()).isNull();
        assertThat(result.changed()).isEmpty();
        assertThat(result.violations()).extracting(Violation::path).containsExactly(AWS + ".region");
    }

    @Test
    void validatesTheNewInstanceTypes() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT,
                patch(typesPatch("[{\"name\": \"m5.xlarge\"}, {\"name\": \"m6g.large\"}, {\"name\": \"banana\"}]")));
        assertThat(result.violations()).extracting(Violation::path)
                .containsExactly(AWS + ".instance_types[1].name", AWS + ".instance_types[2].name");
        assertThat(result.violations().get(0).message()).contains("Graviton");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "{}", "\"m5.xlarge\""})
    void instanceTypesMustBeANonEmptyList(String value) {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch(typesPatch(value)));
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path).containsOnly(AWS + ".instance_types");
    }

    @Test
    void refusesAnUnknownProfile() {
        ClusterEdit.Result result = ClusterEdit.apply(CURRENT, patch("{\"spec\": {\"performance_profile\": \"TURBO\"}}"));
        assertThat(result.violations()).extracting(Violation::path).containsExactly("spec.performance_profile");
    }

    @Test
    void refusesANonObjectWhereAnObjectIsExpected() {
        assertThat(ClusterEdit.apply(CURRENT, patch("{\"spec\": \"cost-saving\"}")).violations())
                .extracting(Violation::path).containsExactly("spec");
        assertThat(ClusterEdit.apply(CURRENT, patch("[1]")).violations())
                .extracting(Violation::path).containsExactly("$");
    }
}
