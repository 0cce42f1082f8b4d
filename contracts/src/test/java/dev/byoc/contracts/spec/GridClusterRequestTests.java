package dev.byoc.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.tenant.ExternalIds;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GridClusterRequestTests {

    /** What Grid's Terraform module prints, pasted verbatim (including the keys we ignore). */
    static final String GRID_SPEC = """
            {
              "name": "foo-01",
              "spec": {
                "cluster_type": "CLUSTER_TYPE_BYOC",
                "performance_profile": "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING",
                "desired_state": "CLUSTER_STATE_RUNNING",
                "cost_factor": 0.5,
                "driver": {
                  "external": {"some": {"nested": ["grid", "stuff"]}},
                  "kubernetes": {
                    "aws": {
                      "region": "us-east-1",
                      "role_arn": "arn:aws:iam::123456789012:role/byoc-foo-01",
                      "external_id": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b78527f3a",
                      "bucket_name": "byoc-foo-01-bucket",
                      "eks_cluster_name": "foo-01-eks",
                      "instance_types": [
                        {"name": "m5.xlarge", "overprovisioned_ondemand_count": 1},
                        {"name": "g4dn.xlarge", "overprovisioned_ondemand_count": 0}
                      ],
                      "cpu_ami_override": "",
                      "gpu_ami_override": "",
                      "builder_ami_override": ""
                    }
                  }
                }
              }
            }
            """;

    static final String AWS = "spec.driver.kubernetes.aws";

    private static ObjectNode gridSpec() {
        try {
            return (ObjectNode) Json.mapper().readTree(GRID_SPEC);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode aws(ObjectNode root) {
        return (ObjectNode) root.path("spec").path("driver").path("kubernetes").path("aws");
    }

    private static List<String> paths(GridClusterRequest.Result result) {
        return result.violations().stream().map(Violation::path).toList();
    }

    @Test
    void gridModuleOutputParsesAsIs() {
        GridClusterRequest.Result result = GridClusterRequest.parse(GRID_SPEC);

        assertThat(result.violations()).isEmpty();
        assertThat(result.valid()).isTrue();
        assertThat(result.parsed().name()).isEqualTo("foo-01");
        ClusterSpec spec = result.parsed().spec();
        assertThat(spec.region()).isEqualTo("us-east-1");
        assertThat(spec.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/byoc-foo-01");
        assertThat(result.parsed().externalId()).endsWith("7f3a").hasSize(64);
        assertThat(Json.write(spec)).as("the spec never carries the external ID").doesNotContain("7f3a");
        assertThat(spec.bucketName()).isEqualTo("byoc-foo-01-bucket");
        assertThat(spec.eksClusterName()).isEqualTo("foo-01-eks");
        assertThat(spec.instanceTypes()).containsExactly(
                new ClusterSpec.InstanceType("m5.xlarge", 1), new ClusterSpec.InstanceType("g4dn.xlarge", 0));
        assertThat(spec.performanceProfile()).isEqualTo(ClusterSpec.PROFILE_COST_SAVING);
        assertThat(spec.strict()).isFalse();
    }

    @Test
    void minimalRequestGetsDefaults() {
        String minimal = """
                {"name": "foo-01", "spec": {"driver": {"kubernetes": {"aws": {
                  "region": "eu-west-1", "role_arn": "arn:aws:iam::123456789012:role/r",
                  "external_id": "abcd", "bucket_name": "bucket-1"}}}}}""";
        GridClusterRequest.Result result = GridClusterRequest.parse(minimal);

        assertThat(result.violations()).isEmpty();
        ClusterSpec spec = result.parsed().spec();
        assertThat(spec.eksClusterName()).as("eks_cluster_name defaults to the name").isEqualTo("foo-01");
        assertThat(spec.instanceTypes()).isEqualTo(GridClusterRequest.DEFAULT_INSTANCE_TYPES);
        assertThat(spec.performanceProfile()).isEqualTo(ClusterSpec.PROFILE_DEFAULT);
    }

    @Test
    void emptyEksClusterNameAlsoDefaultsToTheName() {
        ObjectNode root = gridSpec();
        aws(root).put("eks_cluster_name", "");
        GridClusterRequest.Result result = GridClusterRequest.parse(root.toString());
        assertThat(result.violations()).isEmpty();
        assertThat(result.parsed().spec().eksClusterName()).isEqualTo("foo-01");
    }

    @Test
    void nameWithDotNeedsAnExplicitEksClusterName() {
        ObjectNode root = gridSpec();
        root.put("name", "foo.01");
        aws(root).remove("eks_cluster_name");

        GridClusterRequest.Result result = GridClusterRequest.parse(root.toString());

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo(AWS + ".eks_cluster_name");
            assertThat(v.message()).contains("'foo.01'").contains("give eks_cluster_name explicitly");
        });

        aws(root).put("eks_cluster_name", "foo-01");
        GridClusterRequest.Result fixed = GridClusterRequest.parse(root.toString());
        assertThat(fixed.violations()).isEmpty();
        assertThat(fixed.parsed().name()).isEqualTo("foo.01");
        assertThat(fixed.parsed().spec().eksClusterName()).isEqualTo("foo-01");
    }

    @Test
    void invalidNameIsReportedOnceNotAgainAsEksName() {
        ObjectNode root = gridSpec();
        root.put("name", "Foo_01");
        aws(root).remove("eks_cluster_name");
        assertThat(paths(GridClusterRequest.parse(root.toString()))).containsExactly("name");
    }

    @ParameterizedTest
    @CsvSource({
            "'',                                    surprise",
            "spec,                                  surprise",
            "spec.driver,                           surprise",
            "spec.driver.kubernetes,                surprise",
            "spec.driver.kubernetes.aws,            subnet_ids"})
    void unknownKeyReportedWithItsExactPath(String parent, String key) {
        ObjectNode root = gridSpec();
        ObjectNode target = parent.isEmpty() ? root : (ObjectNode) root.at("/" + parent.replace('.', '/'));
        target.putArray(key).add("subnet-0a1b2c3d");

        GridClusterRequest.Result result = GridClusterRequest.parse(root.toString());

        String expected = parent.isEmpty() ? key : parent + "." + key;
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo(expected);
            assertThat(v.message()).contains("unknown key '" + key + "'");
        });
    }

    @Test
    void unknownKeyInsideAnInstanceTypeHasTheIndexInItsPath() {
        ObjectNode root = gridSpec();
        ((ObjectNode) aws(root).path("instance_types").get(1)).put("spot", true);
        assertThat(paths(GridClusterRequest.parse(root.toString()))).containsExactly(AWS + ".instance_types[1].spot");
    }

    @Test
    void ignoredGridKeysAcceptAnyValue() {
        ObjectNode root = gridSpec();
        ((ObjectNode) root.path("spec")).putObject("desired_state").put("anything", 1);
        ((ObjectNode) root.path("spec")).put("cost_factor", "not a number");
        ((ObjectNode) root.path("spec").path("driver")).putArray("external").add(1);
        assertThat(GridClusterRequest.parse(root.toString()).violations()).isEmpty();
    }

    @Test
    void duplicateKeyAtTheRootReportedWithItsPath() {
        GridClusterRequest.Result result = GridClusterRequest.parse("{\"name\": \"foo-01\", \"name\": \"foo-02\", \"spec\": {}}");
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("name");
            assertThat(v.message()).isEqualTo("duplicate key 'name'");
        });
    }

    @Test
    void duplicateNestedKeyReportedWithItsPath() {
        String json = GRID_SPEC.replace("\"region\": \"us-east-1\",", "\"region\": \"us-east-1\", \"region\": \"us-east-2\",");
        GridClusterRequest.Result result = GridClusterRequest.parse(json);
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo(AWS + ".region");
            assertThat(v.message()).isEqualTo("duplicate key 'region'");
        });
    }

    @Test
    void duplicateKeyInsideAnArrayElementReportedWithTheIndex() {
        String json = GRID_SPEC.replace("{\"name\": \"g4dn.xlarge\",", "{\"name\": \"g4dn.xlarge\", \"name\": \"m5.large\",");
        GridClusterRequest.Result result = GridClusterRequest.parse(json);
        assertThat(result.violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo(AWS + ".instance_types[1].name"));
    }

    @Test
    void invalidJsonIsOneViolation() {
        GridClusterRequest.Result result = GridClusterRequest.parse("{\"name\": \"foo-01\", ");
        assertThat(result.valid()).isFalse();
        assertThat(result.parsed()).isNull();
        assertThat(result.violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("not valid JSON"));
    }

    @Test
    void nonObjectIsRejectedAtTheRoot() {
        assertThat(GridClusterRequest.parse("[1, 2]").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$"));
        assertThat(GridClusterRequest.parse((JsonNode) null).valid()).isFalse();
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        ObjectNode root = gridSpec();
        root.put("name", "Foo_01");
        root.put("colour", "blue");
        ObjectNode aws = aws(root);
        aws.put("region", "us-east-1a");
        aws.put("role_arn", "arn:aws:iam::12345678901:role/x");
        aws.put("external_id", "x");
        aws.put("bucket_name", "xn--bucket");
        aws.put("eks_cluster_name", "bad.eks");
        ((ObjectNode) aws.path("instance_types").get(0)).put("name", "m6g.large");
        ((ObjectNode) aws.path("instance_types").get(1)).put("overprovisioned_ondemand_count", -1);
        ((ObjectNode) root.path("spec")).put("performance_profile", "TURBO");
        ((ObjectNode) root.path("spec")).put("cluster_type", "CLUSTER_TYPE_GRID");

        GridClusterRequest.Result result = GridClusterRequest.parse(root.toString());

        assertThat(result.parsed()).isNull();
        assertThat(paths(result)).containsExactlyInAnyOrder(
                "colour",
                "name",
                "spec.cluster_type",
                "spec.performance_profile",
                AWS + ".region",
                AWS + ".role_arn",
                AWS + ".external_id",
                AWS + ".bucket_name",
                AWS + ".eks_cluster_name",
                AWS + ".instance_types[0].name",
                AWS + ".instance_types[1].overprovisioned_ondemand_count");
        assertThat(result.violations()).filteredOn(v -> v.path().endsWith(".region")).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("give the region, not an availability zone"));
    }

    @Test
    void missingRequiredAwsFieldsAreEachReported() {
        GridClusterRequest.Result result = GridClusterRequest.parse(
                "{\"name\": \"foo-01\", \"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {}}}}}");
        assertThat(paths(result)).contains(AWS + ".region", AWS + ".role_arn", AWS + ".bucket_name")
                .as("the platform issues the external ID: leaving it out is fine").doesNotContain(AWS + ".external_id");
    }

    @Test
    void missingSpecOrAwsIsReportedAtThatPath() {
        assertThat(paths(GridClusterRequest.parse("{\"name\": \"foo-01\"}"))).containsExactly("spec");
        assertThat(paths(GridClusterRequest.parse("{\"name\": \"foo-01\", \"spec\": {}}"))).containsExactly(AWS);
    }

    @Test
    void wrongTypesAreReportedAsSuch() {
        ObjectNode root = gridSpec();
        aws(root).put("region", 42);
        ((ObjectNode) root.path("spec")).put("strict_validation", "yes");
        aws(root).putObject("instance_types");
        GridClusterRequest.Result result = GridClusterRequest.parse(root.toString());
        assertThat(paths(result)).contains(AWS + ".region", "spec.strict_validation", AWS + ".instance_types");
        assertThat(result.violations()).filteredOn(v -> v.path().equals(AWS + ".region"))
                .anySatisfy(v -> assertThat(v.message()).isEqualTo("must be a string"));
    }

    @Test
    void instanceTypeListedTwiceIsRejected() {
        ObjectNode root = gridSpec();
        ((ObjectNode) aws(root).path("instance_types").get(1)).put("name", "m5.xlarge");
        assertThat(GridClusterRequest.parse(root.toString()).violations()).singleElement()
                .satisfies(v -> {
                    assertThat(v.path()).isEqualTo(AWS + ".instance_types[1].name");
                    assertThat(v.message()).contains("listed twice");
                });
    }

    @Test
    void emptyInstanceTypeListIsRejected() {
        ObjectNode root = gridSpec();
        aws(root).putArray("instance_types");
        assertThat(paths(GridClusterRequest.parse(root.toString()))).containsExactly(AWS + ".instance_types");
    }

    @Test
    void strictValidationIsCarriedIntoTheSpec() {
        ObjectNode root = gridSpec();
        ((ObjectNode) root.path("spec")).put("strict_validation", true);
        assertThat(GridClusterRequest.parse(root.toString()).parsed().spec().strict()).isTrue();
    }

    @Test
    void toGridShowsWhatItIsGivenAsTheExternalIdAndRoundTrips() {
        GridClusterRequest.Parsed parsed = GridClusterRequest.parse(GRID_SPEC).parsed();

        ObjectNode masked = GridClusterRequest.toGrid(parsed.name(), parsed.spec(), ExternalIds.mask(parsed.externalId()));
        assertThat(masked.at("/spec/driver/kubernetes/aws/external_id").textValue()).isEqualTo("…7f3a");
        assertThat(masked.toString()).doesNotContain(parsed.externalId());
        assertThat(masked.at("/spec/performance_profile").textValue())
                .isEqualTo(GridClusterRequest.PROFILE_COST_SAVING);
        assertThat(masked.at("/spec/cluster_type").textValue()).isEqualTo(GridClusterRequest.CLUSTER_TYPE_BYOC);
        // the hint is no external ID: sending the masked document back is refused at that path
        assertThat(paths(GridClusterRequest.parse(masked.toString()))).containsExactly(AWS + ".external_id");

        ObjectNode revealed = GridClusterRequest.toGrid(parsed.name(), parsed.spec(), parsed.externalId());
        GridClusterRequest.Result again = GridClusterRequest.parse(revealed.toString());
        assertThat(again.violations()).isEmpty();
        assertThat(again.parsed()).isEqualTo(parsed);

        ObjectNode without = GridClusterRequest.toGrid(parsed.name(), parsed.spec(), null);
        assertThat(without.at("/spec/driver/kubernetes/aws").has("external_id")).isFalse();
        assertThat(GridClusterRequest.parse(without.toString()).parsed())
                .isEqualTo(new GridClusterRequest.Parsed(parsed.name(), parsed.spec(), null));
    }

    @Test
    void externalIdIsOptionalAndEmptyMeansLeftOut() {
        ObjectNode root = gridSpec();
        ObjectNode aws = (ObjectNode) root.at("/spec/driver/kubernetes/aws");
        aws.remove("external_id");
        GridClusterRequest.Result absent = GridClusterRequest.parse(root.toString());
        assertThat(absent.violations()).isEmpty();
        assertThat(absent.parsed().externalId()).isNull();
        aws.put("external_id", "");
        assertThat(GridClusterRequest.parse(root.toString()).parsed().externalId()).isNull();
        aws.put("external_id", "a b");
        assertThat(paths(GridClusterRequest.parse(root.toString()))).containsExactly(AWS + ".external_id");
    }

    @Test
    void toGridWritesStrictOnlyWhenSet() {
        GridClusterRequest.Parsed parsed = GridClusterRequest.parse(GRID_SPEC).parsed();
        assertThat(GridClusterRequest.toGrid(parsed.name(), parsed.spec(), null).path("spec").has("strict_validation"))
                .isFalse();
        ClusterSpec strict = new ClusterSpec(parsed.spec().region(), parsed.spec().roleArn(),
                parsed.spec().bucketName(), parsed.spec().eksClusterName(), parsed.spec().instanceTypes(),
                parsed.spec().performanceProfile(), true);
        ObjectNode grid = GridClusterRequest.toGrid(parsed.name(), strict, null);
        assertThat(grid.at("/spec/strict_validation").booleanValue()).isTrue();
        assertThat(GridClusterRequest.parse(grid.toString()).parsed().spec()).isEqualTo(strict);
    }

    @Test
    void parsedToStringNeverShowsTheExternalId() {
        GridClusterRequest.Parsed parsed = GridClusterRequest.parse(GRID_SPEC).parsed();
        assertThat(parsed.toString()).doesNotContain(parsed.externalId());
    }
}
