package dev.byoc.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table tests of the DESIGN §5 rules, including the seed examples of issue 3. */
class SpecRulesTests {

    // ---- cluster name ----

    @ParameterizedTest
    @ValueSource(strings = {"foo-01", "a", "0", "a1", "foo.bar", "foo-bar.baz-01", "123",
            // exactly 63 characters
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123"})
    void clusterNameAccepted(String name) {
        assertThat(name.length()).isLessThanOrEqualTo(63);
        assertThat(SpecRules.clusterName(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo_01", "-foo", "foo-", ".foo", "foo.", "Foo", "FOO-01", "foo..bar", "foo 01", "föo",
            "foo/01",
            // 64 characters
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234"})
    void clusterNameRejected(String name) {
        Optional<String> message = SpecRules.clusterName(name);
        assertThat(message).isPresent();
        if (name.length() > 63) {
            assertThat(message.get()).contains("at most 63");
        } else {
            assertThat(message.get()).contains("'" + name + "'").contains("lower-case");
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    void clusterNameMissing(String name) {
        assertThat(SpecRules.clusterName(name)).hasValue("give a cluster name");
    }

    // ---- region ----

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "us-west-2", "eu-central-1", "ap-southeast-7", "cn-north-1", "us-gov-west-1",
            "il-central-1", "mx-central-1"})
    void regionAccepted(String region) {
        assertThat(SpecRules.region(region)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "us-east-1a, us-east-1",
            "eu-west-1c, eu-west-1",
            "us-gov-west-1a, us-gov-west-1",
            "ap-southeast-2b, ap-southeast-2"})
    void availabilityZoneRejectedWithTheRegionToUse(String zone, String region) {
        assertThat(SpecRules.region(zone)).hasValueSatisfying(message -> assertThat(message)
                .contains("give the region, not an availability zone")
                .contains("(" + region + ")"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mars-1", "us-east-9", "US-EAST-1", "us-east", "useast1", "us-east-1 ", "mars-east-1a"})
    void unknownRegionRejected(String region) {
        assertThat(SpecRules.region(region)).hasValueSatisfying(message -> assertThat(message)
                .contains("is not an AWS region code")
                .doesNotContain("availability zone"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void regionMissing(String region) {
        assertThat(SpecRules.region(region)).hasValueSatisfying(m -> assertThat(m).startsWith("give the AWS region"));
    }

    // ---- role ARN ----

    @ParameterizedTest
    @ValueSource(strings = {
            "arn:aws:iam::123456789012:role/byoc-foo-01",
            "arn:aws:iam::123456789012:role/service-role/byoc-foo-01",
            "arn:aws:iam::123456789012:role/a/b/c/byoc",
            "arn:aws-cn:iam::123456789012:role/byoc",
            "arn:aws-us-gov:iam::123456789012:role/byoc",
            "arn:aws:iam::123456789012:role/name+with=all,chars.@_-",
            "arn:aws:iam::123456789012:role/r"})
    void roleArnAccepted(String arn) {
        assertThat(SpecRules.roleArn(arn)).isEmpty();
    }

    @Test
    void roleNameOf64CharactersAcceptedAnd65Rejected() {
        String prefix = "arn:aws:iam::123456789012:role/";
        assertThat(SpecRules.roleArn(prefix + "r".repeat(64))).isEmpty();
        assertThat(SpecRules.roleArn(prefix + "r".repeat(65))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "arn:aws:iam::12345678901:role/byoc",        // 11-digit account
            "arn:aws:iam::1234567890123:role/byoc",      // 13-digit account
            "arn:aws:iam::12345678901a:role/byoc",       // non-digit account
            "arn:aws:iam::123456789012:user/alice",      // a user, not a role
            "arn:aws:iam::123456789012:role/",           // no role name
            "arn:aws:iam::123456789012:role/path/",      // path without name
            "arn:aws:iam::123456789012:role/bad name",   // space in name
            "arn:aws:iam::123456789012:role/bad*name",   // '*' not allowed in a name
            "arn:aws:iam:us-east-1:123456789012:role/x", // IAM ARNs have no region
            "arn:aws:s3:::my-bucket",                     // another service
            "arn:mars:iam::123456789012:role/byoc",      // unknown partition
            "byoc-foo-01",
            "ARN:AWS:IAM::123456789012:ROLE/BYOC"})
    void roleArnRejected(String arn) {
        assertThat(SpecRules.roleArn(arn)).hasValueSatisfying(m -> assertThat(m)
                .contains("is not an IAM role ARN").contains("12-digit account"));
    }

    @Test
    void accountOfAValidArnIsItsTwelveDigitsAndNullOtherwise() {
        assertThat(SpecRules.accountOf("arn:aws:iam::111122223333:role/a/b/byoc")).isEqualTo("111122223333");
        assertThat(SpecRules.accountOf("arn:aws:iam::111122223333:user/alice")).isNull();
    }

    // ---- external ID ----

    @ParameterizedTest
    @CsvSource({"1, false", "2, true", "1224, true", "1225, false"})
    void externalIdLength(int length, boolean valid) {
        String id = "a".repeat(length);
        assertThat(SpecRules.externalId(id).isEmpty()).isEqualTo(valid);
        if (!valid) {
            assertThat(SpecRules.externalId(id).get()).contains("2-1224").contains("(it is " + length + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2c9e41d0b8a64f5e9d7c1b3a5e8f7f3a", "A_b+c=d,e.f@g:h/i-j", "ab"})
    void externalIdAccepted(String id) {
        assertThat(SpecRules.externalId(id)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "semi;colon", "quote\"d", "star*", "hash#tag", "tab\tx", "ünïcode", "new\nline"})
    void externalIdWithBadCharactersRejectedWithoutEchoingTheSecret(String id) {
        assertThat(SpecRules.externalId(id)).hasValueSatisfying(m -> assertThat(m)
                .contains("may contain only")
                .doesNotContain(id));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void externalIdMissing(String id) {
        assertThat(SpecRules.externalId(id)).isPresent();
    }

    // ---- EKS cluster name ----

    @ParameterizedTest
    @ValueSource(strings = {"foo-01", "Foo_01", "0abc", "a", "MyCluster"})
    void eksNameAccepted(String name) {
        assertThat(SpecRules.eksClusterName(name)).isEmpty();
    }

    @Test
    void eksNameOf100CharactersAcceptedAnd101Rejected() {
        assertThat(SpecRules.eksClusterName("e".repeat(100))).isEmpty();
        assertThat(SpecRules.eksClusterName("e".repeat(101))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo.01", "-foo", "_foo", "foo bar", "foo/bar"})
    void eksNameRejected(String name) {
        assertThat(SpecRules.eksClusterName(name)).hasValueSatisfying(m -> assertThat(m).contains("'" + name + "'"));
    }

    // ---- bucket name ----

    @ParameterizedTest
    @ValueSource(strings = {"byoc-demo-01-bucket", "abc", "my.bucket.name", "0bucket9",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123"})
    void bucketAccepted(String bucket) {
        assertThat(SpecRules.bucketName(bucket)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ab                 | 3-63 characters",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234 | 3-63 characters",
            "192.168.5.4        | IP address",
            "10.0.0.1           | IP address",
            "xn--bucket         | reserved prefix 'xn--'",
            "sthree-bucket      | reserved prefix 'sthree-'",
            "amzn-s3-demo-thing | reserved prefix 'amzn-s3-demo-'",
            "bucket-s3alias     | reserved suffix '-s3alias'",
            "bucket--ol-s3      | reserved suffix '--ol-s3'",
            "bucket.mrap        | reserved suffix '.mrap'",
            "bucket--x-s3       | reserved suffix '--x-s3'",
            "bucket--table-s3   | reserved suffix '--table-s3'",
            "my..bucket         | not contain '..'",
            "My-Bucket          | lower-case",
            "my_bucket          | lower-case",
            "-bucket            | start and end",
            "bucket-            | start and end",
            ".bucket            | start and end"})
    void bucketRejected(String bucket, String why) {
        assertThat(SpecRules.bucketName(bucket)).hasValueSatisfying(m -> assertThat(m).contains(why));
    }

    // ---- instance types ----

    @ParameterizedTest
    @ValueSource(strings = {"m5.xlarge", "m5.large", "m5.24xlarge", "m5.metal", "c6i.2xlarge", "g4dn.xlarge",
            "p3.16xlarge", "t3.micro", "m7i-flex.large", "r5.metal", "inf2.xlarge"})
    void instanceTypeAccepted(String type) {
        assertThat(SpecRules.instanceType(type)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"m6g.large", "c7g.xlarge", "r6gd.2xlarge", "a1.medium", "t4g.micro", "m7gd.large"})
    void gravitonRejected(String type) {
        assertThat(SpecRules.instanceType(type)).hasValueSatisfying(m -> assertThat(m)
                .contains("Graviton").contains("x86_64"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"banana", "m5", "m5.", ".xlarge", "M5.XLARGE", "m5.huge", "m5 xlarge"})
    void malformedInstanceTypeRejected(String type) {
        assertThat(SpecRules.instanceType(type)).hasValueSatisfying(m -> assertThat(m).contains("is not an EC2 instance type"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz9.large", "mac1.metal", "f1.2xlarge"})
    void unknownFamilyRejected(String type) {
        assertThat(SpecRules.instanceType(type)).hasValueSatisfying(m -> assertThat(m).contains("not a supported instance family"));
    }

    @ParameterizedTest
    @CsvSource({"g4dn.xlarge, true", "p3.2xlarge, true", "dl1.24xlarge, true", "m5.xlarge, false", "c5.large, false"})
    void gpuFamilies(String type, boolean gpu) {
        assertThat(SpecRules.isGpuFamily(type)).isEqualTo(gpu);
    }
}
