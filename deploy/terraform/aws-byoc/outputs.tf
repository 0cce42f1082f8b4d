locals {
  # exactly the create request the registry accepts (POST /api/v1/clusters, the Grid V1 shape)
  byoc_cluster = {
    name = var.cluster_name
    spec = {
      cluster_type        = "CLUSTER_TYPE_BYOC"
      performance_profile = var.performance_profile == "cost-saving" ? "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING" : "CLUSTER_PERFORMANCE_PROFILE_DEFAULT"
      driver = {
        kubernetes = {
          aws = {
            region           = var.region
            role_arn         = aws_iam_role.byoc.arn
            external_id      = var.external_id
            bucket_name      = local.bucket_name
            eks_cluster_name = local.eks_cluster_name
            instance_types = [for t in var.instance_types : {
              name                           = t.name
              overprovisioned_ondemand_count = t.overprovisioned_ondemand_count
            }]
            cpu_ami_override     = ""
            gpu_ami_override     = ""
            builder_ami_override = ""
          }
        }
      }
    }
  }
}

output "byoc_cluster" {
  description = "The cluster spec to register: terraform output -json byoc_cluster | byoc clusters aws --spec-file - --wait"
  value       = local.byoc_cluster

  # the EKS cluster and the role's policy must exist before the platform validates them
  depends_on = [aws_iam_role_policy.access, aws_eks_cluster.this, aws_s3_bucket.this]
}

output "gridv1_cluster" {
  description = "The same value under the reference product's name: terraform output -json | jq -r '.gridv1_cluster.value'"
  value       = local.byoc_cluster

  depends_on = [aws_iam_role_policy.access, aws_eks_cluster.this, aws_s3_bucket.this]
}

output "role_arn" {
  description = "The role the platform assumes."
  value       = aws_iam_role.byoc.arn
}

output "bucket_name" {
  description = "The bucket the platform writes under byoc/<clusterId>/."
  value       = local.bucket_name
}

output "eks_cluster_name" {
  description = "The EKS cluster the platform watches."
  value       = local.eks_cluster_name
}
