data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  eks_cluster_name = var.eks_cluster_name != "" ? var.eks_cluster_name : var.cluster_name
  bucket_name      = var.bucket_name != "" ? var.bucket_name : "byoc-${var.cluster_name}-${local.account_id}"
  role_name        = var.role_name != "" ? var.role_name : "byoc-${var.cluster_name}"

  eks_cluster_arn = "arn:${local.partition}:eks:${var.region}:${local.account_id}:cluster/${local.eks_cluster_name}"
  bucket_arn      = "arn:${local.partition}:s3:::${local.bucket_name}"
}

# ---------------------------------------------------------------------------------------------
# The role the platform assumes: trusted by the platform principal only, and only with your
# external ID (the confused-deputy guard; the platform checks that a call without it fails).
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "PlatformWithYourExternalId"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [var.platform_principal_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

resource "aws_iam_role" "byoc" {
  name                 = local.role_name
  description          = "Assumed by the BYOC platform for cluster ${var.cluster_name} (external ID required)"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

# Least privilege: every action below is one the platform calls, on this cluster and this bucket
# only; README.md's table says which check or teardown step needs each. No managed policy.
data "aws_iam_policy_document" "access" {
  statement {
    sid       = "EksThisCluster"
    effect    = "Allow"
    actions   = ["eks:DescribeCluster"]
    resources = [local.eks_cluster_arn]
  }

  statement {
    sid       = "S3ThisBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.bucket_arn]
  }

  statement {
    sid       = "S3PlatformPrefixOnly"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.bucket_arn}/byoc/*"]
  }

  statement {
    sid     = "QuotasReadOnly"
    effect  = "Allow"
    actions = ["servicequotas:GetServiceQuota"]
    resources = [
      "arn:${local.partition}:servicequotas:${var.region}:${local.account_id}:ec2/*",
      "arn:${local.partition}:servicequotas:${var.region}:${local.account_id}:autoscaling/*",
    ]
  }
}

resource "aws_iam_role_policy" "access" {
  name   = "byoc-access"
  role   = aws_iam_role.byoc.id
  policy = data.aws_iam_policy_document.access.json
}

# ---------------------------------------------------------------------------------------------
# The bucket (create_bucket = true): encrypted, public access blocked, owner-enforced.
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  count  = var.create_bucket ? 1 : 0
  bucket = local.bucket_name

  lifecycle {
    precondition {
      condition     = length(local.bucket_name) <= 63
      error_message = "The derived bucket name is longer than 63 characters: set bucket_name."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count                   = var.create_bucket ? 1 : 0
  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = var.create_bucket ? 1 : 0
  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count  = var.create_bucket ? 1 : 0
  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# ---------------------------------------------------------------------------------------------
# The EKS cluster (create_eks_cluster = true): a minimal control plane in your subnets, with its
# own service role. Node groups, add-ons and networking beyond that are yours to add (or bring a
# cluster made with terraform-aws-modules/eks and set create_eks_cluster = false).
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "eks_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "eks" {
  count              = var.create_eks_cluster ? 1 : 0
  name               = "${local.role_name}-eks"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
}

# the control plane's own service role (EKS requires this AWS-managed policy; it is not the
# platform's and the platform's role never gets it)
resource "aws_iam_role_policy_attachment" "eks_cluster" {
  count      = var.create_eks_cluster ? 1 : 0
  role       = aws_iam_role.eks[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_eks_cluster" "this" {
  count    = var.create_eks_cluster ? 1 : 0
  name     = local.eks_cluster_name
  role_arn = aws_iam_role.eks[0].arn
  version  = var.kubernetes_version

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = true
  }

  depends_on = [aws_iam_role_policy_attachment.eks_cluster]

  lifecycle {
    precondition {
      condition     = length(var.subnet_ids) >= 2
      error_message = "create_eks_cluster = true needs subnet_ids: at least two subnets in two availability zones."
    }
    precondition {
      condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", local.eks_cluster_name))
      error_message = "The EKS cluster name may not contain '.': set eks_cluster_name."
    }
  }
}
