package dev.byoc.cli;

/** Specs the tests send: the demo spec of deploy/local (what the Terraform module prints). */
final class TestSpecs {
    static final String ROLE = "arn:aws:iam::111122223333:role/byoc-demo-01";
    /** What the Terraform module prints for the test user: her issued external ID. */
    static final String EXTERNAL_ID = FakeRegistry.EXTERNAL_ID;
    /** How the API shows it. */
    static final String EXTERNAL_ID_MASKED = dev.byoc.contracts.tenant.ExternalIds.mask(EXTERNAL_ID);

    private TestSpecs() {
    }

    static String request(String name) {
        return """
                {
                  "name": "%s",
                  "spec": {
                    "cluster_type": "CLUSTER_TYPE_BYOC",
                    "performance_profile": "CLUSTER_PERFORMANCE_PROFILE_DEFAULT",
                    "driver": {
                      "kubernetes": {
                        "aws": {
                          "region": "us-east-1",
                          "role_arn": "%s",
                          "external_id": "%s",
                          "bucket_name": "byoc-demo-01-bucket",
                          "eks_cluster_name": "demo-01",
                          "instance_types": [
                            {"name": "m5.xlarge", "overprovisioned_ondemand_count": 0},
                            {"name": "g4dn.xlarge", "overprovisioned_ondemand_count": 1}
                          ],
                          "cpu_ami_override": "",
                          "gpu_ami_override": "",
                          "builder_ami_override": ""
                        }
                      }
                    }
                  }
                }
                """.formatted(name, ROLE, EXTERNAL_ID);
    }
}
