# A complete example: the sandbox account of the local stack (deploy/local/aws-sandbox), so the
# rendered byoc_cluster output registers against bin/byoc-stack as is. On real AWS, replace the
# first two lines with `byoc clusters prerequisites --output tfvars > byoc.auto.tfvars` and set
# the rest to your account's values.
platform_principal_arn = "arn:aws:iam::999999999999:user/byoc-platform"
external_id            = "replace-with-your-issued-external-id"

cluster_name        = "demo-01"
region              = "us-east-1"
performance_profile = "default"
instance_types = [
  { name = "m5.xlarge", overprovisioned_ondemand_count = 0 },
  { name = "g4dn.xlarge", overprovisioned_ondemand_count = 0 },
]

create_eks_cluster = true
eks_cluster_name   = "demo-01"
subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
kubernetes_version = "1.31"

create_bucket = true
bucket_name   = "byoc-demo-01-bucket"
role_name     = "byoc-demo-01"

tags = {
  owner   = "ml-platform"
  purpose = "byoc"
}
