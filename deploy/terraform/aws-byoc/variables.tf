variable "cluster_name" {
  description = "The cluster's name on the platform (byoc clusters): lower-case letters, digits, '-' or '.', starts and ends with a letter or digit, at most 63 characters, no '..'."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$", var.cluster_name)) && !strcontains(var.cluster_name, "..")
    error_message = "cluster_name: lower-case letters, digits, '-' or '.', starting and ending with a letter or digit, at most 63 characters, no '..'."
  }
}

variable "region" {
  description = "The AWS region of the EKS cluster and the bucket, e.g. us-east-1 (the region, not an availability zone)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$", var.region))
    error_message = "region: give the region (us-east-1), not an availability zone (us-east-1a)."
  }
}

variable "platform_principal_arn" {
  description = "The platform's AWS principal that may assume the role: platform_principal_arn from `byoc clusters prerequisites --output tfvars`."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[A-Za-z0-9+=,.@_/-]+$", var.platform_principal_arn))
    error_message = "platform_principal_arn: an IAM ARN such as arn:aws:iam::999999999999:role/byoc-platform (from byoc clusters prerequisites)."
  }
}

variable "external_id" {
  description = "Your external ID, issued by the platform: external_id from `byoc clusters prerequisites --output tfvars`. The role can be assumed only with it."
  type        = string

  validation {
    condition     = length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[A-Za-z0-9+=,.@:/_-]+$", var.external_id))
    error_message = "external_id: the value `byoc clusters prerequisites` shows (2 to 1224 of A-Z a-z 0-9 + = , . @ : / _ -)."
  }
}

variable "instance_types" {
  description = "The EC2 instance types the platform may run workloads on (x86_64; Graviton types such as m6g.* are refused by the platform), each with how many on-demand instances to keep overprovisioned."
  type = list(object({
    name                           = string
    overprovisioned_ondemand_count = optional(number, 0)
  }))
  default = [{ name = "m5.xlarge", overprovisioned_ondemand_count = 0 }]

  validation {
    condition     = length(var.instance_types) > 0 && alltrue([for t in var.instance_types : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", t.name)) && !can(regex("^[a-z]+[0-9]+[a-z-]*g[a-z-]*\\.", t.name))])
    error_message = "instance_types: at least one EC2 type such as m5.xlarge; Graviton (arm64) types such as m6g.large are refused."
  }
}

variable "performance_profile" {
  description = "default, or cost-saving (spot instances where possible)."
  type        = string
  default     = "default"

  validation {
    condition     = contains(["default", "cost-saving"], var.performance_profile)
    error_message = "performance_profile: default or cost-saving."
  }
}

variable "create_eks_cluster" {
  description = "true: create a minimal EKS cluster named eks_cluster_name (needs subnet_ids). false: bring an existing one of that name in region."
  type        = bool
  default     = true
}

variable "eks_cluster_name" {
  description = "The EKS cluster's name; empty means cluster_name (which then must not contain '.')."
  type        = string
  default     = ""

  validation {
    condition     = var.eks_cluster_name == "" || can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.eks_cluster_name))
    error_message = "eks_cluster_name: 1 to 100 letters, digits, '-' or '_', starting with a letter or digit."
  }
}

variable "kubernetes_version" {
  description = "The Kubernetes version of a created EKS cluster (null: EKS's default)."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets (at least two, in two availability zones) of a created EKS cluster; unused when create_eks_cluster = false."
  type        = list(string)
  default     = []
}

variable "create_bucket" {
  description = "true: create the bucket bucket_name (encrypted, public access blocked). false: bring an existing bucket of that name in region."
  type        = bool
  default     = true
}

variable "bucket_name" {
  description = "The S3 bucket the platform writes under byoc/<clusterId>/ only; empty means byoc-<cluster_name>-<account id>."
  type        = string
  default     = ""

  validation {
    condition     = var.bucket_name == "" || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, ".."))
    error_message = "bucket_name: 3 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit, no '..'."
  }
}

variable "role_name" {
  description = "The IAM role's name; empty means byoc-<cluster_name>."
  type        = string
  default     = ""

  validation {
    condition     = var.role_name == "" || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name: 1 to 64 letters, digits or + = , . @ _ -."
  }
}

variable "tags" {
  description = "Tags on everything the module creates."
  type        = map(string)
  default     = {}
}
