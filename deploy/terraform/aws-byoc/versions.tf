terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

# The module is applied as a root module in the customer's account (terraform apply in this
# folder, or as a module with your own provider block: then remove this one).
provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}
